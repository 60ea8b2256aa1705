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
    /** The scan view, built on first use by the first rule that reads it. */
    final java.util.function.Supplier<Value> scan;

    public Frame(int size, Document document, Budget budget) {
        this(size, document, budget, () -> org.codomyrmex.policy.model.Values.NULL);
    }

    public Frame(int size, Document document, Budget budget, java.util.function.Supplier<Value> scan) {
        this.slots = new Value[size];
        this.document = document;
        this.budget = budget;
        this.scan = scan;
    }

    /** A frame for a function call: fresh slots, same document, budget and scan. */
    Frame callee(int size) {
        return new Frame(size, document, budget, scan);
    }

    void step() {
        budget.step();
    }
}
