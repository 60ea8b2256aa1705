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
    /** What a scan found: the report, the documents (for annotations), and the files left out. */
    record Scan(Report report, List<Document> documents, List<String> skipped, List<String> excluded) {
    }

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
            // Load: a compose file and its override must be read together, so they share a group.
            List<List<InputSource>> groups = groups(sources);
            List<LoadResult>[] loaded = pool.submit(() -> IntStream.range(0, groups.size()).parallel()
                .mapToObj(i -> {
                    long start = System.nanoTime();
                    List<LoadResult> r = Inputs.loadAll(groups.get(i), o.kind(), engine.loadOptions());
                    if (profile != null) profile.loaded(r, System.nanoTime() - start);
                    return r;
                }).toList()).get()
                .toArray(List[]::new);
            List<Document> documents = new ArrayList<>();
            for (List<LoadResult> results : loaded) {
                for (LoadResult r : results) {
                    documents.addAll(r.documents());
                    diagnostics.addAll(r.diagnostics());
                }
            }
            // Check: every document on its own thread; cross-document rules share one scan view.
            CompiledPolicy policy = engine.compiledPolicy();
            Supplier<Value> scanView = memoize(() -> ScanIndex.build(documents, engine.loadOptions()));
            o.progress().start(documents.size());
            CompiledPolicy.Outcome[] outcomes = pool.submit(() -> IntStream.range(0, documents.size()).parallel()
                .mapToObj(i -> {
                    CompiledPolicy.Outcome out = policy.evaluate(documents.get(i), o.maxSteps(), scanView, o.explain(),
                        CompiledPolicy.Pass.ALL, profile);
                    o.progress().advance();
                    return out;
                }).toList()).get().toArray(CompiledPolicy.Outcome[]::new);
            o.progress().finish();
            List<Finding> findings = new ArrayList<>();
            Map<String, SourceFile> texts = new LinkedHashMap<>(engine.policySources());
            for (int i = 0; i < outcomes.length; i++) {
                texts.putIfAbsent(documents.get(i).source().name(), documents.get(i).source());
                for (Finding f : outcomes[i].findings()) findings.add(o.explain() ? withExpressions(f, engine.policySources()) : f);
                diagnostics.addAll(outcomes[i].diagnostics());
            }
            return new Scan(new Report(findings, diagnostics, texts, sources.size(), documents.size()), documents,
                skipped, excluded);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            diagnostics.add(Diagnostic.error("E0001", "the scan was interrupted", Span.NONE));
        } catch (ExecutionException e) {
            diagnostics.add(Diagnostic.error("E0002", "the scan failed: " + e.getCause(), Span.NONE));
        } finally {
            pool.shutdown();
        }
        return new Scan(new Report(List.of(), diagnostics, Map.of(), sources.size(), 0), List.of(), skipped, excluded);
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
