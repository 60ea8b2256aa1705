package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/** {@code let x = v in body}: v is evaluated once into x's slot. */
public final class EvalLet extends Node {
    private final int slot;
    private final Node value;
    private final Node body;

    public EvalLet(int slot, Node value, Node body, Span span) {
        super(span);
        this.slot = slot;
        this.value = value;
        this.body = body;
    }

    @Override
    public Value eval(Frame frame) {
        frame.slots[slot] = value.eval(frame);
        return body.eval(frame);
    }
}
