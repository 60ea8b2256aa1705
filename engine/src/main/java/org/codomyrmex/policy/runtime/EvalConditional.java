package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

/** {@code if c then a else b}: the else branch unless c is true. */
public final class EvalConditional extends Node {
    private final Node condition;
    private final Node then;
    private final Node otherwise;

    public EvalConditional(Node condition, Node then, Node otherwise, Span span) {
        super(span);
        this.condition = condition;
        this.then = then;
        this.otherwise = otherwise;
    }

    @Override
    public Value eval(Frame frame) {
        return Values.isTrue(condition.eval(frame)) ? then.eval(frame) : otherwise.eval(frame);
    }
}
