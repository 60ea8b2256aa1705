package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code x in xs} and {@code x not in xs}. When the right side is a constant list of strings (the usual
 * {@code cap in ["SYS_ADMIN", ...]}), the compiler gives a hash set so membership costs one lookup.
 */
public final class EvalIn extends Node {
    private final Node item;
    private final Node container;
    private final boolean negated;
    private final Set<String> constantStrings;

    public EvalIn(Node item, Node container, boolean negated, Span span) {
        super(span);
        this.item = item;
        this.container = container;
        this.negated = negated;
        this.constantStrings = stringSet(container);
    }

    private static Set<String> stringSet(Node container) {
        if (!(container instanceof EvalLiteral lit) || !(lit.value() instanceof Value.ListV l)) return null;
        Set<String> set = new HashSet<>();
        for (Value v : l.items()) {
            if (!(v instanceof Value.Str s)) return null;
            set.add(s.value());
        }
        return set;
    }

    @Override
    public java.util.List<Node> operands() {
        return java.util.List.of(item, container);
    }

    @Override
    public Value eval(Frame frame) {
        Value x = item.eval(frame);
        boolean found;
        if (constantStrings != null) {
            found = x instanceof Value.Str s && constantStrings.contains(s.value());
        } else {
            found = Operators.contains(container.eval(frame), x);
        }
        return Values.bool(found != negated);
    }
}
