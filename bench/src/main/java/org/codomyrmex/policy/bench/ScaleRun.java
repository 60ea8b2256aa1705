package org.codomyrmex.policy.bench;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.FileCollector;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scaling measurement, run in its own JVM with a fixed heap ({@link Suite} starts it): checks a corpus
 * folder as {@code policy check DIR} does, with the whole standard library, and prints
 * {@code documents cpuMillis retainedMB findings wallMillis}, where retained is the largest heap left live after a
 * collection and CPU time is the whole process's (collector included).
 */
public final class ScaleRun {
    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        PolicyEngine engine = PolicyEngine.builder().build();
        // Warm the engine on a small corpus first, so the measured time is per document, not JIT compilation.
        List<org.codomyrmex.policy.input.InputSource> warm =
            FileCollector.collect(List.of(Fixtures.corpus(1000).toString()), new ByteArrayInputStream(new byte[0])).sources();
        for (int i = 0; i < 8; i++) engine.check(warm, Optional.empty());
        System.gc();
        AtomicLong retained = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long live = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
                    if (after != null) live += after.getUsed();
                }
                retained.accumulateAndGet(live, Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "retained-heap-sampler");
        sampler.setDaemon(true);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
        sampler.start();
        long start = System.nanoTime(), cpuStart = Paired.cpuNanos();
        FileCollector.Collected collected = FileCollector.collect(List.of(args[0]), new ByteArrayInputStream(new byte[0]));
        Report report = engine.check(collected.sources(), Optional.empty());
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        long millis = (Paired.cpuNanos() - cpuStart) / 1_000_000;
        sampler.interrupt();
        sampler.join();
        if (report.hasErrors()) throw new IllegalStateException("errors: " + report.errors().subList(0, Math.min(3, report.errors().size())));
        System.out.println(report.documentsChecked() + " " + millis + " " + retained.get() / (1024 * 1024) + " "
            + report.findings().size() + " " + wallMillis);
    }
}
