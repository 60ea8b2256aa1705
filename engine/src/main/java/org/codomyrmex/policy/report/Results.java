package org.codomyrmex.policy.report;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.Enforcement;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.suppress.Suppression;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every output format renders: the report (its errors and sources), each finding with its fingerprint,
 * what suppresses it if anything, notes (an expired exception), its enforcement and whether it fails the run,
 * and the metadata of the rules that were loaded.
 */
public record Results(Report report, List<Result> results, Map<String, RuleInfo> rules) {

    public record Result(Finding finding, String fingerprint, Optional<Suppression> suppression, List<String> notes,
                         Enforcement enforcement, boolean failing) {
        public Result {
            notes = List.copyOf(notes);
        }

        public boolean suppressed() {
            return suppression.isPresent();
        }
    }

    public Results {
        results = List.copyOf(results);
        rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /** A report taken as it is: no config, nothing suppressed, findings at or above {@code failOn} fail. */
    public static Results of(Report report, List<RuleInfo> rules, Severity failOn) {
        List<String> fps = report.fingerprints();
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < report.findings().size(); i++) {
            Finding f = report.findings().get(i);
            out.add(new Result(f, fps.get(i), Optional.empty(), List.of(), Enforcement.HARD, f.severity().atLeast(failOn)));
        }
        Map<String, RuleInfo> byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.putIfAbsent(r.id(), r));
        return new Results(report, out, byId);
    }

    /** Findings that count: not suppressed. */
    public List<Result> active() {
        return results.stream().filter(r -> !r.suppressed()).toList();
    }

    public List<Result> suppressed() {
        return results.stream().filter(Result::suppressed).toList();
    }

    public Optional<RuleInfo> rule(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** 2 when an input, policy or config had an error; else 1 when a finding fails the run; else 0. */
    public int exitCode() {
        if (report.hasErrors()) return 2;
        return results.stream().anyMatch(Result::failing) ? 1 : 0;
    }
}
