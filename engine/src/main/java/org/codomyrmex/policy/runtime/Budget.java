package org.codomyrmex.policy.runtime;

/**
 * Counts evaluation steps (loop iterations and calls). Evaluation always terminates — there is no recursion —
 * but nested quantifiers over large documents can still cost a lot; the budget turns that into an error.
 */
public final class Budget {
    private final long limit;
    private long used;

    public Budget(long limit) {
        this.limit = limit;
    }

    public static Budget unlimited() {
        return new Budget(Long.MAX_VALUE);
    }

    void step() {
        if (++used > limit) throw new LimitExceeded(limit);
    }

    public long used() {
        return used;
    }

    /** Thrown when a document's evaluation exceeds its budget; the runner turns it into a diagnostic. */
    public static final class LimitExceeded extends RuntimeException {
        public LimitExceeded(long limit) {
            super("evaluation exceeded " + limit + " steps", null, false, false);
        }
    }
}
