package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

/** A parser directive at the top of the file: {@code # syntax=...}, {@code # escape=`}, {@code # check=...}. */
public record Directive(String name, String value, Span span) {
}
