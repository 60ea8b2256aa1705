package org.codomyrmex.policy.api;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Severity;

import org.codomyrmex.policy.report.JsonReport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of a check: findings in a stable order (file, line, column, rule), every problem met on the way
 * (bad inputs, bad policies, evaluation limits), and the source texts needed to show excerpts. Immutable.
 *
 * <p>Each {@link Finding} gives the rule ({@code ruleId}, {@code title}), {@code severity}, {@code threat},
 * {@code message}, {@code location} (file, line, column, end), the {@code resource} it is about and the
 * {@code part} (container, service, stage) when there is one; {@link #fingerprints()} identifies it
 * across runs. {@link #toJson()} writes the whole report as JSON ({@code docs/api.md}).
 *
 * @param findings         what the rules found, sorted by {@link #ORDER}
 * @param diagnostics      errors and warnings met while reading inputs, policies and evaluating
 * @param sources          the text of every input and policy, by name, for excerpts
 * @param filesScanned     how many sources were read
 * @param documentsChecked how many documents (Kubernetes objects, compose projects, ...) the rules ran on
 */
public record Report(List<Finding> findings, List<Diagnostic> diagnostics, Map<String, SourceFile> sources,
                     int filesScanned, int documentsChecked) {

    /** The order of findings: file, line, column, rule id, message. */
    public static final Comparator<Finding> ORDER = Comparator
        .comparing((Finding f) -> f.location().file())
        .thenComparingInt(f -> f.location().line())
        .thenComparingInt(f -> f.location().column())
        .thenComparing(Finding::ruleId)
        .thenComparing(Finding::message);

    public Report {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(ORDER);
        findings = List.copyOf(sorted);
        diagnostics = List.copyOf(diagnostics);
        sources = Map.copyOf(sources);
    }

    /** The error diagnostics only: a report with errors did not check everything it was given. */
    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    /** True when any diagnostic is an error. */
    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /**
     * The text of a file named by a finding or diagnostic. Inputs read whole are kept; a file a loader only
     * followed (a compose override or env file, a manifest inside an image layout) is read from disk when it
     * is a small regular file, so its excerpt can still be shown.
     */
    public Optional<SourceFile> source(String name) {
        SourceFile kept = sources.get(name);
        if (kept != null) return Optional.of(kept);
        try {
            java.nio.file.Path p = java.nio.file.Path.of(name);
            if (!java.nio.file.Files.isRegularFile(p) || java.nio.file.Files.size(p) > 4L * 1024 * 1024) return Optional.empty();
            return Optional.of(new SourceFile(name, java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty(); // no excerpt; the diagnostic's location still says where
        }
    }

    /** Findings per severity, every severity present (zero when none). */
    public Map<Severity, Integer> countBySeverity() {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) counts.put(s, 0);
        for (Finding f : findings) counts.merge(f.severity(), 1, Integer::sum);
        return counts;
    }

    /** The findings at or above {@code severity}. */
    public List<Finding> findingsAtLeast(Severity severity) {
        return findings.stream().filter(f -> f.severity().atLeast(severity)).toList();
    }

    /**
     * A stable identity of each finding, in {@link #findings()} order, for baselines, SARIF and deduplication:
     * the rule, the file, the resource and part, and the offending line's text — not its line number, so it
     * survives lines moving (see {@link org.codomyrmex.policy.model.Fingerprints}).
     */
    public List<String> fingerprints() {
        return org.codomyrmex.policy.model.Fingerprints.of(findings, this::source);
    }

    /** The report as JSON: findings (with fingerprints), errors, warnings and a summary; see {@code docs/api.md}. */
    public String toJson() {
        return JsonReport.render(this);
    }

    /** 2 when anything went wrong, else 1 when a finding is at or above {@code failOn}, else 0. */
    public int exitCode(Severity failOn) {
        if (hasErrors()) return 2;
        return findings.stream().anyMatch(f -> f.severity().atLeast(failOn)) ? 1 : 0;
    }
}
