package org.codomyrmex.policy.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress line on standard error for long scans, only on a terminal (never in CI or a pipe): it appears
 * once a scan has run for a second and is erased when the scan ends, so it never mixes with the report.
 */
final class Progress {
    static final Progress OFF = new Progress(null, Long.MAX_VALUE);

    private final PrintWriter err;
    private final long delayNanos;
    private final AtomicInteger done = new AtomicInteger();
    private volatile int total;
    private volatile long started;
    private long lastDrawn;
    private boolean drawn;

    Progress(PrintWriter err, long delayNanos) {
        this.err = err;
        this.delayNanos = delayNanos;
    }

    /** On when standard error is a terminal, {@code CI} is not set and the user did not turn it off. */
    static Progress forTerminal(PrintWriter err, boolean wanted) {
        boolean tty = System.console() != null && System.getenv("CI") == null && !"dumb".equals(System.getenv("TERM"));
        return wanted && tty ? new Progress(err, 1_000_000_000L) : OFF;
    }

    void start(int totalFiles) {
        total = totalFiles;
        started = System.nanoTime();
        done.set(0);
    }

    void advance() {
        int n = done.incrementAndGet();
        if (err == null) return;
        long now = System.nanoTime();
        if (now - started < delayNanos) return;
        synchronized (this) {
            if (drawn && now - lastDrawn < 100_000_000L && n < total) return;
            lastDrawn = now;
            drawn = true;
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) n * width / total);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + n + "/" + total + " files");
            err.flush();
        }
    }

    synchronized void finish() {
        if (err != null && drawn) {
            err.print("\r\u001b[2K");
            err.flush();
        }
    }
}
