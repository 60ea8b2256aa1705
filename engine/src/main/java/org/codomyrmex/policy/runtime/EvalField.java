package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/**
 * {@code target.name}, null-safe. An absent field gives a null placed at the map it is missing from, so a
 * finding about a missing setting points at the nearest thing that is there.
 */
public final class EvalField extends Node {
    private final Node target;
    private final String name;

    public EvalField(Node target, String name, Span span) {
        super(span);
        this.target = target;
        this.name = name;
    }

    @Override
    public Value eval(Frame frame) {
        Value t = target.eval(frame);
        if (t instanceof Value.MapV m) {
            Value v = m.entries().get(name);
            return v != null ? v : new Value.Null(m.span());
        }
        if (t instanceof Value.Null) return t;
        return new Value.Null(t.span());
    }
}
