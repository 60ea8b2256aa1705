package org.codomyrmex.policy.runtime;

/**
 * Counts evaluation steps (loop iterations and calls). Evaluation always terminates — there is no recursion —
 * but nested quantifiers over large documents can still cost a lot; the budget turns that into an error.
 * It also carries the evaluation's {@link Cancellation}, looked at every {@link #CHECKPOINT_STEPS} steps.
 */
public final class Budget {
    /**
     * Steps between two looks at the cancellation. The step itself stays one increment and one comparison (with
     * the next checkpoint instead of the limit); a step costs tens of nanoseconds, so a cancel is seen within
     * microseconds unless each step calls builtins over large values.
     */
    public static final int CHECKPOINT_STEPS = 256;

    private final long limit;
    private final Cancellation cancellation;
    private long used;
    /** The step count past which {@link #checkpoint()} runs: the limit, or the next look at the cancellation. */
    private long nextCheckpoint;

    public Budget(long limit) {
        this(limit, Cancellation.never());
    }

    public Budget(long limit, Cancellation cancellation) {
        this.limit = limit;
        this.cancellation = cancellation;
        this.nextCheckpoint = Math.min(limit, CHECKPOINT_STEPS);
    }

    public static Budget unlimited() {
        return new Budget(Long.MAX_VALUE);
    }

    void step() {
        if (++used > nextCheckpoint) checkpoint();
    }

    private void checkpoint() {
        if (used > limit) throw new LimitExceeded(limit);
        if (cancellation.isCancelled()) throw new Interrupted(used);
        nextCheckpoint = Math.min(limit, used + CHECKPOINT_STEPS);
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

    /**
     * Thrown when the evaluation's {@link Cancellation} was cancelled. Unlike {@link LimitExceeded} it is not a
     * problem of the policy or the input, so runners let it through to whoever asked for the cancellation.
     */
    public static final class Interrupted extends RuntimeException {
        private final long steps;

        public Interrupted(long steps) {
            super("interrupted after " + steps + " steps", null, false, false);
            this.steps = steps;
        }

        /** How many steps the evaluation had taken when it stopped. */
        public long steps() {
            return steps;
        }
    }
}
