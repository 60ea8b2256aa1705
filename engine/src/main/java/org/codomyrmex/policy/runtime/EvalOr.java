package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

/** {@code a or b}, short-circuit: true when either is true. */
public final class EvalOr extends Node {
    private final Node left;
    private final Node right;

    public EvalOr(Node left, Node right, Span span) {
        super(span);
        this.left = left;
        this.right = right;
    }

    @Override
    public java.util.List<Node> operands() {
        return java.util.List.of(left, right);
    }

    @Override
    public Value eval(Frame frame) {
        return Values.bool(Values.isTrue(left.eval(frame)) || Values.isTrue(right.eval(frame)));
    }
}
