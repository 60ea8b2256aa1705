package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Set;

/** A rule's metadata, for reports, {@code policy rules}, {@code policy explain} and SARIF. */
public record RuleInfo(String id, String title, Severity severity, Threat threat, Set<InputKind> formats,
                       List<String> resourceKinds, List<String> references, String remediation, String description,
                       List<String> tags, String packageName, Span span) {
    public RuleInfo {
        formats = Set.copyOf(formats);
        resourceKinds = List.copyOf(resourceKinds);
        references = List.copyOf(references);
        tags = List.copyOf(tags);
    }
}
