package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.diag.Span;

import java.util.Locale;

/**
 * Why a finding is not counted: an inline comment on or above its line, a comment for the whole file, a
 * Kubernetes annotation on its resource, an exception of the config, or a baseline of known findings.
 *
 * @param where where the suppression is written ({@link Span#NONE} for a baseline)
 */
public record Suppression(Kind kind, String justification, Span where) {

    public enum Kind {
        INLINE, FILE, ANNOTATION, EXCEPTION, BASELINE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** SARIF's suppression kind: written next to the code, or kept elsewhere. */
        public String sarifKind() {
            return this == INLINE || this == FILE || this == ANNOTATION ? "inSource" : "external";
        }
    }
}
