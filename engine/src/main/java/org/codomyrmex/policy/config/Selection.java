package org.codomyrmex.policy.config;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * An {@code enable:} / {@code disable:} pair of the config for rules, threats or tags, each entry a
 * {@link NamePattern} ({@code K8S-24*} selects K8S-240 to K8S-249). An empty enable list means "all"; disable
 * wins over enable.
 */
public record Selection(List<NamePattern> enable, List<NamePattern> disable) {
    public static final Selection ALL = new Selection(List.of(), List.of());

    public Selection {
        enable = List.copyOf(enable);
        disable = List.copyOf(disable);
    }

    /** A selection of the patterns written. */
    public static Selection of(Collection<String> enable, Collection<String> disable) {
        return new Selection(enable.stream().map(NamePattern::of).toList(), disable.stream().map(NamePattern::of).toList());
    }

    /** For a single-valued property (a rule id, a threat). */
    public boolean allows(String value) {
        return (enable.isEmpty() || matches(enable, value)) && !matches(disable, value);
    }

    /** For a many-valued property (tags): some value enabled, none disabled. */
    public boolean allowsAny(Collection<String> values) {
        if (values.stream().anyMatch(v -> matches(disable, v))) return false;
        return enable.isEmpty() || values.stream().anyMatch(v -> matches(enable, v));
    }

    /** The patterns as written, enabled and disabled. */
    public Set<String> written() {
        Set<String> out = new java.util.LinkedHashSet<>();
        enable.forEach(p -> out.add(p.toString()));
        disable.forEach(p -> out.add(p.toString()));
        return out;
    }

    private static boolean matches(List<NamePattern> patterns, String value) {
        for (NamePattern p : patterns) if (p.matches(value)) return true;
        return false;
    }
}
