package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.model.Value;

/**
 * Observes evaluation node by node, for the REPL's {@code :trace}. Only expressions compiled with
 * {@code Compiler.compileExpression(program, expr, listener)} report to one; the production evaluator never does.
 */
public interface TraceListener {
    /** {@code node} is about to be evaluated. */
    void enter(Node node);

    /** {@code node} evaluated to {@code value}. */
    void exit(Node node, Value value);
}
