package org.codomyrmex.policy.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for what the server does after it has answered or on its own threads (counting a request,
 * reloading a watched file, logging): a bounded poll, never a fixed sleep. The assertions after it say what
 * did not happen in time.
 */
final class Poll {
    private Poll() {
    }

    /** Whether {@code done} became true within {@code limit}, looked at every 20 ms. */
    static boolean until(Duration limit, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) return false;
            Thread.sleep(20);
        }
        return true;
    }
}
