package org.codomyrmex.policy.input.image;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.json.JsonLoader;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads images out of an OCI image layout (a directory or an {@code oci-archive} tar) or a {@code docker save}
 * tarball: index → manifest → config, then every layer's file list. Blob digests are checked against the
 * descriptors that name them, and layer tars against the config's diff_ids; every problem is a diagnostic
 * pointing at the JSON that named the blob.
 */
final class ImageArchive {
    private static final Pattern DIGEST = Pattern.compile("(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})");
    private static final Set<String> IMAGE_CONFIG_TYPES = Set.of(
        "application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json");
    private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?([a-f0-9]{64})(?:\\.tar|\\.json)?");

    private final BlobStore store;
    private final ImageLimits limits;
    private final List<Diagnostic> diagnostics;
    private final LayerReader.Budget budget;
    private final JsonLoader.Options jsonOptions;
    /** The descriptor of the first OCI artifact skipped, to say so when the layout holds no image at all. */
    private Span firstArtifact = Span.NONE;
    /** The manifests and indexes followed so far, by digest and the name they are read under. */
    private final Set<String> followed = new HashSet<>();
    private boolean tooManyManifests;

    ImageArchive(BlobStore store, ImageLimits limits, List<Diagnostic> diagnostics) {
        this.store = store;
        this.limits = limits;
        this.diagnostics = diagnostics;
        this.budget = new LayerReader.Budget(limits);
        this.jsonOptions = new JsonLoader.Options(limits.maxJsonBytes(), 100, 1_000_000);
    }

    /** An OCI image layout: oci-layout, index.json, blobs/. */
    List<ImageFacts> readLayout(String format) {
        List<ImageFacts> out = new ArrayList<>();
        if (!store.exists("oci-layout")) {
            diagnostics.add(Diagnostic.warning("I4030", store.where("oci-layout") + " is missing; reading index.json anyway",
                Span.of(store.where("oci-layout"), 1, 1)));
        }
        Optional<JsonLoader.Result> index = json("index.json", Span.of(store.where("index.json"), 1, 1));
        if (index.isEmpty() || index.get().value().isEmpty()) return out;
        index(index.get().value().get(), format, out, 0, Values.NULL);
        if (out.isEmpty() && firstArtifact.isKnown()) {
            diagnostics.add(Diagnostic.warning("I4038", "the layout holds OCI artifacts (signatures, SBOMs, ...) but no "
                + "image: nothing to check", firstArtifact));
        }
        return out;
    }

    /** @param inheritedRef the name an enclosing index gave this index, used when a manifest has none of its own */
    private void index(Value index, String format, List<ImageFacts> out, int depth, Value inheritedRef) {
        if (!(index instanceof Value.MapV m) || !(m.get("manifests") instanceof Value.ListV manifests)) {
            diagnostics.add(Diagnostic.error("I4031", "not an OCI image index: no 'manifests' list", index.span()));
            return;
        }
        if (manifests.items().isEmpty()) {
            diagnostics.add(Diagnostic.warning("I4039", "the image index lists no manifest: no image", manifests.span()));
            return;
        }
        if (depth > limits.maxIndexDepth()) {
            diagnostics.add(Diagnostic.error("I4032", "image indexes nested deeper than " + limits.maxIndexDepth(), index.span()));
            return;
        }
        List<ImageFacts> images = new ArrayList<>();
        List<String> platforms = new ArrayList<>();
        for (Value item : manifests.items()) {
            if (!(item instanceof Value.MapV descriptor)) {
                diagnostics.add(Diagnostic.error("I4040", "each item of an image index's 'manifests' must be a descriptor "
                    + "object (mediaType, digest, size); this one is skipped", item.span()));
                continue;
            }
            Value.MapV annotations = descriptor.get("annotations") instanceof Value.MapV a ? a : Values.EMPTY_MAP;
            if (annotations.get("vnd.docker.reference.type") instanceof Value.Str) continue; // build attestations
            if (descriptor.get("artifactType") instanceof Value.Str) { // signatures, SBOMs: not images
                skippedArtifact(descriptor);
                continue;
            }
            // The same manifest under the same name is the same image: nested indexes that list each other's
            // blobs over and over would otherwise make a few KiB of JSON into millions of images.
            if (!followed.add(text(descriptor.get("digest")) + "\u0000" + text(reference(annotations, inheritedRef)))) continue;
            if (followed.size() > limits.maxManifests()) {
                if (!tooManyManifests) {
                    diagnostics.add(Diagnostic.error("I4042", "more than " + limits.maxManifests() + " manifests and "
                        + "indexes in one image layout or archive; the rest are not read", descriptor.span()));
                }
                tooManyManifests = true;
                return;
            }
            String mediaType = text(descriptor.get("mediaType"));
            Optional<JsonLoader.Result> blob = jsonBlob(descriptor, "manifest");
            if (blob.isEmpty() || blob.get().value().isEmpty()) continue;
            Value manifest = blob.get().value().get();
            if (mediaType.endsWith("image.index.v1+json") || mediaType.endsWith("manifest.list.v2+json")
                || manifest instanceof Value.MapV mm && mm.get("manifests") instanceof Value.ListV) {
                index(manifest, format, out, depth + 1, reference(annotations, inheritedRef));
                continue;
            }
            if (manifest instanceof Value.MapV mm && isArtifact(mm)) {
                skippedArtifact(descriptor);
                continue;
            }
            Value ref = reference(annotations, inheritedRef);
            Optional<ImageFacts> image = image(manifest, descriptor.get("digest"), ref, format);
            if (image.isPresent()) {
                out.add(image.get());
                images.add(image.get());
                platforms.add(platform(descriptor.get("platform"), image.get()));
            }
        }
        // A multi-platform index holds one image per platform, all under the same name: each is named with its
        // platform, so that a finding says which one it is about (and findings of two platforms are not one).
        if (new HashSet<>(platforms).size() > 1) {
            for (int i = 0; i < images.size(); i++) images.get(i).platform = platforms.get(i);
        }
    }

    /**
     * os/architecture[/variant] as containerd and Docker write a platform: from the index descriptor's
     * {@code platform}, else from the image config.
     */
    private static String platform(Value descriptorPlatform, ImageFacts image) {
        boolean described = descriptorPlatform instanceof Value.MapV m && !text(m.get("architecture")).isEmpty();
        Value.MapV p = described ? (Value.MapV) descriptorPlatform : Values.EMPTY_MAP;
        String os = text(described ? p.get("os") : image.os);
        String arch = text(described ? p.get("architecture") : image.architecture);
        String variant = text(described ? p.get("variant") : image.variant);
        if (arch.isEmpty()) return "";
        return (os.isEmpty() ? "" : os + "/") + arch + (variant.isEmpty() ? "" : "/" + variant);
    }

    /**
     * An OCI artifact stored beside the images (a cosign signature, an SBOM, a Helm chart): its config is not an
     * image config or its layers are not filesystem layers, so it has no filesystem or run config to check, and
     * container runtimes never run it.
     */
    private static boolean isArtifact(Value.MapV manifest) {
        if (manifest.get("artifactType") instanceof Value.Str) return true;
        if (manifest.get("config") instanceof Value.MapV config && config.get("mediaType") instanceof Value.Str type
            && !IMAGE_CONFIG_TYPES.contains(type.value())) {
            return true;
        }
        if (manifest.get("layers") instanceof Value.ListV layers) {
            for (Value layer : layers.items()) {
                if (layer instanceof Value.MapV d && d.get("mediaType") instanceof Value.Str type
                    && !type.value().contains(".layer.") && !type.value().contains(".rootfs.")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void skippedArtifact(Value.MapV descriptor) {
        if (!firstArtifact.isKnown()) firstArtifact = descriptor.span();
    }

    private static Value reference(Value.MapV annotations, Value inherited) {
        if (annotations.get("io.containerd.image.name") instanceof Value.Str s) return s;
        if (annotations.get("org.opencontainers.image.ref.name") instanceof Value.Str s) return s;
        return inherited;
    }

    /** One image manifest: its config and layers. */
    private Optional<ImageFacts> image(Value manifestValue, Value manifestDigest, Value reference, String format) {
        if (!(manifestValue instanceof Value.MapV manifest) || !(manifest.get("config") instanceof Value.MapV configDescriptor)) {
            diagnostics.add(Diagnostic.error("I4033", "not an image manifest: no 'config' descriptor", manifestValue.span()));
            return Optional.empty();
        }
        Optional<JsonLoader.Result> config = jsonBlob(configDescriptor, "config");
        if (config.isEmpty() || config.get().value().isEmpty()) return Optional.empty();
        ImageFacts f = facts(config.get(), format);
        f.digest = ImageFacts.strOrNull(manifestDigest);
        f.id = ImageFacts.strOrNull(configDescriptor.get("digest"));
        f.reference = ImageFacts.strOrNull(reference);
        List<Value> diffIds = diffIds(config.get().value().get());
        f.layers = new ArrayList<>();
        FileTree tree = new FileTree();
        Value layers = manifest.get("layers");
        if (layers instanceof Value.ListV list) {
            for (int i = 0; i < list.items().size(); i++) {
                if (!(list.items().get(i) instanceof Value.MapV d)) continue;
                Value diffId = i < diffIds.size() ? diffIds.get(i) : Values.NULL;
                f.layers.add(layerBlob(d, diffId, i, tree));
            }
        }
        if (diffIds.size() != f.layers.size()) {
            diagnostics.add(Diagnostic.warning("I4034", "the manifest has " + f.layers.size() + " layers but the config's "
                + "rootfs lists " + diffIds.size() + " diff_ids", layers.span().isKnown() ? layers.span() : manifest.span()));
        }
        f.files = tree.entries();
        return Optional.of(f);
    }

    private ImageFacts.LayerFacts layerBlob(Value.MapV descriptor, Value diffId, int index, FileTree tree) {
        Value digest = descriptor.get("digest");
        Value mediaType = ImageFacts.strOrNull(descriptor.get("mediaType"));
        Value size = ImageFacts.ints(descriptor.get("size"));
        Optional<String[]> parsed = digest(digest, "layer");
        if (parsed.isEmpty()) return new ImageFacts.LayerFacts(ImageFacts.strOrNull(digest), diffId, size, mediaType, List.of(), false, false);
        String path = "blobs/" + parsed.get()[0] + "/" + parsed.get()[1];
        String where = "layer " + index + " (" + shortDigest(text(digest)) + ")";
        LayerReader.Layer layer = readLayer(path, digest.span(), where, index);
        if (layer == null) return new ImageFacts.LayerFacts(digest, diffId, size, mediaType, List.of(), false, false);
        if (layer.complete()) {
            if (parsed.get()[0].equals("sha256") && !layer.blobDigest().get().equals(text(digest))) {
                diagnostics.add(Diagnostic.error("I4011", where + ": digest mismatch: the blob's content hashes to "
                    + layer.blobDigest().get(), digest.span(), "the blob was altered or corrupted after the manifest was written"));
            }
            if (size instanceof Value.Int n && n.value() != layer.storedBytes()) {
                diagnostics.add(Diagnostic.error("I4012", where + ": size mismatch: the descriptor says " + n.value()
                    + " bytes, the blob has " + layer.storedBytes(), size.span()));
            }
            checkDiffId(layer, diffId, where);
        }
        tree.apply(layer.entries());
        return new ImageFacts.LayerFacts(digest, diffId, size, mediaType, layer.entries(), true, layer.complete());
    }

    private void checkDiffId(LayerReader.Layer layer, Value diffId, String where) {
        if (diffId instanceof Value.Str d && d.value().startsWith("sha256:") && layer.diffId().isPresent()
            && !layer.diffId().get().equals(d.value())) {
            diagnostics.add(Diagnostic.error("I4013", where + ": the uncompressed layer hashes to " + layer.diffId().get()
                + ", not to the config's diff_id", d.span(), "the layer and the config do not belong together"));
        }
    }

    private LayerReader.Layer readLayer(String path, Span at, String where, int index) {
        try (InputStream in = store.open(path)) {
            return LayerReader.read(in, budget, diagnostics, at, where, index);
        } catch (BlobStore.Problem p) {
            diagnostics.add(Diagnostic.error("I4010", where + ": " + p.getMessage(), at));
            return null;
        } catch (IOException e) {
            return null; // closing failed after reading: nothing lost
        }
    }

    /** A {@code docker save} tarball: manifest.json lists each image's config and layer tars. */
    List<ImageFacts> readDockerArchive(String format) {
        List<ImageFacts> out = new ArrayList<>();
        Optional<JsonLoader.Result> manifestJson = json("manifest.json", Span.of(store.where("manifest.json"), 1, 1));
        if (manifestJson.isEmpty() || manifestJson.get().value().isEmpty()) return out;
        Value root = manifestJson.get().value().get();
        if (!(root instanceof Value.ListV images)) {
            diagnostics.add(Diagnostic.error("I4035", "manifest.json of a docker save archive must be a list", root.span()));
            return out;
        }
        if (images.items().isEmpty()) {
            diagnostics.add(Diagnostic.warning("I4039", "manifest.json lists no image", root.span()));
        }
        for (Value item : images.items()) {
            if (!(item instanceof Value.MapV entry) || !(entry.get("Config") instanceof Value.Str configPath)) {
                diagnostics.add(Diagnostic.error("I4035", "expected {Config, RepoTags, Layers} in manifest.json", item.span()));
                continue;
            }
            // As for indexes: an entry repeated is the same image, and thousands of entries naming the same blobs
            // ran the scan out of memory.
            if (!followed.add(configPath.value() + "\u0000" + Values.display(entry.get("RepoTags")) + "\u0000"
                + Values.display(entry.get("Layers")))) {
                continue;
            }
            if (followed.size() > limits.maxManifests()) {
                diagnostics.add(Diagnostic.error("I4042", "more than " + limits.maxManifests() + " images in manifest.json; "
                    + "the rest are not read", item.span()));
                break;
            }
            Optional<JsonLoader.Result> config = json(configPath.value(), configPath.span());
            if (config.isEmpty() || config.get().value().isEmpty()) continue;
            byte[] configBytes = readQuietly(configPath.value());
            expectedDigest(configPath.value()).ifPresent(hex -> {
                if (configBytes != null && !sha256(configBytes).equals(hex)) {
                    diagnostics.add(Diagnostic.error("I4011", "config " + configPath.value() + ": digest mismatch: the "
                        + "content hashes to sha256:" + sha256(configBytes), configPath.span()));
                }
            });
            ImageFacts f = facts(config.get(), format);
            f.repoTags = entry.get("RepoTags");
            f.reference = entry.get("RepoTags") instanceof Value.ListV tags && !tags.items().isEmpty() ? tags.items().get(0) : Values.NULL;
            if (configBytes != null) f.id = Values.string("sha256:" + sha256(configBytes));
            List<Value> diffIds = diffIds(config.get().value().get());
            f.layers = new ArrayList<>();
            FileTree tree = new FileTree();
            if (entry.get("Layers") instanceof Value.ListV layers) {
                for (int i = 0; i < layers.items().size(); i++) {
                    if (!(layers.items().get(i) instanceof Value.Str layerPath)) {
                        diagnostics.add(Diagnostic.error("I4035", "each item of 'Layers' in manifest.json must be the path "
                            + "of a layer tar", layers.items().get(i).span()));
                        continue;
                    }
                    Value diffId = i < diffIds.size() ? diffIds.get(i) : Values.NULL;
                    String where = "layer " + i + " (" + layerPath.value() + ")";
                    LayerReader.Layer layer = readLayer(layerPath.value(), layerPath.span(), where, i);
                    if (layer == null) {
                        f.layers.add(new ImageFacts.LayerFacts(layerPath, diffId, Values.NULL, Values.NULL, List.of(), false, false));
                        continue;
                    }
                    Value digest = Values.NULL;
                    if (layer.complete()) {
                        checkDiffId(layer, diffId, where);
                        digest = new Value.Str(layer.blobDigest().get(), layerPath.span());
                        // Newer Docker names layers blobs/sha256/<digest of the stored blob>.
                        if (layerPath.value().startsWith("blobs/sha256/")
                            && !layer.blobDigest().get().equals("sha256:" + layerPath.value().substring(13))) {
                            diagnostics.add(Diagnostic.error("I4011", where + ": digest mismatch: the blob's content hashes to "
                                + layer.blobDigest().get(), layerPath.span()));
                        }
                    }
                    tree.apply(layer.entries());
                    f.layers.add(new ImageFacts.LayerFacts(digest, diffId, Values.integer(layer.storedBytes()),
                        Values.string(layer.compression().equals("gzip") ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                            : "application/vnd.docker.image.rootfs.diff.tar"), layer.entries(), true, layer.complete()));
                }
            }
            if (diffIds.size() != f.layers.size()) {
                Value layers = entry.get("Layers");
                diagnostics.add(Diagnostic.warning("I4034", "manifest.json lists " + f.layers.size() + " layers but the "
                    + "config's rootfs lists " + diffIds.size() + " diff_ids", layers.span().isKnown() ? layers.span() : entry.span()));
            }
            f.files = tree.entries();
            out.add(f);
        }
        return out;
    }

    private byte[] readQuietly(String path) {
        try {
            return store.read(path, limits.maxJsonBytes());
        } catch (BlobStore.Problem p) {
            return null;
        }
    }

    /** The hex digest a docker-archive file name carries (blobs/sha256/<hex>, <hex>.json). */
    private static Optional<String> expectedDigest(String path) {
        Matcher m = HEX_NAME.matcher(path);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private ImageFacts facts(JsonLoader.Result config, String format) {
        ImageFacts f = new ImageFacts();
        f.format = format;
        f.source = config.source();
        Value root = config.value().get();
        f.raw = root;
        if (root instanceof Value.MapV m) {
            ImageJson.ociConfig(f, m);
            f.span = m.span();
        } else {
            diagnostics.add(Diagnostic.error("I4036", "an image config must be a JSON object", root.span()));
            f.span = root.span();
        }
        return f;
    }

    private static List<Value> diffIds(Value config) {
        if (config instanceof Value.MapV m && m.get("rootfs") instanceof Value.MapV r && r.get("diff_ids") instanceof Value.ListV l) {
            return l.items();
        }
        return List.of();
    }

    /** A JSON blob named by a descriptor, its digest and size checked. */
    private Optional<JsonLoader.Result> jsonBlob(Value.MapV descriptor, String what) {
        Value digest = descriptor.get("digest");
        Optional<String[]> parsed = digest(digest, what);
        if (parsed.isEmpty()) return Optional.empty();
        String path = "blobs/" + parsed.get()[0] + "/" + parsed.get()[1];
        byte[] bytes;
        try {
            bytes = store.read(path, limits.maxJsonBytes());
        } catch (BlobStore.Problem p) {
            diagnostics.add(Diagnostic.error("I4010", what + " blob: " + p.getMessage(), digest.span()));
            return Optional.empty();
        }
        String actual = hash(parsed.get()[0], bytes);
        if (!actual.equals(parsed.get()[1])) {
            diagnostics.add(Diagnostic.error("I4011", what + " blob " + shortDigest(text(digest)) + ": digest mismatch: "
                + "the content hashes to " + parsed.get()[0] + ":" + actual, digest.span(),
                "the blob was altered or corrupted after the descriptor was written"));
        }
        if (descriptor.get("size") instanceof Value.Int n && n.value() != bytes.length) {
            diagnostics.add(Diagnostic.error("I4012", what + " blob: the descriptor says " + n.value() + " bytes, the blob has "
                + bytes.length, n.span()));
        }
        return Optional.of(parse(store.where(path), bytes));
    }

    private Optional<JsonLoader.Result> json(String path, Span namedAt) {
        try {
            byte[] bytes = store.read(path, limits.maxJsonBytes());
            return Optional.of(parse(store.where(path), bytes));
        } catch (BlobStore.Problem p) {
            diagnostics.add(Diagnostic.error("I4010", p.getMessage(), namedAt));
            return Optional.empty();
        }
    }

    private JsonLoader.Result parse(String name, byte[] bytes) {
        JsonLoader.Result r = JsonLoader.load(name, bytes, jsonOptions);
        diagnostics.addAll(r.diagnostics());
        return r;
    }

    /** {algorithm, hex} of a well-formed digest; a located error otherwise. */
    private Optional<String[]> digest(Value digest, String what) {
        if (digest instanceof Value.Str s) {
            Matcher m = DIGEST.matcher(s.value());
            if (m.matches() && (m.group(1).equals("sha256") ? m.group(2).length() == 64 : m.group(2).length() == 128)) {
                return Optional.of(new String[] {m.group(1), m.group(2)});
            }
        }
        diagnostics.add(Diagnostic.error("I4014", what + " descriptor has no valid digest (expected sha256:<64 hex digits>)",
            digest.span()));
        return Optional.empty();
    }

    private static String text(Value v) {
        return v instanceof Value.Str s ? s.value() : "";
    }

    private static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
    }

    private static String sha256(byte[] bytes) {
        return hash("sha256", bytes);
    }

    private static String hash(String algorithm, byte[] bytes) {
        try {
            String name = algorithm.equals("sha512") ? "SHA-512" : "SHA-256";
            return HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256 and SHA-512", e);
        }
    }
}
