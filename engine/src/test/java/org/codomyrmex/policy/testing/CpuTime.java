package org.codomyrmex.policy.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Test helper: the CPU time the current thread has used, for bounds on how long a computation takes. A bound on
 * the wall clock also counts the time other processes, and the garbage collector, had the CPU: on a loaded
 * machine a linear computation can miss it. The thread's own CPU time grows only with its own work, so a bound
 * on it still tells linear from exponential.
 */
public final class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTime() {
    }

    /** The current thread's CPU time in nanoseconds, or the wall clock where the JVM cannot measure it. */
    public static long nanos() {
        if (THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled()) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            if (cpu >= 0) return cpu;
        }
        return System.nanoTime();
    }

    /** Milliseconds of the current thread's CPU time since {@code start}, a value of {@link #nanos()}. */
    public static long millisSince(long start) {
        return (nanos() - start) / 1_000_000;
    }
}
