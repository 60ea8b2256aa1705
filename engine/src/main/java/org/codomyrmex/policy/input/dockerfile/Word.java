package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

/** A piece of a Dockerfile as BuildKit's parser reads it (quotes and escapes still in), with where it was written. */
public record Word(String text, Span span) {
}
