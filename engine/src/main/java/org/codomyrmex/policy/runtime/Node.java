package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/**
 * A compiled expression: one small class per construct, built once by the compiler from the checked AST.
 * Evaluation is total — every node returns a value (null when undefined), never throws, except for
 * {@link Budget.LimitExceeded}.
 */
public abstract class Node {
    /** Where the expression is written in the policy, for traces and errors. */
    public final Span span;

    protected Node(Span span) {
        this.span = span;
    }

    public abstract Value eval(Frame frame);

    /**
     * The sub-expressions {@code policy check --explain} shows the values of: the operands of logic and
     * comparison nodes. Other nodes show only their own value.
     */
    public java.util.List<Node> operands() {
        return java.util.List.of();
    }

    /** True when the value is known without a document (literals, folded constants). */
    public boolean isConstant() {
        return false;
    }
}
