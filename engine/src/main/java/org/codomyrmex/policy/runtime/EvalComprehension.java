package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.List;

/** {@code [e for x in xs if f]}. */
public final class EvalComprehension extends Node {
    private final Node element;
    private final int slot;
    private final Node source;
    private final Node filter;

    /** @param filter null when the comprehension has no {@code if} */
    public EvalComprehension(Node element, int slot, Node source, Node filter, Span span) {
        super(span);
        this.element = element;
        this.slot = slot;
        this.source = source;
        this.filter = filter;
    }

    @Override
    public Value eval(Frame frame) {
        List<Value> out = new ArrayList<>();
        for (Value item : Operators.iterate(source.eval(frame))) {
            frame.step();
            frame.slots[slot] = item;
            if (filter == null || Values.isTrue(filter.eval(frame))) out.add(element.eval(frame));
        }
        return Values.list(out);
    }
}
