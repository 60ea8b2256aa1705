package org.codomyrmex.policy.model;

import java.util.Locale;
import java.util.Optional;

/** Severity of a rule, most severe first; {@code --fail-on} compares with {@link #atLeast}. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Severity threshold) {
        return ordinal() <= threshold.ordinal();
    }

    public static Optional<Severity> parse(String s) {
        for (Severity v : values()) {
            if (v.id().equalsIgnoreCase(s)) return Optional.of(v);
        }
        return Optional.empty();
    }
}
