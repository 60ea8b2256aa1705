package org.codomyrmex.policy.api;

import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Severity;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration hook of a {@link PolicyEngine}: it sees the findings of each document right after the rules
 * ran and returns the findings to report. Configuration is applied here: rules turned off, severities changed,
 * suppressions. A hook must be stateless or thread-safe, since one engine serves many threads; a hook that
 * throws does not lose the findings: they are kept unchanged and the failure is reported as an error.
 *
 * <pre>{@code
 * FindingHook hook = FindingHook.disableRules(Set.of("IMG-002"))
 *     .andThen(FindingHook.overrideSeverities(Map.of("ESC-002", Severity.MEDIUM)));
 * PolicyEngine engine = PolicyEngine.builder().findingHook(hook).build();
 * }</pre>
 */
@FunctionalInterface
public interface FindingHook {

    /** The findings to report for {@code document}, given those its rules produced (in no particular order). */
    List<Finding> apply(Document document, List<Finding> findings);

    /** The hook that changes nothing. */
    static FindingHook none() {
        return (document, findings) -> findings;
    }

    /** This hook, then {@code next} on what it returned. */
    default FindingHook andThen(FindingHook next) {
        return (document, findings) -> next.apply(document, apply(document, findings));
    }

    /** Drops the findings of the rules named. */
    static FindingHook disableRules(Collection<String> ruleIds) {
        Set<String> off = Set.copyOf(ruleIds);
        return (document, findings) -> findings.stream().filter(f -> !off.contains(f.ruleId())).toList();
    }

    /** Reports the findings of the rules named at another severity. */
    static FindingHook overrideSeverities(Map<String, Severity> severities) {
        Map<String, Severity> by = Map.copyOf(severities);
        return (document, findings) -> findings.stream().map(f -> {
            Severity s = by.get(f.ruleId());
            return s == null ? f : new Finding(f.ruleId(), f.title(), s, f.threat(), f.message(), f.location(),
                f.resource(), f.part(), f.trace());
        }).toList();
    }
}
