package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/** {@code -x}. */
public final class EvalNegate extends Node {
    private final Node operand;

    public EvalNegate(Node operand, Span span) {
        super(span);
        this.operand = operand;
    }

    @Override
    public Value eval(Frame frame) {
        return Operators.negate(operand.eval(frame));
    }
}
