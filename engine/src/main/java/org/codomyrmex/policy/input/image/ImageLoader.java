package org.codomyrmex.policy.input.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputLoader;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.json.JsonLoader;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads container image metadata, recognizing the input by itself: an OCI image layout directory, a tar
 * ({@code docker save}, also with the OCI layout newer Docker adds, or an {@code oci-archive}), or JSON
 * (docker/podman/skopeo inspect, an OCI image config, Trivy, Grype, CycloneDX). Each image becomes one
 * document of kind {@link InputKind#IMAGE}; nothing is ever extracted to disk. What is read is bounded by
 * {@link LoadOptions#imageLimits()}.
 */
public final class ImageLoader implements InputLoader {

    @Override
    public InputKind kind() {
        return InputKind.IMAGE;
    }

    @Override
    public LoadResult load(InputSource source, LoadOptions options) {
        ImageLimits limits = options.imageLimits();
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<ImageFacts> images = new ArrayList<>();
        Span start = Span.of(source.name(), 1, 1);
        try {
            if (source.path().isPresent() && Files.isDirectory(source.path().get())) {
                BlobStore store = new BlobStore.Directory(source.path().get(), source.name());
                images.addAll(new ImageArchive(store, limits, diagnostics).readLayout("oci-layout"));
            } else if (source.path().isPresent() && isTar(source.path().get())) {
                try (TarFile tar = new TarFile(source.path().get())) {
                    images.addAll(archive(tar, Files.size(source.path().get()), source.name(), limits, diagnostics));
                }
            } else {
                byte[] bytes = read(source, options, diagnostics);
                if (bytes == null) return new LoadResult(List.of(), diagnostics);
                if (isTar(bytes)) {
                    try (TarFile tar = new TarFile(bytes)) {
                        images.addAll(archive(tar, bytes.length, source.name(), limits, diagnostics));
                    }
                } else if (compression(bytes) != null) {
                    String[] c = compression(bytes);
                    diagnostics.add(Diagnostic.error("I4005", "a " + c[0] + "-compressed file: not read", start,
                        "decompress a compressed `docker save` archive first (" + c[1] + ")"));
                } else {
                    JsonLoader.Result json = JsonLoader.load(source.name(), bytes,
                        new JsonLoader.Options(options.maxFileBytes(), options.maxDepth(), 2_000_000));
                    diagnostics.addAll(json.diagnostics());
                    json.value().ifPresent(v -> images.addAll(ImageJson.read(v, json.source(), diagnostics)));
                }
            }
        } catch (IOException | RuntimeException e) {
            diagnostics.add(Diagnostic.error("I4004", "cannot read image archive: " + message(e), start,
                "the tar is truncated or corrupt"));
        }
        List<Document> documents = new ArrayList<>();
        for (ImageFacts f : images) {
            diagnostics.addAll(f.configTypeErrors());
            documents.add(document(f, source));
        }
        return new LoadResult(documents, diagnostics);
    }

    private static List<ImageFacts> archive(TarFile tar, long archiveBytes, String name, ImageLimits limits,
                                            List<Diagnostic> diagnostics) {
        BlobStore.Archive store = new BlobStore.Archive(tar, name);
        Span start = Span.of(name, 1, 1);
        // A complete tar ends with two zero blocks after its last entry; without them it was cut short.
        long end = 0;
        for (TarArchiveEntry e : tar.getEntries()) {
            end = Math.max(end, e.getDataOffset() + (e.getSize() + 511) / 512 * 512);
        }
        boolean truncated = archiveBytes - end < 1024;
        if (truncated) {
            diagnostics.add(Diagnostic.error("I4009", "the archive is truncated after " + archiveBytes + " bytes: entries "
                + "after the last complete one are missing", start));
        }
        if (store.size() > limits.maxEntries()) {
            diagnostics.add(Diagnostic.error("I4021", "the archive has " + store.size() + " entries, more than "
                + limits.maxEntries() + "; not read", start));
            return List.of();
        }
        ImageArchive reader = new ImageArchive(store, limits, diagnostics);
        if (store.exists("manifest.json")) {
            return reader.readDockerArchive(store.exists("oci-layout") ? "docker-archive+oci" : "docker-archive");
        }
        if (store.exists("index.json")) return reader.readLayout("oci-archive");
        if (truncated) return List.of();
        diagnostics.add(Diagnostic.error("I4006", "a tar archive without manifest.json or index.json: not an image archive",
            start, "expected the output of `docker save`, `podman save` or `skopeo copy ... docker-archive:/oci-archive:`"));
        return List.of();
    }

    private static Document document(ImageFacts f, InputSource source) {
        SourceFile text = f.source != null ? f.source : new SourceFile(source.name(), "");
        Span span = f.span.isKnown() ? f.span : Span.of(source.name(), 1, 1);
        Resource resource = new Resource(InputKind.IMAGE, "image", "", f.name(source.name()), span);
        return new Document(InputKind.IMAGE, text, f.raw, resource, List.of(), f::view);
    }

    private static byte[] read(InputSource source, LoadOptions options, List<Diagnostic> diagnostics) {
        try {
            if (source.path().isPresent()) {
                long size = Files.size(source.path().get());
                if (size > options.maxFileBytes()) {
                    diagnostics.add(Diagnostic.error("I4007", source.name() + " is " + size + " bytes, more than the limit of "
                        + options.maxFileBytes() + " for a JSON file", Span.of(source.name(), 1, 1)));
                    return null;
                }
            }
            return source.content().read();
        } catch (java.nio.file.NoSuchFileException e) {
            diagnostics.add(Diagnostic.error("I4008", "cannot read " + source.name() + ": no such file", Span.of(source.name(), 1, 1)));
            return null;
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I4008", "cannot read " + source.name() + ": " + message(e), Span.of(source.name(), 1, 1)));
            return null;
        }
    }

    /**
     * {name, command to decompress} when the bytes start with the magic of a compressor `docker save` output is
     * often piped through (they were read as JSON and reported as invalid UTF-8); null otherwise.
     */
    private static String[] compression(byte[] b) {
        if (startsWith(b, 0x1F, 0x8B)) return new String[] {"gzip", "gunzip"};
        if (startsWith(b, 0x28, 0xB5, 0x2F, 0xFD)) return new String[] {"zstd", "zstd -d"};
        if (startsWith(b, 0xFD, '7', 'z', 'X', 'Z', 0x00)) return new String[] {"xz", "unxz"};
        if (startsWith(b, 'B', 'Z', 'h')) return new String[] {"bzip2", "bunzip2"};
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... magic) {
        if (bytes.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((bytes[i] & 0xFF) != magic[i]) return false;
        return true;
    }

    /** The ustar magic at offset 257 marks a tar (GNU, POSIX and Go-written archives all carry it). */
    private static boolean isTar(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return isTar(in.readNBytes(263));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isTar(byte[] head) {
        return head.length >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a' && head[261] == 'r';
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
