package org.codomyrmex.policy.input.image;

/**
 * Hard limits for reading image archives and layers, which are untrusted input: a hostile tarball may claim
 * huge sizes, hold millions of entries, decompress a few KiB into gigabytes, or name paths outside the root.
 *
 * @param maxUncompressedBytes bytes of layer tar read (after decompression), summed over all layers of one input
 * @param maxEntries           tar entries read, summed over all layers of one input
 * @param maxPathLength        longest entry path kept, in characters
 * @param maxContentBytes      largest file whose text is kept for rules to read
 * @param maxRetainedContent   text kept in memory over all files of one input
 * @param maxCompressionRatio  uncompressed/compressed ratio beyond which a layer counts as a decompression bomb
 *                             (checked once a layer has produced more than {@code ratioFloorBytes})
 * @param ratioFloorBytes      uncompressed bytes below which the ratio is not checked (small files compress well)
 * @param maxJsonBytes         largest JSON file (index, manifest, config) read from an archive or layout
 * @param maxIndexDepth        nesting of image indexes followed
 * @param maxManifests         manifests and indexes followed in one layout or archive (nested indexes can list each
 *                             other's blobs many times over, so a few KiB of JSON could name millions of images)
 */
public record ImageLimits(long maxUncompressedBytes, long maxEntries, int maxPathLength, int maxContentBytes,
                          long maxRetainedContent, long maxCompressionRatio, long ratioFloorBytes, long maxJsonBytes,
                          int maxIndexDepth, int maxManifests) {

    /** Uncompressed bytes of a layer below which its compression ratio is not checked, by default. */
    public static final long DEFAULT_RATIO_FLOOR_BYTES = 16L * 1024 * 1024;

    public static ImageLimits defaults() {
        return new ImageLimits(2L * 1024 * 1024 * 1024, 500_000, 4096, 64 * 1024, 32L * 1024 * 1024, 200,
            DEFAULT_RATIO_FLOOR_BYTES, 16L * 1024 * 1024, 4, 1_000);
    }

    public ImageLimits withMaxUncompressedBytes(long n) {
        return new ImageLimits(n, maxEntries, maxPathLength, maxContentBytes, maxRetainedContent, maxCompressionRatio,
            ratioFloorBytes, maxJsonBytes, maxIndexDepth, maxManifests);
    }

    public ImageLimits withMaxEntries(long n) {
        return new ImageLimits(maxUncompressedBytes, n, maxPathLength, maxContentBytes, maxRetainedContent,
            maxCompressionRatio, ratioFloorBytes, maxJsonBytes, maxIndexDepth, maxManifests);
    }

    public ImageLimits withCompressionRatio(long ratio, long floorBytes) {
        return new ImageLimits(maxUncompressedBytes, maxEntries, maxPathLength, maxContentBytes, maxRetainedContent,
            ratio, floorBytes, maxJsonBytes, maxIndexDepth, maxManifests);
    }

    public ImageLimits withMaxManifests(int n) {
        return new ImageLimits(maxUncompressedBytes, maxEntries, maxPathLength, maxContentBytes, maxRetainedContent,
            maxCompressionRatio, ratioFloorBytes, maxJsonBytes, maxIndexDepth, n);
    }
}
