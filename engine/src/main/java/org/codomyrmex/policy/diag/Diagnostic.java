package org.codomyrmex.policy.diag;

import java.util.Optional;

/**
 * Every problem the tool reports about a policy or an input: a stable code, a level, a message, where it is,
 * and optionally a hint such as "did you mean ...".
 */
public record Diagnostic(String code, Level level, String message, Span span, Optional<String> hint) {

    public enum Level {
        ERROR, WARNING, NOTE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Diagnostic error(String code, String message, Span span) {
        return new Diagnostic(code, Level.ERROR, message, span, Optional.empty());
    }

    public static Diagnostic error(String code, String message, Span span, String hint) {
        return new Diagnostic(code, Level.ERROR, message, span, Optional.ofNullable(hint));
    }

    public static Diagnostic warning(String code, String message, Span span) {
        return new Diagnostic(code, Level.WARNING, message, span, Optional.empty());
    }

    public static Diagnostic warning(String code, String message, Span span, String hint) {
        return new Diagnostic(code, Level.WARNING, message, span, Optional.ofNullable(hint));
    }

    public boolean isError() {
        return level == Level.ERROR;
    }

    public Diagnostic withHint(String newHint) {
        return new Diagnostic(code, level, message, span, Optional.ofNullable(newHint));
    }

    /** {@code file:line:col: error[CODE]: message} without the excerpt. */
    public String headline() {
        return span + ": " + level.label() + "[" + code + "]: " + message;
    }
}
