package org.codomyrmex.policy.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile(
        "policy_http_request_duration_seconds_(bucket|count)\\{path=\"/validate\"(?:,le=\"([^\"]+)\")?\\} (\\d+)");

    /** Prometheus requires cumulative buckets that never decrease, up to +Inf, which equals _count. */
    private static void assertConsistent(String rendered) {
        long previous = 0;
        Long inf = null, count = null;
        Matcher m = SAMPLE.matcher(rendered);
        while (m.find()) {
            long value = Long.parseLong(m.group(3));
            if (m.group(1).equals("count")) {
                count = value;
            } else if (m.group(2).equals("+Inf")) {
                inf = value;
                assertTrue(previous <= value, "bucket " + previous + " above +Inf " + value + " in\n" + rendered);
            } else {
                assertTrue(previous <= value, "buckets decrease in\n" + rendered);
                previous = value;
            }
        }
        if (inf != null || count != null) assertEquals(inf, count, "+Inf differs from _count in\n" + rendered);
    }

    @Test
    void histogramStaysConsistentWhileRequestsAreRecorded() throws Exception {
        Metrics metrics = new Metrics();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            long nanos = (t + 1) * 3_000_000L; // 3, 6 and 9 ms: different buckets
            Thread w = new Thread(() -> {
                while (!stop.get()) metrics.request("/validate", 200, nanos);
            });
            w.start();
            writers.add(w);
        }
        try {
            long until = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < until) assertConsistent(metrics.render());
        } finally {
            stop.set(true);
            for (Thread w : writers) w.join();
        }
        assertConsistent(metrics.render());
    }

    @Test
    void slowRequestsCountOnlyInInf() {
        Metrics metrics = new Metrics();
        metrics.request("/validate", 200, 20_000_000_000L); // 20 s, above the largest bound
        metrics.request("/validate", 200, 2_000_000L);
        String rendered = metrics.render();
        assertTrue(rendered.contains("policy_http_request_duration_seconds_bucket{path=\"/validate\",le=\"10.0\"} 1\n"), rendered);
        assertTrue(rendered.contains("policy_http_request_duration_seconds_bucket{path=\"/validate\",le=\"+Inf\"} 2\n"), rendered);
        assertTrue(rendered.contains("policy_http_request_duration_seconds_count{path=\"/validate\"} 2\n"), rendered);
        assertConsistent(rendered);
    }
}
