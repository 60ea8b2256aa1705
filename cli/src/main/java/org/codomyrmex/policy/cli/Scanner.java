package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.GitIgnore;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.ScanIndex;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.runtime.CompiledPolicy;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The scan behind {@code policy check}: collects the files (recursively, minus config excludes and, for files
 * found by walking a folder, what {@code .gitignore} ignores), loads and checks them on several threads, and
 * puts the results back in a fixed order so the output does not depend on scheduling.
 */
final class Scanner {
    /** What a scan found: the report, the documents' ignore annotations, and the files left out. */
    record Scan(Report report, Map<Resource, Value.Str> ignoreAnnotations, List<String> skipped, List<String> excluded,
                boolean secondPass) {
    }

    /** Files loaded and checked together: enough to keep both threads busy, few enough to bound memory. */
    static final int BATCH_FILES = 64;

    /**
     * The scan proper, streaming: files are loaded and checked a batch at a time (each batch on all threads,
     * results put back in order), and a document is dropped once checked. Rules that read the {@code scan} view
     * need every document indexed first: the documents they apply to wait in memory within
     * {@link PolicyEngine#retainedTextBudget()}, and past it those rules run in a second pass that reads the
     * files again. So memory holds a batch, the waiting documents, the scan index and the findings.
     */
    private static final class Streaming {
        private final PolicyEngine engine;
        private final Options o;
        private final org.codomyrmex.policy.api.CheckProfile profile;
        private final ForkJoinPool pool;
        private final CompiledPolicy policy;
        private final ScanIndex.Builder index;
        private final List<Finding> findings = new ArrayList<>();
        private final Map<String, SourceFile> texts;
        private final Map<Resource, Value.Str> annotations = new java.util.HashMap<>();
        private final List<Document> waiting = new ArrayList<>();
        private long waitingText;
        private long keptText;
        private boolean secondPass;
        private int documents;

        Streaming(PolicyEngine engine, Options o, org.codomyrmex.policy.api.CheckProfile profile, ForkJoinPool pool) {
            this.engine = engine;
            this.o = o;
            this.profile = profile;
            this.pool = pool;
            this.policy = engine.compiledPolicy();
            this.index = policy.readsScan() ? new ScanIndex.Builder(engine.loadOptions()) : null;
            this.texts = new LinkedHashMap<>(engine.policySources());
        }

        Scan run(List<InputSource> sources, List<Diagnostic> diagnostics, List<String> skipped, List<String> excluded)
            throws InterruptedException, ExecutionException {
            List<List<InputSource>> groups = groups(sources);
            o.progress().start(groups.size());
            CompiledPolicy.Pass first = index == null ? CompiledPolicy.Pass.ALL : CompiledPolicy.Pass.WITHOUT_SCAN;
            for (int from = 0; from < groups.size(); from += BATCH_FILES) {
                List<List<LoadResult>> loaded = load(groups.subList(from, Math.min(groups.size(), from + BATCH_FILES)), true);
                List<Document> batch = new ArrayList<>();
                List<Long> textShare = new ArrayList<>(); // each document's part of its file's text
                for (List<LoadResult> results : loaded) {
                    for (LoadResult r : results) {
                        diagnostics.addAll(r.diagnostics());
                        for (Document d : r.documents()) {
                            batch.add(d);
                            textShare.add((long) d.source().text().length() / r.documents().size());
                            if (!r.diagnostics().isEmpty()) keep(d.source());
                        }
                    }
                }
                CompiledPolicy.Outcome[] outcomes = evaluate(batch, first);
                for (int i = 0; i < batch.size(); i++) {
                    Document d = batch.get(i);
                    documents++;
                    org.codomyrmex.policy.suppress.Triage.ignoreAnnotation(d).ifPresent(a -> annotations.putIfAbsent(d.resource(), a));
                    collect(d, outcomes[i], diagnostics);
                    if (index == null) continue;
                    index.add(d);
                    if (!policy.readsScanFor(d) || secondPass) continue;
                    waiting.add(d);
                    waitingText += textShare.get(i);
                    if (waitingText > PolicyEngine.retainedTextBudget()) {
                        waiting.clear();
                        secondPass = true;
                    }
                }
            }
            if (index != null) {
                Supplier<Value> scan = memoize(index::build);
                if (!secondPass) {
                    CompiledPolicy.Outcome[] outcomes = evaluate(waiting, CompiledPolicy.Pass.SCAN_ONLY, scan);
                    for (int i = 0; i < waiting.size(); i++) collect(waiting.get(i), outcomes[i], diagnostics);
                } else {
                    // The files are read again; their load problems were reported the first time.
                    for (int from = 0; from < groups.size(); from += BATCH_FILES) {
                        List<Document> batch = new ArrayList<>();
                        for (List<LoadResult> results : load(groups.subList(from, Math.min(groups.size(), from + BATCH_FILES)), false)) {
                            for (LoadResult r : results) r.documents().stream().filter(policy::readsScanFor).forEach(batch::add);
                        }
                        CompiledPolicy.Outcome[] outcomes = evaluate(batch, CompiledPolicy.Pass.SCAN_ONLY, scan);
                        for (int i = 0; i < batch.size(); i++) collect(batch.get(i), outcomes[i], diagnostics);
                    }
                }
            }
            o.progress().finish();
            return new Scan(new Report(findings, diagnostics, texts, sources.size(), documents), annotations, skipped, excluded, secondPass);
        }

        /** Loads groups of files on all threads, in order; {@code firstPass} counts them for the progress bar. */
        private List<List<LoadResult>> load(List<List<InputSource>> groups, boolean firstPass) throws InterruptedException, ExecutionException {
            return pool.submit(() -> groups.parallelStream().map(g -> {
                long start = System.nanoTime();
                List<LoadResult> r = Inputs.loadAll(g, o.kind(), engine.loadOptions());
                if (profile != null && firstPass) profile.loaded(r, System.nanoTime() - start);
                if (firstPass) o.progress().advance();
                return r;
            }).toList()).get();
        }

        private CompiledPolicy.Outcome[] evaluate(List<Document> docs, CompiledPolicy.Pass pass) throws InterruptedException, ExecutionException {
            return evaluate(docs, pass, NO_SCAN);
        }

        private CompiledPolicy.Outcome[] evaluate(List<Document> docs, CompiledPolicy.Pass pass, Supplier<Value> scan)
            throws InterruptedException, ExecutionException {
            return pool.submit(() -> IntStream.range(0, docs.size()).parallel()
                .mapToObj(i -> policy.evaluate(docs.get(i), o.maxSteps(), scan, o.explain(), pass, profile))
                .toList()).get().toArray(CompiledPolicy.Outcome[]::new);
        }

        private void collect(Document d, CompiledPolicy.Outcome outcome, List<Diagnostic> diagnostics) {
            for (Finding f : outcome.findings()) findings.add(o.explain() ? withExpressions(f, engine.policySources()) : f);
            diagnostics.addAll(outcome.diagnostics());
            if (!outcome.findings().isEmpty() || !outcome.diagnostics().isEmpty()) keep(d.source());
        }

        /** Keeps a source's text for excerpts, within the budget; past it, files on disk are read again. */
        private void keep(SourceFile source) {
            if (texts.containsKey(source.name())) return;
            if (!PolicyEngine.keepsText(source, keptText)) return;
            texts.put(source.name(), source);
            keptText += source.text().length();
        }
    }

    /** Given to the first pass, whose rules do not read {@code scan}: reaching it is a bug, reported as a rule failure. */
    private static final Supplier<Value> NO_SCAN = () -> {
        throw new IllegalStateException("the scan view was read by a rule compiled as not reading it");
    };

    record Options(List<String> paths, Optional<InputKind> kind, PolicyConfig config, boolean gitignore, List<String> exclude,
                   int jobs, long maxSteps, boolean explain, Progress progress, boolean skipUnknown) {
    }

    private Scanner() {
    }

    static Scan scan(PolicyEngine engine, Options o, InputStream stdin) {
        return scan(engine, o, stdin, null);
    }

    /** As above; {@code profile}, when not null, is told the time of each file's loading and each rule run. */
    static Scan scan(PolicyEngine engine, Options o, InputStream stdin, org.codomyrmex.policy.api.CheckProfile profile) {
        FileCollector.Collected collected = FileCollector.collect(o.paths(), stdin, engine.loadOptions().maxFileBytes());
        List<Diagnostic> diagnostics = new ArrayList<>(collected.diagnostics());
        List<String> excluded = new ArrayList<>();
        List<String> skipped = new ArrayList<>(collected.skipped());
        List<InputSource> sources = new ArrayList<>();
        GitIgnore gitIgnore = new GitIgnore();
        List<org.codomyrmex.policy.config.Glob> cliExcludes = o.exclude().stream().map(org.codomyrmex.policy.config.Glob::of).toList();
        for (InputSource s : collected.sources()) {
            Optional<Path> path = s.path();
            boolean named = o.paths().contains(s.name());
            boolean drop = path.isPresent() && (o.config().excludes(path.get())
                || cliExcludes.stream().anyMatch(g -> g.matches(s.name(), java.nio.file.Files.isDirectory(path.get())))
                || (!named && o.gitignore() && gitIgnore.ignored(path.get())));
            if (drop) {
                excluded.add(s.name());
            } else if (o.skipUnknown() && path.isPresent() && Inputs.kindOf(s, o.kind()).isEmpty()) {
                skipped.add(s.name()); // pre-commit hands over every YAML file; those of no known kind are not errors
            } else {
                sources.add(s);
            }
        }

        ForkJoinPool pool = new ForkJoinPool(Math.max(1, o.jobs()));
        try {
            return new Streaming(engine, o, profile, pool).run(sources, diagnostics, skipped, excluded);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            diagnostics.add(Diagnostic.error("E0001", "the scan was interrupted", Span.NONE));
        } catch (ExecutionException e) {
            diagnostics.add(Diagnostic.error("E0002", "the scan failed: " + e.getCause(), Span.NONE));
        } finally {
            pool.shutdown();
        }
        return new Scan(new Report(List.of(), diagnostics, Map.of(), sources.size(), 0), Map.of(), skipped, excluded, false);
    }

    private static final java.util.regex.Pattern COMPOSE = java.util.regex.Pattern.compile("(docker-)?compose(\\.override)?\\.ya?ml");

    /** Each source alone, except compose files of one folder, which stay together for their overrides. */
    static List<List<InputSource>> groups(List<InputSource> sources) {
        Map<Object, List<InputSource>> groups = new LinkedHashMap<>();
        for (InputSource s : sources) {
            Object key = s;
            if (s.path().isPresent() && s.path().get().getFileName() != null
                && COMPOSE.matcher(s.path().get().getFileName().toString()).matches()) {
                key = s.path().get().toAbsolutePath().normalize().getParent();
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        return new ArrayList<>(groups.values());
    }

    /** Trace entries get the policy text of their span, shortened, and shortened values. */
    private static Finding withExpressions(Finding f, Map<String, SourceFile> policySources) {
        List<Finding.TraceEntry> trace = new ArrayList<>();
        for (Finding.TraceEntry t : f.trace()) {
            String text = t.expression();
            SourceFile src = policySources.get(t.span().file());
            if (text.isEmpty() && src != null && t.span().isKnown()) text = textOf(src, t.span());
            trace.add(new Finding.TraceEntry(abbreviate(text.replaceAll("\\s+", " ")), abbreviate(t.value()), t.span()));
        }
        return new Finding(f.ruleId(), f.title(), f.severity(), f.threat(), f.message(), f.location(), f.resource(), f.part(), trace);
    }

    private static String textOf(SourceFile src, Span s) {
        StringBuilder sb = new StringBuilder();
        for (int line = s.line(); line <= s.endLine(); line++) {
            String text = src.line(line);
            int from = line == s.line() ? Math.min(text.length(), s.column() - 1) : 0;
            int to = line == s.endLine() ? Math.min(text.length(), s.endColumn()) : text.length();
            sb.append(text, from, Math.max(from, to));
            if (line < s.endLine()) sb.append(' ');
        }
        return sb.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
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
