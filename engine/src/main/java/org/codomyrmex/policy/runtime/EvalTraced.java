package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.model.Value;

/**
 * Wraps a node to report its evaluation to a {@link TraceListener}. Never constant, so a traced expression is
 * not folded and every step shows.
 */
public final class EvalTraced extends Node {
    private final Node delegate;
    private final TraceListener listener;

    public EvalTraced(Node delegate, TraceListener listener) {
        super(delegate.span);
        this.delegate = delegate;
        this.listener = listener;
    }

    public Node delegate() {
        return delegate;
    }

    @Override
    public Value eval(Frame frame) {
        listener.enter(delegate);
        Value v = delegate.eval(frame);
        listener.exit(delegate, v);
        return v;
    }
}
