package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/** A literal or a value folded at compile time. */
public final class EvalLiteral extends Node {
    private final Value value;

    public EvalLiteral(Value value, Span span) {
        super(span);
        this.value = value;
    }

    @Override
    public Value eval(Frame frame) {
        return value;
    }

    @Override
    public boolean isConstant() {
        return true;
    }

    public Value value() {
        return value;
    }
}
