package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.syntax.Expr;

/** {@code <, <=, >, >=} on numbers or strings; false when the operands cannot be ordered (e.g. null). */
public final class EvalCompare extends Node {
    private final Node left;
    private final Node right;
    private final Expr.BinaryOp op;

    public EvalCompare(Node left, Node right, Expr.BinaryOp op, Span span) {
        super(span);
        this.left = left;
        this.right = right;
        this.op = op;
    }

    @Override
    public java.util.List<Node> operands() {
        return java.util.List.of(left, right);
    }

    @Override
    public Value eval(Frame frame) {
        Integer c = Operators.compare(left.eval(frame), right.eval(frame));
        if (c == null) return Values.FALSE;
        return Values.bool(switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            default -> c >= 0;
        });
    }
}
