package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

/** {@code a == b} and {@code a != b}: structural, spans ignored, 1 == 1.0. */
public final class EvalEquals extends Node {
    private final Node left;
    private final Node right;
    private final boolean negated;

    public EvalEquals(Node left, Node right, boolean negated, Span span) {
        super(span);
        this.left = left;
        this.right = right;
        this.negated = negated;
    }

    @Override
    public java.util.List<Node> operands() {
        return java.util.List.of(left, right);
    }

    @Override
    public Value eval(Frame frame) {
        return Values.bool(Values.equal(left.eval(frame), right.eval(frame)) != negated);
    }
}
