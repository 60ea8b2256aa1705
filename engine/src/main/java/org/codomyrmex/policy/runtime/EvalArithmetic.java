package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.syntax.Expr;

/** {@code + - * / %}; null on null operands, overflow or division by zero. */
public final class EvalArithmetic extends Node {
    private final Node left;
    private final Node right;
    private final Expr.BinaryOp op;

    public EvalArithmetic(Node left, Node right, Expr.BinaryOp op, Span span) {
        super(span);
        this.left = left;
        this.right = right;
        this.op = op;
    }

    @Override
    public Value eval(Frame frame) {
        Value a = left.eval(frame);
        Value b = right.eval(frame);
        return switch (op) {
            case ADD -> Operators.add(a, b);
            case SUB -> Operators.subtract(a, b);
            case MUL -> Operators.multiply(a, b);
            case DIV -> Operators.divide(a, b);
            default -> Operators.modulo(a, b);
        };
    }
}
