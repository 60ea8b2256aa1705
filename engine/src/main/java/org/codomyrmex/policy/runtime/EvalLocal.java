package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/** Reads a binding from its frame slot. */
public final class EvalLocal extends Node {
    private final int slot;

    public EvalLocal(int slot, Span span) {
        super(span);
        this.slot = slot;
    }

    @Override
    public Value eval(Frame frame) {
        return frame.slots[slot];
    }
}
