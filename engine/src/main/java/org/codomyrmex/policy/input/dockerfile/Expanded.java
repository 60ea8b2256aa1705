package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

import java.util.Set;

/**
 * A value after ARG/ENV substitution. When some variable's value is not known (an ARG without default, a
 * build platform, a variable the base image may set), {@code value} keeps that reference as written and
 * {@code unresolved} names it; {@code failed} is true when substitution itself was invalid ({@code ${A}), in
 * which case {@code value} is the raw text.
 */
public record Expanded(String raw, String value, Set<String> unresolved, boolean failed, Span span) {
    public Expanded {
        unresolved = Set.copyOf(unresolved);
    }

    public static Expanded literal(String text, Span span) {
        return new Expanded(text, text, Set.of(), false, span);
    }

    public boolean isResolved() {
        return unresolved.isEmpty() && !failed;
    }
}
