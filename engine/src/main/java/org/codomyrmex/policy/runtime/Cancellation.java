package org.codomyrmex.policy.runtime;

/**
 * A request, from another thread, to stop evaluations: the REPL's Ctrl-C, or a caller giving up on a check.
 * Evaluations under a {@link Budget} made with this token look at it every {@link Budget#CHECKPOINT_STEPS}
 * steps and stop with {@link Budget.Interrupted}. Once cancelled it stays cancelled: use a new token for the
 * next piece of work.
 */
public final class Cancellation {
    private static final Cancellation NEVER = new Cancellation(false);

    private final boolean cancellable;
    private volatile boolean cancelled;

    private Cancellation(boolean cancellable) {
        this.cancellable = cancellable;
    }

    /** A token not cancelled yet. */
    public static Cancellation create() {
        return new Cancellation(true);
    }

    /** The token of evaluations nobody can stop (other than by their step limit). */
    public static Cancellation never() {
        return NEVER;
    }

    /** Asks every evaluation under this token to stop at its next checkpoint; safe from any thread. */
    public void cancel() {
        // Cancelling the shared never-token would stop evaluations that have nothing to do with the caller.
        if (!cancellable) throw new UnsupportedOperationException("Cancellation.never() cannot be cancelled");
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
