package org.codomyrmex.policy.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Paired timing for ratios on a shared, loaded machine. The baseline and the subject run alternately, one
 * operation each, and each run is timed in CPU time of this process (all its threads: the collector and the
 * JIT included), which other processes competing for the cores do not inflate the way they inflate wall time.
 * The figure of each side is its best (smallest) run, the run least disturbed by cache and frequency effects
 * of the neighbours; the median is kept too.
 */
final class Paired {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Best and median CPU milliseconds of each side; ratio is best subject / best baseline. */
    record Result(double baselineMs, double subjectMs, double baselineMedianMs, double subjectMedianMs, int pairs) {
        double ratio() {
            return subjectMs / baselineMs;
        }
    }

    private Paired() {
    }

    static Result measure(Callable<?> baseline, Callable<?> subject, int warmup, int pairs) throws Exception {
        for (int i = 0; i < warmup; i++) {
            time(baseline);
            time(subject);
        }
        // The process CPU clock ticks in steps of up to 10 ms: time blocks of repeated operations, 300 ms or more.
        int rb = repetitions(baseline), rs = repetitions(subject);
        double[] b = new double[pairs], s = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            // Alternate which side goes first, so neither always runs right after the other's garbage.
            if (i % 2 == 0) {
                b[i] = time(baseline, rb);
                s[i] = time(subject, rs);
            } else {
                s[i] = time(subject, rs);
                b[i] = time(baseline, rb);
            }
        }
        return new Result(min(b), min(s), median(b), median(s), pairs);
    }

    private static int repetitions(Callable<?> op) throws Exception {
        long start = System.nanoTime();
        op.call();
        double ms = Math.max(0.001, (System.nanoTime() - start) / 1e6);
        return (int) Math.max(1, Math.ceil(300 / ms));
    }

    /** CPU milliseconds of this process spent per operation, over {@code reps} operations in a row. */
    static double time(Callable<?> op, int reps) throws Exception {
        long start = OS.getProcessCpuTime();
        for (int i = 0; i < reps; i++) {
            if (op.call() == null) throw new IllegalStateException("an operation returned nothing");
        }
        return (OS.getProcessCpuTime() - start) / 1e6 / reps;
    }

    static double time(Callable<?> op) throws Exception {
        return time(op, 1);
    }

    /** CPU nanoseconds this process has used so far. */
    static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }

    static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
