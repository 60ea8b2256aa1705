package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.Span;

import java.util.List;

/**
 * One finding: which rule fired, how bad it is, what it says, exactly where, and on which resource.
 * {@code trace} holds the sub-expression values behind it when {@code --explain} asked for them.
 */
public record Finding(String ruleId, String title, Severity severity, Threat threat, String message, Span location,
                      Resource resource, List<TraceEntry> trace) {

    public Finding {
        trace = List.copyOf(trace);
    }

    /** One sub-expression of a rule and the value it had when the rule fired. */
    public record TraceEntry(String expression, String value, Span span) {
    }
}
