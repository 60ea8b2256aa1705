package org.codomyrmex.policy.api;

import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.runtime.CompiledPolicy;
import org.codomyrmex.policy.runtime.CompiledRule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a check spends its time ({@code policy check --profile}): per rule, the time of its runs and how many
 * documents it ran on; per file, the time to load it and to evaluate its documents. Thread-safe, so one profile
 * can be shared by checks running in parallel.
 */
public final class CheckProfile implements CompiledPolicy.RuleTimer {

    /** One line of the profile. */
    public record Entry(String name, long nanos, long count) {
        public double millis() {
            return nanos / 1e6;
        }
    }

    private static final class Totals {
        final LongAdder nanos = new LongAdder();
        final LongAdder count = new LongAdder();
    }

    private final ConcurrentHashMap<String, Totals> rules = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Totals> loads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Totals> evaluations = new ConcurrentHashMap<>();

    @Override
    public void record(CompiledRule rule, Document doc, long nanos) {
        add(rules, rule.info().id(), nanos, 1);
        add(evaluations, doc.source().name(), nanos, 0);
    }

    /**
     * Sources loaded together (a compose file and its override) in {@code nanos}: the time goes to the file of
     * their first document, the documents to each file they came from.
     */
    public void loaded(List<org.codomyrmex.policy.input.LoadResult> results, long nanos) {
        boolean first = true;
        for (org.codomyrmex.policy.input.LoadResult r : results) {
            java.util.Map<String, Integer> perFile = new java.util.LinkedHashMap<>();
            for (Document d : r.documents()) perFile.merge(d.source().name(), 1, Integer::sum);
            for (java.util.Map.Entry<String, Integer> e : perFile.entrySet()) {
                add(loads, e.getKey(), first ? nanos : 0, e.getValue());
                first = false;
            }
        }
    }

    private static void add(ConcurrentHashMap<String, Totals> map, String key, long nanos, long count) {
        Totals t = map.computeIfAbsent(key, k -> new Totals());
        t.nanos.add(nanos);
        t.count.add(count);
    }

    /** Rules, slowest first; count is the number of documents each ran on. */
    public List<Entry> rules() {
        return sorted(rules);
    }

    /** Files, slowest first (load and evaluation together); count is the number of documents. */
    public List<Entry> files() {
        List<Entry> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>(loads.keySet());
        names.addAll(evaluations.keySet());
        for (String n : names) {
            Totals l = loads.get(n), e = evaluations.get(n);
            out.add(new Entry(n, (l == null ? 0 : l.nanos.sum()) + (e == null ? 0 : e.nanos.sum()), l == null ? 0 : l.count.sum()));
        }
        out.sort(Comparator.comparingLong(Entry::nanos).reversed().thenComparing(Entry::name));
        return out;
    }

    /** Time spent loading, all files together. */
    public long loadNanos() {
        return loads.values().stream().mapToLong(t -> t.nanos.sum()).sum();
    }

    /** Time spent evaluating rules, all together. */
    public long ruleNanos() {
        return rules.values().stream().mapToLong(t -> t.nanos.sum()).sum();
    }

    private static List<Entry> sorted(ConcurrentHashMap<String, Totals> map) {
        List<Entry> out = new ArrayList<>();
        map.forEach((k, t) -> out.add(new Entry(k, t.nanos.sum(), t.count.sum())));
        out.sort(Comparator.comparingLong(Entry::nanos).reversed().thenComparing(Entry::name));
        return out;
    }

    /** The profile as text: totals, then the {@code top} slowest rules and files. */
    public String render(int top) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "profile: loading %.1f ms, rules %.1f ms%n", loadNanos() / 1e6, ruleNanos() / 1e6));
        List<Entry> r = rules();
        b.append(String.format(Locale.ROOT, "slowest rules (of %d):%n", r.size()));
        for (Entry e : r.subList(0, Math.min(top, r.size()))) {
            b.append(String.format(Locale.ROOT, "  %10.2f ms  %6d docs  %8.1f µs/doc  %s%n", e.millis(), e.count(),
                e.count() == 0 ? 0.0 : e.nanos() / 1e3 / e.count(), e.name()));
        }
        List<Entry> f = files();
        b.append(String.format(Locale.ROOT, "slowest files (of %d; load + rules):%n", f.size()));
        for (Entry e : f.subList(0, Math.min(top, f.size()))) {
            b.append(String.format(Locale.ROOT, "  %10.2f ms  %6d docs  %s%n", e.millis(), e.count(), e.name()));
        }
        return b.toString();
    }
}
