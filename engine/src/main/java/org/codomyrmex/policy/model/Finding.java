package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Optional;

/**
 * One finding: which rule fired, how bad it is, what it says, exactly where, and on which resource
 * ({@code resource}: the Kubernetes object, compose project, Dockerfile or image; {@code part}: the container,
 * service or stage inside it, when the location falls in one). {@code trace} holds the sub-expression values
 * behind it when {@code --explain} asked for them.
 */
public record Finding(String ruleId, String title, Severity severity, Threat threat, String message, Span location,
                      Resource resource, Optional<Resource> part, List<TraceEntry> trace) {

    public Finding {
        trace = List.copyOf(trace);
    }

    /** One sub-expression of a rule and the value it had when the rule fired. */
    public record TraceEntry(String expression, String value, Span span) {
    }
}
