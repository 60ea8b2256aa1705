package org.codomyrmex.policy.input;

import org.codomyrmex.policy.input.image.ImageLimits;

import java.util.Map;

/**
 * Limits and settings for loading. {@code environment} is what compose interpolation reads (the process
 * environment by default); {@code buildArgs} and {@code buildTarget} are how Dockerfiles are built
 * ({@code --build-arg}, {@code --target}; none and the last stage by default); {@code imageLimits} bound what
 * is read of an image archive or layout, which is untrusted input like the rest.
 */
public record LoadOptions(long maxFileBytes, int maxDocuments, int maxDepth, Map<String, String> environment,
                          Map<String, String> buildArgs, java.util.Optional<String> buildTarget, ImageLimits imageLimits) {
    public LoadOptions {
        environment = Map.copyOf(environment);
        buildArgs = Map.copyOf(buildArgs);
        java.util.Objects.requireNonNull(buildTarget, "buildTarget");
        java.util.Objects.requireNonNull(imageLimits, "imageLimits");
    }

    /** No build arguments, the last stage of a Dockerfile as its image, the default image limits. */
    public LoadOptions(long maxFileBytes, int maxDocuments, int maxDepth, Map<String, String> environment) {
        this(maxFileBytes, maxDocuments, maxDepth, environment, Map.of(), java.util.Optional.empty(), ImageLimits.defaults());
    }

    public static LoadOptions defaults() {
        return new LoadOptions(32L * 1024 * 1024, 10_000, 200, System.getenv());
    }

    /**
     * The same limits, Dockerfiles read as {@code docker build --build-arg K=V --target STAGE} would build them:
     * the values given replace the ARGs' defaults, and the target stage is the image the final-stage rules judge.
     */
    public LoadOptions withBuild(Map<String, String> args, java.util.Optional<String> target) {
        return new LoadOptions(maxFileBytes, maxDocuments, maxDepth, environment, args, target, imageLimits);
    }

    /** The same options with these limits for image archives and layouts. */
    public LoadOptions withImageLimits(ImageLimits limits) {
        return new LoadOptions(maxFileBytes, maxDocuments, maxDepth, environment, buildArgs, buildTarget, limits);
    }
}
