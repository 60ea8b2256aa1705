package org.codomyrmex.policy.api;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.ScanIndex;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.runtime.Budget;
import org.codomyrmex.policy.runtime.CompiledPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One streaming check, for the API and {@code policy check} alike. Sources are loaded and checked a batch of units
 * at a time (each batch on all threads, results put back in source order), and a document is dropped once
 * checked. Rules that read the {@code scan} view need every document indexed first: the documents they apply to
 * wait in memory, with what their other rules found, within {@link PolicyEngine#retainedTextBudget()} and a
 * count; past either, those documents are dropped and read again for a second pass at the end. So memory holds
 * a batch, the waiting documents, the scan index and the findings, not every document.
 */
final class StreamingCheck {
    /** Units loaded and checked together: enough to keep every thread busy, few enough to bound memory. */
    static final int BATCH_UNITS = 64;

    /** One document waiting for the scan rules, with what its other rules gave. */
    private record Waiting(Document document, CompiledPolicy.Outcome outcome, boolean loadProblems) {
    }

    /** A loaded document, whether its file had load problems, and its share of the file's text. */
    private record Loaded(Document document, boolean loadProblems, long textShare) {
    }

    private final CompiledPolicy policy;
    private final LoadOptions loadOptions;
    private final long stepLimit;
    private final CheckOptions options;
    private final FindingHook hook;
    private final int retainLimit;
    private final long keptTextLimit;
    private final CheckProfile profile; // null: nothing to time

    private final List<Finding> findings = new ArrayList<>();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Map<String, SourceFile> texts;
    private final ScanIndex.Builder index; // null: no rule reads scan
    private final List<Waiting> waiting = new ArrayList<>();
    private long waitingText;
    private long keptText;
    private final java.util.Set<String> inMemory = new java.util.HashSet<>();
    private boolean secondPass;
    private int documents;
    private ForkJoinPool pool; // null: everything on the caller's thread

    /**
     * @param hook        sees each document's findings once, all of them at once
     * @param retainLimit how many documents may wait for the scan rules at most
     */
    StreamingCheck(CompiledPolicy policy, LoadOptions loadOptions, long stepLimit, Map<String, SourceFile> policySources,
                   List<Diagnostic> policyErrors, CheckOptions options,
                   FindingHook hook, int retainLimit, long keptTextLimit) {
        this.policy = policy;
        this.loadOptions = loadOptions;
        this.stepLimit = stepLimit;
        this.options = options;
        this.hook = hook;
        this.retainLimit = retainLimit;
        this.keptTextLimit = keptTextLimit;
        this.profile = options.profile().orElse(null);
        this.texts = new LinkedHashMap<>(policySources);
        this.diagnostics.addAll(policyErrors);
        this.index = policy.readsScan() ? new ScanIndex.Builder(loadOptions) : null;
    }

    /** @throws Budget.Interrupted when the options' cancellation was cancelled; no report is made then */
    Report run(List<InputSource> sources) {
        // Texts that came from memory (standard input, strings) cannot be read again for an excerpt.
        sources.stream().filter(s -> s.path().isEmpty()).forEach(s -> inMemory.add(s.name()));
        if (options.jobs() > 1) pool = new ForkJoinPool(options.jobs());
        try {
            check(Inputs.units(sources));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            diagnostics.add(Diagnostic.error("E0001", "the check was interrupted; what it found so far is reported", Span.NONE));
        } catch (ExecutionException e) {
            // A cancelled check ends for its caller as a cancelled evaluation does, whichever thread saw it.
            if (e.getCause() instanceof Budget.Interrupted interrupted) throw interrupted;
            String what = "the check failed: " + e.getCause() + "; what it found so far is reported";
            diagnostics.add(e.getCause() instanceof OutOfMemoryError
                ? Diagnostic.error("E0002", what, Span.NONE, "give the JVM a larger heap (-Xmx; POLICY_JAVA_OPTS for ./policy) or lower the input limits")
                : Diagnostic.error("E0002", what, Span.NONE));
        } finally {
            if (pool != null) pool.shutdown();
        }
        return new Report(findings, diagnostics, texts, sources.size(), documents);
    }

    private void check(List<List<InputSource>> units) throws InterruptedException, ExecutionException {
        options.listener().starting(units.size());
        CompiledPolicy.Pass first = index == null ? CompiledPolicy.Pass.ALL : CompiledPolicy.Pass.WITHOUT_SCAN;
        for (int from = 0; from < units.size(); from += BATCH_UNITS) {
            List<Loaded> batch = load(units.subList(from, Math.min(units.size(), from + BATCH_UNITS)), true);
            // Once the second pass is decided, the documents it will check wholly are not checked now.
            boolean skipWaiting = secondPass;
            List<CompiledPolicy.Outcome> outcomes = map(batch, l -> skipWaiting && waits(l.document()) ? null
                : evaluate(l.document(), NO_SCAN, first));
            for (int i = 0; i < batch.size(); i++) {
                Loaded l = batch.get(i);
                Document d = l.document();
                documents++;
                options.listener().document(d);
                if (index != null) index.add(d);
                if (!waits(d)) {
                    finish(d, outcomes.get(i), null, l.loadProblems());
                } else if (!secondPass) {
                    waiting.add(new Waiting(d, outcomes.get(i), l.loadProblems()));
                    waitingText += l.textShare();
                    if (waiting.size() > retainLimit || waitingText > PolicyEngine.retainedTextBudget()) {
                        waiting.clear();
                        secondPass = true;
                        options.listener().secondPass();
                    }
                }
            }
        }
        if (index == null) return;
        Supplier<Value> scan = memoize(index::build);
        List<CompiledPolicy.Outcome> outcomes = map(waiting, w -> evaluate(w.document(), scan, CompiledPolicy.Pass.SCAN_ONLY));
        for (int i = 0; i < waiting.size(); i++) {
            Waiting w = waiting.get(i);
            finish(w.document(), w.outcome(), outcomes.get(i), w.loadProblems());
        }
        waiting.clear();
        if (!secondPass) return;
        // The same sources read again, in the same order; their load problems were reported the first time.
        for (int from = 0; from < units.size(); from += BATCH_UNITS) {
            List<Loaded> batch = load(units.subList(from, Math.min(units.size(), from + BATCH_UNITS)), false)
                .stream().filter(l -> waits(l.document())).toList();
            List<CompiledPolicy.Outcome> again = map(batch, l -> evaluate(l.document(), scan, CompiledPolicy.Pass.ALL));
            for (int i = 0; i < batch.size(); i++) finish(batch.get(i).document(), again.get(i), null, batch.get(i).loadProblems());
        }
    }

    private boolean waits(Document d) {
        return index != null && policy.readsScanFor(d);
    }

    /** Loads units on all threads, in order; on the first pass their problems are reported and counted. */
    private List<Loaded> load(List<List<InputSource>> units, boolean firstPass) throws InterruptedException, ExecutionException {
        if (options.cancellation().isCancelled()) throw new Budget.Interrupted(0); // loading itself is not interruptible
        List<List<LoadResult>> loaded = map(units, unit -> {
            long start = System.nanoTime();
            List<LoadResult> results = Inputs.loadAll(unit, options.kind(), loadOptions);
            if (firstPass) {
                if (profile != null) profile.loaded(results, System.nanoTime() - start);
                options.listener().loaded();
            }
            return results;
        });
        List<Loaded> out = new ArrayList<>();
        for (List<LoadResult> results : loaded) {
            for (LoadResult r : results) {
                if (firstPass) diagnostics.addAll(r.diagnostics());
                for (Document d : r.documents()) {
                    out.add(new Loaded(d, !r.diagnostics().isEmpty(), (long) d.source().text().length() / r.documents().size()));
                }
            }
        }
        return out;
    }

    private CompiledPolicy.Outcome evaluate(Document d, Supplier<Value> scan, CompiledPolicy.Pass pass) {
        return policy.evaluate(d, stepLimit, scan, options.explain(), pass, profile, options.cancellation());
    }

    /** Runs {@code f} on every item, on the pool's threads when there is one; the results in the items' order. */
    private <T, R> List<R> map(List<T> items, Function<T, R> f) throws InterruptedException, ExecutionException {
        if (pool == null || items.size() < 2) return items.stream().map(f).toList();
        return pool.submit(() -> items.parallelStream().map(f).toList()).get();
    }

    /**
     * A document's findings (of one or two passes) through the hook into the report; its text is kept when the
     * report points into it.
     */
    private void finish(Document d, CompiledPolicy.Outcome outcome, CompiledPolicy.Outcome scanOutcome, boolean loadProblems) {
        List<Finding> found = new ArrayList<>(outcome.findings());
        List<Diagnostic> problems = new ArrayList<>(outcome.diagnostics());
        if (scanOutcome != null) {
            found.addAll(scanOutcome.findings());
            problems.addAll(scanOutcome.diagnostics());
        }
        diagnostics.addAll(problems);
        List<Finding> kept = PolicyEngine.applyHook(hook, d, found, diagnostics);
        findings.addAll(kept);
        if (kept.isEmpty() && problems.isEmpty() && !loadProblems) return;
        SourceFile source = d.source();
        if (texts.containsKey(source.name())
            || !PolicyEngine.keepsText(source, keptText, keptTextLimit, inMemory.contains(source.name()))) return;
        texts.put(source.name(), source);
        keptText += source.text().length();
    }

    /** Given to the rules that do not read {@code scan}: reaching it is a bug, reported as a rule failure. */
    private static final Supplier<Value> NO_SCAN = () -> {
        throw new IllegalStateException("the scan view was read by a rule compiled as not reading it");
    };

    static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) value = supplier.get();
                return value;
            }
        };
    }
}
