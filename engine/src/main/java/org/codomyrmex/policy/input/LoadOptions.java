package org.codomyrmex.policy.input;

import java.util.Map;

/**
 * Limits and settings for loading. {@code environment} is what compose interpolation reads (the process
 * environment by default).
 */
public record LoadOptions(long maxFileBytes, int maxDocuments, int maxDepth, Map<String, String> environment) {
    public static LoadOptions defaults() {
        return new LoadOptions(32L * 1024 * 1024, 10_000, 200, System.getenv());
    }
}
