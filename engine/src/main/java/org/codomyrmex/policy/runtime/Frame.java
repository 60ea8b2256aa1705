package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;

/**
 * The state of one evaluation: local slots (assigned by the checker), the document being checked, and the
 * step budget shared by every frame of that document's evaluation.
 */
public final class Frame {
    public final Value[] slots;
    public final Document document;
    final Budget budget;

    public Frame(int size, Document document, Budget budget) {
        this.slots = new Value[size];
        this.document = document;
        this.budget = budget;
    }

    /** A frame for a function call: fresh slots, same document and budget. */
    Frame callee(int size) {
        return new Frame(size, document, budget);
    }

    void step() {
        budget.step();
    }
}
