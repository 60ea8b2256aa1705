package org.codomyrmex.policy.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server's executor: a fixed number of workers and a bounded queue. When both are full, the exchange
 * runs on one of a few "shedding" threads instead, where the handler sees {@link #shedding()} and answers
 * "busy" at once without checking anything, so overload gets a fast, well-formed answer rather than a
 * growing queue or a dropped connection.
 */
final class WorkerPool implements Executor {
    private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor shedders;

    WorkerPool(int threads, int queue) {
        workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
            queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), named("policy-worker"));
        shedders = new ThreadPoolExecutor(0, 2, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), named("policy-shed"));
    }

    /** True on a thread that must answer "busy" without doing the work. */
    static boolean shedding() {
        return SHEDDING.get();
    }

    @Override
    public void execute(Runnable exchange) {
        try {
            workers.execute(exchange);
        } catch (RejectedExecutionException full) {
            Runnable shed = () -> {
                SHEDDING.set(true);
                try {
                    exchange.run();
                } finally {
                    SHEDDING.remove();
                }
            };
            try {
                shedders.execute(shed);
            } catch (RejectedExecutionException alsoFull) {
                shed.run(); // last resort on the accepting thread: the busy answer is quick
            }
        }
    }

    /** Requests waiting for a worker now. */
    int queued() {
        return workers.getQueue().size();
    }

    /** Workers busy now. */
    int active() {
        return workers.getActiveCount();
    }

    void shutdown() {
        workers.shutdown();
        shedders.shutdown();
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
