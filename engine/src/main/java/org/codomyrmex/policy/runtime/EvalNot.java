package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

/** {@code not x}: true only when x is false; not null is null, so an absent flag never counts as "not set to true". */
public final class EvalNot extends Node {
    private final Node operand;

    public EvalNot(Node operand, Span span) {
        super(span);
        this.operand = operand;
    }

    @Override
    public java.util.List<Node> operands() {
        return java.util.List.of(operand);
    }

    @Override
    public Value eval(Frame frame) {
        Value v = operand.eval(frame);
        if (v instanceof Value.Bool b) return Values.bool(!b.value());
        return Values.NULL;
    }
}
