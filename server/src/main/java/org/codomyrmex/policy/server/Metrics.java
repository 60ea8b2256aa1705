package org.codomyrmex.policy.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters and latency histogram, rendered in the Prometheus text format (version 0.0.4) for
 * {@code GET /metrics}. Lock-free: every request updates it.
 */
public final class Metrics {
    /** Upper bounds of the latency buckets, in seconds. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> findings = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> excepted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> reloads = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    /**
     * Observations per bucket (not cumulative), the last one for those above every bound. There is no separate
     * total: the {@code +Inf} bucket and {@code _count} are the sum of the same reads as the buckets, so a scrape
     * during requests cannot show a bucket above {@code +Inf}, as a total read apart from them could.
     */
    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS.length && !(seconds <= BUCKETS[i])) i++;
            counts[i].increment();
            sum.add(seconds);
        }
    }

    /** One request served on {@code path}, answered with {@code status}, after {@code nanos}. */
    public void request(String path, int status, long nanos) {
        requests.computeIfAbsent(labels("path", path, "code", Integer.toString(status)), k -> new LongAdder()).increment();
        latency.computeIfAbsent(labels("path", path), k -> new Histogram()).observe(nanos / 1e9);
    }

    /** One admission decision: allowed, denied, exempt, skipped, or error. */
    public void decision(String decision, boolean dryRun) {
        decisions.computeIfAbsent(labels("decision", decision, "dry_run", Boolean.toString(dryRun)), k -> new LongAdder()).increment();
    }

    /** One finding reported by the webhook. */
    public void finding(String rule, String severity) {
        findings.computeIfAbsent(labels("rule", rule, "severity", severity), k -> new LongAdder()).increment();
    }

    /** One finding a config exception hid: not a denial nor a warning, but counted, so accepted risk stays visible. */
    public void excepted(String rule) {
        excepted.computeIfAbsent(labels("rule", rule), k -> new LongAdder()).increment();
    }

    /** One error: internal, timeout, overload, bad_request, too_large. */
    public void error(String kind) {
        errors.computeIfAbsent(labels("kind", kind), k -> new LongAdder()).increment();
    }

    /** One reload, ok or failed. */
    public void reload(boolean ok) {
        reloads.computeIfAbsent(labels("result", ok ? "ok" : "failed"), k -> new LongAdder()).increment();
    }

    /** A value read when the metrics are rendered (the loaded generation, the rule count). */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    /** The current value of a counter, for tests: e.g. {@code counter("policy_findings_total", "rule", "ESC-001", ...)}. */
    long counter(String family, String... labelPairs) {
        Map<String, LongAdder> map = switch (family) {
            case "policy_http_requests_total" -> requests;
            case "policy_admission_decisions_total" -> decisions;
            case "policy_findings_total" -> findings;
            case "policy_excepted_findings_total" -> excepted;
            case "policy_errors_total" -> errors;
            case "policy_reloads_total" -> reloads;
            default -> throw new IllegalArgumentException(family);
        };
        LongAdder a = map.get(labels(labelPairs));
        return a == null ? 0 : a.sum();
    }

    /** Everything in the Prometheus text exposition format. */
    public String render() {
        StringBuilder out = new StringBuilder();
        counters(out, "policy_http_requests_total", "HTTP requests by path and status code.", requests);
        out.append("# HELP policy_http_request_duration_seconds Time from reading a request to its answer.\n");
        out.append("# TYPE policy_http_request_duration_seconds histogram\n");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latency).entrySet()) {
            String inner = e.getKey().substring(1, e.getKey().length() - 1);
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += e.getValue().counts[i].sum();
                out.append("policy_http_request_duration_seconds_bucket{").append(inner).append(",le=\"")
                    .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            long count = cumulative + e.getValue().counts[BUCKETS.length].sum();
            out.append("policy_http_request_duration_seconds_bucket{").append(inner).append(",le=\"+Inf\"} ").append(count).append('\n');
            out.append("policy_http_request_duration_seconds_sum").append(e.getKey()).append(' ').append(e.getValue().sum.sum()).append('\n');
            out.append("policy_http_request_duration_seconds_count").append(e.getKey()).append(' ').append(count).append('\n');
        }
        counters(out, "policy_admission_decisions_total", "Admission reviews by decision.", decisions);
        counters(out, "policy_findings_total", "Findings reported by the webhook, by rule and severity.", findings);
        counters(out, "policy_excepted_findings_total", "Findings hidden by an exception of the project config, by rule.", excepted);
        counters(out, "policy_errors_total", "Requests that failed, by kind of failure.", errors);
        counters(out, "policy_reloads_total", "Policy and config reloads by result.", reloads);
        for (Map.Entry<String, LongSupplier> g : new TreeMap<>(gauges).entrySet()) {
            out.append("# TYPE ").append(g.getKey()).append(" gauge\n");
            out.append(g.getKey()).append(' ').append(g.getValue().getAsLong()).append('\n');
        }
        return out.toString();
    }

    private static void counters(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(values).entrySet()) {
            out.append(name).append(e.getKey()).append(' ').append(e.getValue().sum()).append('\n');
        }
    }

    /** {@code {a="1",b="2"}} with label values escaped as the format requires. */
    static String labels(String... pairs) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append(pairs[i]).append("=\"")
                .append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.append('}').toString();
    }
}
