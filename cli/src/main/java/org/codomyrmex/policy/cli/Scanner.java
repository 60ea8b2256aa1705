package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.CheckOptions;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.GitIgnore;
import org.codomyrmex.policy.config.Glob;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.suppress.Triage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scan behind {@code policy check}: collects the files (recursively, minus config excludes and, for files
 * found by walking a folder, what {@code .gitignore} ignores) and has the engine check them, streaming, on
 * {@code --jobs} threads ({@link PolicyEngine#check(List, CheckOptions)}); gathers on the way what the triage
 * needs besides the findings (the documents' ignore annotations).
 */
final class Scanner {
    /** What a scan found: the report, the documents' ignore annotations, and the files left out. */
    record Scan(Report report, Map<Resource, Value.Str> ignoreAnnotations, List<String> skipped, List<String> excluded,
                boolean secondPass) {
    }

    record Options(List<String> paths, Optional<InputKind> kind, PolicyConfig config, boolean gitignore, List<String> exclude,
                   int jobs, boolean explain, Progress progress, boolean skipUnknown, Optional<String> stdinName) {
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
        Path workingDir = Path.of("").toAbsolutePath().normalize();
        List<Glob> cliExcludes = o.exclude().stream().map(g -> Glob.line(g, workingDir)).toList();
        for (InputSource collectedSource : collected.sources()) {
            // Standard input under the name --stdin-filename gives: found, reported and suppressed as that file
            // (its text still comes from stdin, never from a file of that name).
            InputSource s = collectedSource.name().equals("-") && collectedSource.path().isEmpty() && o.stdinName().isPresent()
                ? new InputSource(o.stdinName().get(), Optional.empty(), collectedSource.content())
                : collectedSource;
            Optional<Path> path = s.path();
            boolean named = o.paths().contains(s.name());
            boolean drop = path.isPresent() && (o.config().excludes(path.get())
                || excludedByOption(cliExcludes, s.name(), path.get(), workingDir)
                || (!named && o.gitignore() && gitIgnore.ignored(path.get())));
            if (drop) {
                excluded.add(s.name());
            } else if (o.skipUnknown() && path.isPresent() && Inputs.kindOf(s, o.kind()).isEmpty()) {
                skipped.add(s.name()); // pre-commit hands over every YAML file; those of no known kind are not errors
            } else {
                sources.add(s);
            }
        }

        Map<Resource, Value.Str> annotations = new HashMap<>();
        boolean[] secondPass = {false};
        CheckOptions.Listener listener = new CheckOptions.Listener() {
            @Override
            public void starting(int units) {
                o.progress().start(units);
            }

            @Override
            public void loaded() {
                o.progress().advance();
            }

            @Override
            public void document(Document d) {
                Triage.ignoreAnnotation(d).ifPresent(a -> annotations.putIfAbsent(d.resource(), a));
            }

            @Override
            public void secondPass() {
                secondPass[0] = true;
            }
        };
        Report checked = engine.check(sources, CheckOptions.defaults().withKind(o.kind()).withJobs(Math.max(1, o.jobs()))
            .withExplain(o.explain()).withProfile(Optional.ofNullable(profile)).withListener(listener));
        o.progress().finish();
        // The policies' own errors are the command's to report (with its --verbose), not the scan's.
        List<Diagnostic> policyErrors = engine.policyDiagnostics();
        checked.diagnostics().stream().filter(d -> !policyErrors.contains(d)).forEach(diagnostics::add);
        List<Finding> findings = o.explain()
            ? checked.findings().stream().map(f -> withExpressions(f, engine.policySources())).toList()
            : checked.findings();
        Report report = new Report(findings, diagnostics, checked.sources(), checked.filesScanned(), checked.documentsChecked());
        return new Scan(report, annotations, skipped, excluded, secondPass[0]);
    }

    /**
     * Whether {@code --exclude} globs leave out a file: they are relative to the working folder, as the config's are
     * to its own, whether the file was reached as {@code k8s/}, {@code ./k8s/} or {@code /abs/k8s/} (matched
     * against the name as given, an anchored glob missed every file of an absolute or {@code ..} path). A file
     * outside the working folder is matched by its name as given.
     */
    static boolean excludedByOption(List<Glob> globs, String name, Path path, Path workingDir) {
        if (globs.isEmpty()) return false;
        Path abs = path.toAbsolutePath().normalize();
        String relative = abs.startsWith(workingDir) ? workingDir.relativize(abs).toString() : name;
        return Glob.excluded(globs, relative, java.nio.file.Files.isDirectory(abs));
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
}
