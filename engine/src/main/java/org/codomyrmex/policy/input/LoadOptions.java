package org.codomyrmex.policy.input;

import java.util.Map;

/**
 * Limits and settings for loading. {@code environment} is what compose interpolation reads (the process
 * environment by default); {@code buildArgs} and {@code buildTarget} are how Dockerfiles are built
 * ({@code --build-arg}, {@code --target}; none and the last stage by default).
 */
public record LoadOptions(long maxFileBytes, int maxDocuments, int maxDepth, Map<String, String> environment,
                          Map<String, String> buildArgs, java.util.Optional<String> buildTarget) {
    public LoadOptions {
        environment = Map.copyOf(environment);
        buildArgs = Map.copyOf(buildArgs);
    }

    /** No build arguments, the last stage of a Dockerfile as its image. */
    public LoadOptions(long maxFileBytes, int maxDocuments, int maxDepth, Map<String, String> environment) {
        this(maxFileBytes, maxDocuments, maxDepth, environment, Map.of(), java.util.Optional.empty());
    }

    public static LoadOptions defaults() {
        return new LoadOptions(32L * 1024 * 1024, 10_000, 200, System.getenv());
    }

    /**
     * The same limits, Dockerfiles read as {@code docker build --build-arg K=V --target STAGE} would build them:
     * the values given replace the ARGs' defaults, and the target stage is the image the final-stage rules judge.
     */
    public LoadOptions withBuild(Map<String, String> args, java.util.Optional<String> target) {
        return new LoadOptions(maxFileBytes, maxDocuments, maxDepth, environment, args, target);
    }
}
