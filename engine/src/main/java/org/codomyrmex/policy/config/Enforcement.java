package org.codomyrmex.policy.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How a rule's findings count for the exit code: {@code advisory} findings are reported and never fail a run;
 * {@code soft} ones fail it unless {@code --soft-fail} is given; {@code hard} ones always fail it.
 */
public enum Enforcement {
    ADVISORY, SOFT, HARD;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a finding under this enforcement fails the run. */
    public boolean fails(boolean softFail) {
        return this == HARD || (this == SOFT && !softFail);
    }

    public static Optional<Enforcement> parse(String s) {
        for (Enforcement e : values()) {
            if (e.id().equalsIgnoreCase(s)) return Optional.of(e);
        }
        return Optional.empty();
    }
}
