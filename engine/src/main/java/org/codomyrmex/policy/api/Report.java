package org.codomyrmex.policy.api;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of a check: findings in a stable order (file, line, column, rule), every problem met on the way
 * (bad inputs, bad policies, evaluation limits), and the source texts needed to show excerpts.
 */
public record Report(List<Finding> findings, List<Diagnostic> diagnostics, Map<String, SourceFile> sources,
                     int filesScanned, int documentsChecked) {

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

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public Optional<SourceFile> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    /** Findings per severity, every severity present (zero when none). */
    public Map<Severity, Integer> countBySeverity() {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) counts.put(s, 0);
        for (Finding f : findings) counts.merge(f.severity(), 1, Integer::sum);
        return counts;
    }

    /** 2 when anything went wrong, else 1 when a finding is at or above {@code failOn}, else 0. */
    public int exitCode(Severity failOn) {
        if (hasErrors()) return 2;
        return findings.stream().anyMatch(f -> f.severity().atLeast(failOn)) ? 1 : 0;
    }
}
