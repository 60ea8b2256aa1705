package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code policy} keeps parsed policy files between runs (docs/performance.md): {@code $POLICY_CACHE_DIR}
 * ({@code off} or empty for none), else {@code $XDG_CACHE_HOME/codomyrmex-policy}, else
 * {@code ~/.cache/codomyrmex-policy}.
 */
final class ParseCacheFolder {
    private ParseCacheFolder() {
    }

    static Optional<Path> of(Map<String, String> env, String home) {
        String given = env.get("POLICY_CACHE_DIR");
        if (given != null) {
            return given.isBlank() || given.strip().equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Path.of(given));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        // The XDG spec says a relative value is to be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Optional.of(Path.of(xdg, "codomyrmex-policy"));
        if (home == null || home.isBlank()) return Optional.empty();
        return Optional.of(Path.of(home, ".cache", "codomyrmex-policy"));
    }

    /** The builder, keeping parses in this process's cache folder when there is one. */
    static PolicyEngine.Builder applyTo(PolicyEngine.Builder builder) {
        try {
            of(System.getenv(), System.getProperty("user.home")).ifPresent(builder::parseCache);
        } catch (RuntimeException e) {
            // An unusable path in the environment: run without the cache, as with none.
        }
        return builder;
    }
}
