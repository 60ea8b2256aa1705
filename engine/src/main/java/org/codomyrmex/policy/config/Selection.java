package org.codomyrmex.policy.config;

import java.util.Collection;
import java.util.Set;

/**
 * An {@code enable:} / {@code disable:} pair of the config for rules, threats or tags. An empty enable list
 * means "all"; disable wins over enable.
 */
public record Selection(Set<String> enable, Set<String> disable) {
    public static final Selection ALL = new Selection(Set.of(), Set.of());

    public Selection {
        enable = Set.copyOf(enable);
        disable = Set.copyOf(disable);
    }

    /** For a single-valued property (a rule id, a threat). */
    public boolean allows(String value) {
        return (enable.isEmpty() || enable.contains(value)) && !disable.contains(value);
    }

    /** For a many-valued property (tags): some value enabled, none disabled. */
    public boolean allowsAny(Collection<String> values) {
        if (values.stream().anyMatch(disable::contains)) return false;
        return enable.isEmpty() || values.stream().anyMatch(enable::contains);
    }
}
