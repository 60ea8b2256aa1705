package org.codomyrmex.policy.input.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.codomyrmex.policy.input.image.ImageLoaderTest.fixture;
import static org.codomyrmex.policy.input.image.ImageLoaderTest.map;
import static org.codomyrmex.policy.input.image.ImageLoaderTest.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken and hostile images: each problem is a located diagnostic, what could be read is still returned. */
class ImageLoaderErrorsTest {
    static final String LAYER0 = "a914b1763955d84f0a4942b634a3352b1c28f53bc2a214d0b26dc8b06378c485";
    static final String LAYER1 = "a7efdb1fa130fb68d552d0ced44181fc3ab70190ba74dc0b709b8d65d3246c26";
    static final String CONFIG = "0c1d738f6134c825af8cb2cab4015dee5c7849cb4e3f70038c24fd4c882aaaac";

    @TempDir
    Path tmp;

    LoadResult load(Path path, ImageLimits limits) {
        return new ImageLoader().load(InputSource.ofPath(path.getFileName().toString(), path), LoadOptions.defaults().withImageLimits(limits));
    }

    LoadResult load(Path path) {
        return load(path, ImageLimits.defaults());
    }

    static Diagnostic only(LoadResult r, String code) {
        List<Diagnostic> found = r.diagnostics().stream().filter(d -> d.code().equals(code)).toList();
        assertEquals(1, found.size(), () -> code + " in " + r.diagnostics());
        return found.get(0);
    }

    /** A copy of the umoci layout that a test may damage. */
    Path layoutCopy() throws IOException {
        Path from = fixture("app-oci");
        Path to = tmp.resolve("app-oci");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target); else Files.copy(p, target);
            }
        }
        return to;
    }

    Path blob(Path layout, String hex) {
        return layout.resolve("blobs/sha256/" + hex);
    }

    /** `docker inspect CONTAINER` looks like an image's inspect; read as one, its HostConfig would be ignored. */
    @Test
    void theInspectOfAContainerIsRefusedNotReadAsAnImage() throws IOException {
        Path file = tmp.resolve("web-inspect.json");
        Files.writeString(file, """
            [
              {
                "Id": "4f1c0e7a",
                "Image": "sha256:0c1d738f",
                "State": {"Status": "running"},
                "Config": {"User": "", "Image": "nginx:1.27"},
                "HostConfig": {"Privileged": true}
              }
            ]
            """);
        LoadResult r = load(file);
        assertEquals(List.of(), r.documents());
        Diagnostic d = only(r, "I4043");
        assertTrue(d.isError());
        assertEquals(2, d.span().line());
        assertTrue(d.message().contains("of a container"), d.message());
        Files.writeString(file, "{\"Id\": \"4f1c\", \"State\": {}, \"Config\": {}, \"HostConfig\": {}}\n");
        assertEquals(1, only(load(file), "I4043").span().line());
    }

    @Test
    void digestMismatchIsReportedAtTheManifestDescriptor() throws IOException {
        Path layout = layoutCopy();
        // One changed byte in the gzip header's MTIME field: the layer still decompresses, but its hash differs.
        byte[] bytes = Files.readAllBytes(blob(layout, LAYER1));
        byte[] altered = Arrays.copyOf(bytes, bytes.length);
        altered[4] ^= 0x01;
        Files.write(blob(layout, LAYER1), altered);
        LoadResult r = load(layout);
        Diagnostic d = only(r, "I4011");
        assertTrue(d.isError());
        assertTrue(d.span().file().endsWith("d1cdb4a6e9ea4d5fea8a6378bc5a466404debe3adcafb696527f258cf7751696"), d.span().toString());
        assertTrue(d.span().isKnown());
        assertEquals(1, r.documents().size());
    }

    @Test
    void configDigestMismatch() throws IOException {
        Path layout = layoutCopy();
        String text = Files.readString(blob(layout, CONFIG)).replace("1000:1000", "0000:1000");
        Files.writeString(blob(layout, CONFIG), text);
        LoadResult r = load(layout);
        Diagnostic d = only(r, "I4011");
        assertTrue(d.message().startsWith("config blob"), d.message());
        // The tampered config is still read, so rules can see what it claims.
        assertEquals("0000:1000", str(ImageLoaderTest.at(r.documents().get(0).view("image"), "config", "user")));
    }

    @Test
    void missingBlob() throws IOException {
        Path layout = layoutCopy();
        Files.delete(blob(layout, LAYER0));
        LoadResult r = load(layout);
        Diagnostic d = only(r, "I4010");
        assertTrue(d.message().contains("is missing"), d.message());
        assertTrue(d.span().isKnown());
        Document doc = r.documents().get(0);
        List<Value> layers = ((Value.ListV) doc.view("layers")).items();
        assertEquals(org.codomyrmex.policy.model.Values.NULL, map(layers.get(0)).get("files"));
        // The second layer is still read.
        assertTrue(ImageLoaderTest.file(doc.view("files"), "/etc/app/config.yaml").isPresent());
        assertEquals(List.of(), SchemaConformance.violations(doc));
    }

    @Test
    void truncatedGzipLayer() throws IOException {
        Path layout = layoutCopy();
        byte[] bytes = Files.readAllBytes(blob(layout, LAYER0));
        Files.write(blob(layout, LAYER0), Arrays.copyOf(bytes, bytes.length / 2));
        LoadResult r = load(layout);
        Diagnostic d = only(r, "I4023");
        assertTrue(d.message().contains("gzip layer is corrupt or truncated"), d.message());
        List<Value> layers = ((Value.ListV) r.documents().get(0).view("layers")).items();
        assertEquals(org.codomyrmex.policy.model.Values.FALSE, map(layers.get(0)).get("complete"));
    }

    @Test
    void badGzipHeader() throws IOException {
        Path layout = layoutCopy();
        byte[] bytes = Files.readAllBytes(blob(layout, LAYER0));
        bytes[2] = 0x07; // compression method other than deflate
        Files.write(blob(layout, LAYER0), bytes);
        LoadResult r = load(layout);
        assertTrue(only(r, "I4023").isError());
    }

    @Test
    void symlinkLoopInTheLayout() throws IOException {
        Path layout = layoutCopy();
        Files.delete(blob(layout, LAYER0));
        Files.createSymbolicLink(blob(layout, LAYER0), blob(layout, LAYER0).getFileName());
        LoadResult r = load(layout);
        Diagnostic d = only(r, "I4010");
        assertTrue(d.message().contains("symlink loop"), d.message());
    }

    @Test
    void symlinkLeavingTheLayoutIsNotFollowed() throws IOException {
        Path layout = layoutCopy();
        Path outside = tmp.resolve("outside.json");
        Files.writeString(outside, "{}");
        Files.delete(blob(layout, CONFIG));
        Files.createSymbolicLink(blob(layout, CONFIG), outside);
        LoadResult r = load(layout);
        Diagnostic d = only(r, "I4010");
        assertTrue(d.message().contains("outside the layout"), d.message());
        assertTrue(r.documents().isEmpty());
    }

    @Test
    void truncatedDockerSaveTarball() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("app-docker.tar"));
        Path cut = tmp.resolve("cut.tar");
        Files.write(cut, Arrays.copyOf(bytes, 13_000));
        LoadResult r = load(cut);
        assertEquals("cut.tar", only(r, "I4009").span().file());
        assertEquals(1, r.diagnostics().size(), r.diagnostics()::toString);
        assertTrue(r.documents().isEmpty());
        // Cut inside an entry header: commons-compress itself refuses the archive.
        Path cut2 = tmp.resolve("cut2.tar");
        Files.write(cut2, Arrays.copyOf(bytes, 5000));
        assertTrue(only(load(cut2), "I4004").message().contains("Truncated TAR archive"));
    }

    @Test
    void truncatedOciArchiveStillReportsEveryImageItCouldRead() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("app-oci-archive.tar"));
        Path cut = tmp.resolve("cut-oci.tar");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1024));
        LoadResult r = load(cut);
        only(r, "I4009");
        assertEquals(1, r.documents().size());
    }

    /**
     * `docker save | zstd` (or xz, bzip2) was read as JSON and reported as "invalid UTF-8"; like a gzip-compressed
     * archive, it now says what it is and how to decompress it.
     */
    @Test
    void aCompressedArchiveSaysHowToDecompressIt() throws IOException {
        byte[][] heads = {{0x1F, (byte) 0x8B, 8, 0}, {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0},
            {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 0}, {'B', 'Z', 'h', '9', '1', 'A', 'Y'}};
        String[] hints = {"gunzip", "zstd -d", "unxz", "bunzip2"};
        for (int i = 0; i < heads.length; i++) {
            Path file = tmp.resolve("image" + i + ".tar.x");
            Files.write(file, heads[i]);
            LoadResult r = load(file);
            Diagnostic d = only(r, "I4005");
            assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
            assertTrue(d.hint().orElseThrow().contains(hints[i]), d.hint().toString());
        }
    }

    @Test
    void tarWithoutImageMetadata() throws IOException {
        Path tar = tmp.resolve("plain.tar");
        Files.write(tar, tar(t -> file(t, "hello.txt", "hi\n", 0644)));
        LoadResult r = load(tar);
        assertEquals("I4006", r.diagnostics().get(0).code());
        assertTrue(r.documents().isEmpty());
    }

    /** An archive or layout that names no image gave no document and no word about it. */
    @Test
    void anArchiveOrLayoutNamingNoImageSaysSo() throws IOException {
        Path tar = tmp.resolve("empty-save.tar");
        Files.write(tar, tar(t -> file(t, "manifest.json", "[]\n", 0644)));
        LoadResult r = load(tar);
        assertTrue(r.documents().isEmpty());
        assertEquals("empty-save.tar!/manifest.json", only(r, "I4039").span().file());
        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());

        Path dir = layout(tar(t -> file(t, "a.txt", "a\n", 0644)));
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\": 2,\n \"manifests\": []}");
        LoadResult empty = load(dir);
        assertTrue(empty.documents().isEmpty());
        assertEquals(2, only(empty, "I4039").span().line());
        assertEquals(1, empty.diagnostics().size(), empty.diagnostics().toString());
    }

    /** An index item that is not a descriptor object was skipped without a word. */
    @Test
    void anIndexItemThatIsNotADescriptorIsALocatedError() throws IOException {
        Path dir = layout(tar(t -> file(t, "a.txt", "a\n", 0644)));
        String index = Files.readString(dir.resolve("index.json"));
        Files.writeString(dir.resolve("index.json"), index.replace("\"manifests\":[", "\"manifests\":[\n\"sha256:abc\","));
        LoadResult r = load(dir);
        assertEquals(1, r.documents().size());
        Diagnostic d = only(r, "I4040");
        assertEquals(2, d.span().line());
        assertEquals(1, d.span().column());
        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
    }

    /**
     * A docker save manifest.json whose Layers item is not a path, or which lists fewer layers than the config's
     * diff_ids, lost layers without a word (an OCI manifest says so with I4034).
     */
    @Test
    void dockerSaveLayersThatDoNotMatchTheConfigAreReported() throws IOException {
        Path oci = fixture("app-oci");
        String manifest = "[{\"Config\":\"blobs/sha256/" + CONFIG + "\",\"RepoTags\":[\"example/app:1.0\"],\n"
            + "\"Layers\":[\"blobs/sha256/" + LAYER0 + "\", 7]}]";
        Path tar = tmp.resolve("short.tar");
        Files.write(tar, tar(t -> {
            for (String hex : List.of(CONFIG, LAYER0)) {
                file(t, "blobs/sha256/" + hex, Files.readAllBytes(oci.resolve("blobs/sha256/" + hex)), 0644);
            }
            file(t, "manifest.json", manifest, 0644);
        }));
        LoadResult r = load(tar);
        assertEquals(1, r.documents().size());
        Diagnostic notAPath = only(r, "I4035");
        assertEquals(2, notAPath.span().line());
        assertEquals(92, notAPath.span().column());
        Diagnostic count = only(r, "I4034");
        assertEquals("manifest.json lists 1 layers but the config's rootfs lists 2 diff_ids", count.message());
        assertEquals(2, count.span().line());
        assertEquals(2, r.diagnostics().size(), r.diagnostics().toString());
    }

    /** 20,000 copies of one manifest.json entry (a 6 MB archive) ran the scan out of memory. */
    @Test
    void dockerSaveEntriesRepeatedOverAndOverAreBounded() throws IOException {
        Path oci = fixture("app-oci");
        String entry = "{\"Config\":\"blobs/sha256/" + CONFIG + "\",\"RepoTags\":[\"example/app:%s\"],"
            + "\"Layers\":[\"blobs/sha256/" + LAYER0 + "\",\"blobs/sha256/" + LAYER1 + "\"]}";
        String repeated = "[" + String.join(",\n", java.util.Collections.nCopies(20_000, entry.formatted("1.0"))) + "]";
        StringBuilder named = new StringBuilder("[");
        for (int i = 0; i < 30; i++) named.append(i == 0 ? "" : ",\n").append(entry.formatted(i));
        named.append("]");
        for (String manifest : List.of(repeated, named.toString())) {
            Path tar = tmp.resolve("many.tar");
            Files.write(tar, tar(t -> {
                for (String hex : List.of(CONFIG, LAYER0, LAYER1)) {
                    file(t, "blobs/sha256/" + hex, Files.readAllBytes(oci.resolve("blobs/sha256/" + hex)), 0644);
                }
                file(t, "manifest.json", manifest, 0644);
            }));
            LoadResult r = load(tar, ImageLimits.defaults().withMaxManifests(20));
            if (manifest == repeated) {
                assertEquals(List.of(), r.diagnostics());
                assertEquals(1, r.documents().size());
            } else {
                Diagnostic d = only(r, "I4042");
                assertEquals(21, d.span().line());
                assertEquals(20, r.documents().size());
            }
        }
    }

    /** Docker 25+ writes an OCI layout and a manifest.json whose paths point into blobs/. */
    @Test
    void newerDockerSaveWithBothManifestAndLayout() throws IOException {
        Path oci = fixture("app-oci");
        String manifest = "[{\"Config\":\"blobs/sha256/" + CONFIG + "\",\"RepoTags\":[\"example/app:1.0\"],"
            + "\"Layers\":[\"blobs/sha256/" + LAYER0 + "\",\"blobs/sha256/" + LAYER1 + "\"]}]";
        Path tar = tmp.resolve("docker25.tar");
        Files.write(tar, tar(t -> {
            file(t, "oci-layout", Files.readAllBytes(oci.resolve("oci-layout")), 0644);
            file(t, "index.json", Files.readAllBytes(oci.resolve("index.json")), 0644);
            for (String hex : List.of(CONFIG, LAYER0, LAYER1, "d1cdb4a6e9ea4d5fea8a6378bc5a466404debe3adcafb696527f258cf7751696")) {
                file(t, "blobs/sha256/" + hex, Files.readAllBytes(oci.resolve("blobs/sha256/" + hex)), 0644);
            }
            file(t, "manifest.json", manifest, 0644);
        }));
        LoadResult r = load(tar);
        assertEquals(List.of(), r.diagnostics());
        Document d = r.documents().get(0);
        ImageLoaderTest.assertBuiltImage(d);
        assertEquals("docker-archive+oci", str(ImageLoaderTest.at(d.view("image"), "format")));
        assertEquals("sha256:" + LAYER0, str(map(((Value.ListV) d.view("layers")).items().get(0)).get("digest")));
        assertEquals("example/app:1.0", d.resource().name());
    }

    @Test
    void pathsFromManifestJsonCannotLeaveTheArchive() throws IOException {
        Path tar = tmp.resolve("evil.tar");
        Files.write(tar, tar(t -> file(t, "manifest.json",
            "[{\"Config\":\"../../etc/passwd\",\"RepoTags\":[],\"Layers\":[]}]", 0644)));
        LoadResult r = load(tar);
        Diagnostic d = only(r, "I4010");
        assertTrue(d.message().contains("climbs out"), d.message());
        assertEquals("evil.tar!/manifest.json", d.span().file());
        assertEquals(1, d.span().line());
        assertEquals(12, d.span().column());
    }

    @Test
    void malformedDigestIsNotUsedAsAPath() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "layout");
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[\n"
            + "  {\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:../../../etc/passwd\",\"size\":1}]}");
        LoadResult r = load(dir);
        Diagnostic d = only(r, "I4014");
        assertEquals(2, d.span().line());
        assertTrue(r.documents().isEmpty());
    }

    @Test
    void nestedImageIndexIsFollowed() throws IOException {
        Path dir = layout(tar(t -> file(t, "a.txt", "a\n", 0644)));
        String inner = Files.readString(dir.resolve("index.json")).replace("{\"schemaVersion\":2,",
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",");
        byte[] innerBytes = inner.getBytes(StandardCharsets.UTF_8);
        String innerHex = write(dir, innerBytes);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + innerHex + "\",\"size\":"
            + innerBytes.length + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/a:1\"}}]}");
        LoadResult r = load(dir);
        assertEquals(List.of(), r.diagnostics());
        assertEquals(1, r.documents().size());
        assertTrue(ImageLoaderTest.file(r.documents().get(0).view("files"), "/a.txt").isPresent());
        assertEquals("docker.io/library/a:1", r.documents().get(0).resource().name());
    }

    /**
     * Nested indexes can list one blob many times: three levels of 40 made 64,000 images of a few KiB of JSON and
     * the scan ran for minutes. The same manifest under the same name is read once, and a layout naming more
     * manifests than the limit is a located error, the rest not read.
     */
    @Test
    void indexesListingBlobsOverAndOverAreBounded() throws IOException {
        Path dir = layoutCopy();
        String manifest = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + ImageLoaderTest.MANIFEST + "\",\"size\":499}";
        String current = manifest;
        for (int level = 0; level < 3; level++) {
            byte[] index = ("{\"schemaVersion\":2,\"manifests\":[" + String.join(",", java.util.Collections.nCopies(40, current))
                + "]}").getBytes(StandardCharsets.UTF_8);
            current = "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + write(dir, index)
                + "\",\"size\":" + index.length + "}";
        }
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + current + "]}");
        LoadResult r = load(dir);
        assertEquals(List.of(), r.diagnostics());
        assertEquals(1, r.documents().size());

        // 40 names for one index, each naming its 40 entries again: more manifests than the limit allows.
        StringBuilder named = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            if (i > 0) named.append(',');
            named.append(current, 0, current.length() - 1).append(",\"annotations\":{\"io.containerd.image.name\":\"a:")
                .append(i).append("\"}}");
        }
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[\n" + named + "]}");
        LoadResult bounded = load(dir, ImageLimits.defaults().withMaxManifests(20));
        Diagnostic d = only(bounded, "I4042");
        assertTrue(d.isError());
        assertEquals(2, d.span().line());
        assertTrue(bounded.documents().size() <= 20, () -> bounded.documents().size() + " documents");
    }

    /**
     * A multi-platform image (docker buildx --output type=oci, skopeo copy --all) is one index of a manifest per
     * platform under one name: each platform's image is named with its platform, from the index descriptor or,
     * without one, from its config, so findings say which platform they are about and are not duplicates.
     */
    @Test
    void eachPlatformOfAMultiPlatformIndexIsNamedWithItsPlatform() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "layout");
        Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] layerTar = tar(t -> file(t, "a.txt", "a\n", 0644));
        byte[] layer = gzip(layerTar);
        String layerHex = write(dir, layer);
        StringBuilder descriptors = new StringBuilder();
        String[][] platforms = {{"amd64", "", "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}"},
            {"arm64", "v8", "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}"},
            {"arm", "v7", null}};
        for (String[] p : platforms) {
            byte[] config = ("{\"architecture\":\"" + p[0] + "\",\"os\":\"linux\"" + (p[1].isEmpty() ? "" : ",\"variant\":\"" + p[1] + "\"")
                + ",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + sha256(layerTar) + "\"]}}").getBytes(StandardCharsets.UTF_8);
            String configHex = write(dir, config);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + configHex + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
                + layerHex + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
            String manifestHex = write(dir, manifest);
            if (descriptors.length() > 0) descriptors.append(',');
            descriptors.append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:")
                .append(manifestHex).append("\",\"size\":").append(manifest.length).append(p[2] == null ? "" : "," + p[2]).append('}');
        }
        byte[] inner = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + descriptors + "]}").getBytes(StandardCharsets.UTF_8);
        String innerHex = write(dir, inner);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + innerHex + "\",\"size\":"
            + inner.length + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/a:1\"}}]}");
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        LoadResult r = load(dir);
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of("docker.io/library/a:1 (linux/amd64)", "docker.io/library/a:1 (linux/arm64/v8)",
                "docker.io/library/a:1 (linux/arm/v7)"),
            r.documents().stream().map(d -> d.resource().name()).toList());

        // One image alone keeps its plain name.
        LoadResult single = load(layout(tar(t -> file(t, "a.txt", "a\n", 0644))));
        assertEquals(1, single.documents().size());
        assertTrue(!single.documents().get(0).resource().name().contains("("), single.documents().get(0).resource().name());
    }

    /**
     * cosign and oras store signatures and SBOMs in the layout beside the image; they are not images, so they
     * must not become image documents (a signature's empty run config made "sets no USER" findings).
     */
    @Test
    void artifactsBesideTheImageAreNotImages() throws IOException {
        Path dir = layout(tar(t -> file(t, "a.txt", "a\n", 0644)));
        String index = Files.readString(dir.resolve("index.json"));
        byte[] signature = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
        String signatureHex = write(dir, signature);
        byte[] sigConfig = ("{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
            + "\"diff_ids\":[\"sha256:" + signatureHex + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String sigConfigHex = write(dir, sigConfig);
        byte[] cosign = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
            + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + sigConfigHex
            + "\",\"size\":" + sigConfig.length + "},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
            + "\"digest\":\"sha256:" + signatureHex + "\",\"size\":" + signature.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String cosignHex = write(dir, cosign);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        String emptyHex = write(dir, empty);
        byte[] sbom = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"artifactType\":\"application/spdx+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
            + "\"digest\":\"sha256:" + emptyHex + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/spdx+json\","
            + "\"digest\":\"sha256:" + signatureHex + "\",\"size\":" + signature.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String sbomHex = write(dir, sbom);
        String artifacts = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + cosignHex
            + "\",\"size\":" + cosign.length + "},{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
            + sbomHex + "\",\"size\":" + sbom.length + "}";
        Files.writeString(dir.resolve("index.json"), index.replace("\"manifests\":[", "\"manifests\":[" + artifacts + ","));
        LoadResult r = load(dir);
        assertEquals(List.of(), r.diagnostics());
        assertEquals(1, r.documents().size());
        assertTrue(ImageLoaderTest.file(r.documents().get(0).view("files"), "/a.txt").isPresent());

        // A layout of artifacts only says that it holds no image, at the first artifact's descriptor.
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[\n" + artifacts + "]}");
        LoadResult onlyArtifacts = load(dir);
        assertTrue(onlyArtifacts.documents().isEmpty());
        Diagnostic d = only(onlyArtifacts, "I4038");
        assertEquals(2, d.span().line());
        assertEquals(1, onlyArtifacts.diagnostics().size(), onlyArtifacts.diagnostics().toString());
    }

    // ---------------------------------------------------------------- hostile layers, built here

    @Test
    void pathTraversalAndAbsolutePathsAreSkipped() throws IOException {
        byte[] layer = tar(t -> {
            file(t, "../../etc/cron.d/evil", "* * * * * root sh\n", 0644);
            file(t, "/etc/absolute", "x\n", 0644);
            file(t, "ok/../fine.txt", "fine\n", 0644);
        });
        LoadResult r = load(layout(layer));
        assertTrue(only(r, "I4026").message().contains("../../etc/cron.d/evil"));
        assertTrue(only(r, "I4025").message().contains("/etc/absolute"));
        Value files = r.documents().get(0).view("files");
        assertEquals(1, ((Value.ListV) files).items().size());
        assertEquals("fine\n", str(ImageLoaderTest.file(files, "/fine.txt").orElseThrow().get("content")));
    }

    @Test
    void decompressionBombStops() throws IOException {
        byte[] zeros = new byte[4 * 1024 * 1024];
        byte[] layer = tar(t -> file(t, "bomb.bin", zeros, 0644));
        LoadResult r = load(layout(layer), ImageLimits.defaults().withCompressionRatio(50, 1024 * 1024));
        Diagnostic d = only(r, "I4022");
        assertTrue(d.message().contains("decompression ratio"), d.message());
    }

    @Test
    void totalUncompressedBytesAreBounded() throws IOException {
        byte[] layer = tar(t -> file(t, "big.bin", new byte[300_000], 0644));
        LoadResult r = load(layout(layer), ImageLimits.defaults().withMaxUncompressedBytes(100_000));
        assertTrue(only(r, "I4022").message().contains("more than 100000 uncompressed bytes"));
    }

    @Test
    void entryCountIsBounded() throws IOException {
        byte[] layer = tar(t -> {
            for (int i = 0; i < 20; i++) file(t, "f" + i, "", 0644);
        });
        LoadResult r = load(layout(layer), ImageLimits.defaults().withMaxEntries(5));
        only(r, "I4021");
        assertEquals(5, ((Value.ListV) r.documents().get(0).view("files")).items().size());
    }

    @Test
    void aCorruptZstdLayerIsALocatedError() throws IOException {
        byte[] zstdMagic = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0, 0, 0, 0};
        LoadResult r = load(layoutRaw(zstdMagic, "application/vnd.oci.image.layer.v1.tar+zstd"));
        assertTrue(only(r, "I4023").message().contains("zstd layer is corrupt or truncated"), r.diagnostics().toString());
    }

    @Test
    void opaqueWhiteoutAndBinaryFiles() throws IOException {
        byte[] lower = tar(t -> {
            file(t, "etc/app/a.conf", "a\n", 0644);
            file(t, "etc/app/b.conf", "b\n", 0644);
            file(t, "bin/tool", new byte[] {0x7F, 'E', 'L', 'F', 0, 1}, 0755);
        });
        byte[] upper = tar(t -> {
            file(t, "etc/app/.wh..wh..opq", "", 0);
            file(t, "etc/app/c.conf", "c\n", 0644);
            file(t, "etc/app/setgid", "x\n", 02755);
        });
        LoadResult r = load(layout(lower, upper));
        assertEquals(List.of(), r.diagnostics());
        Document d = r.documents().get(0);
        assertEquals(List.of(), SchemaConformance.violations(d));
        List<String> paths = ((Value.ListV) d.view("files")).items().stream().map(f -> str(map(f).get("path"))).toList();
        assertEquals(List.of("/bin/tool", "/etc/app/c.conf", "/etc/app/setgid"), paths);
        assertEquals(org.codomyrmex.policy.model.Values.NULL, ImageLoaderTest.file(d.view("files"), "/bin/tool").orElseThrow().get("content"));
        assertTrue(org.codomyrmex.policy.model.Values.isTrue(ImageLoaderTest.file(d.view("files"), "/etc/app/setgid").orElseThrow().get("setgid")));
    }

    // ---------------------------------------------------------------- helpers

    interface TarWriter {
        void write(TarArchiveOutputStream t) throws IOException;
    }

    static byte[] tar(TarWriter writer) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
                t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                writer.write(t);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void file(TarArchiveOutputStream t, String name, String text, int mode) throws IOException {
        file(t, name, text.getBytes(StandardCharsets.UTF_8), mode);
    }

    static void file(TarArchiveOutputStream t, String name, byte[] bytes, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(bytes.length);
        e.setMode(mode);
        t.putArchiveEntry(e);
        t.write(bytes);
        t.closeArchiveEntry();
    }

    static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(out)) {
                g.write(bytes);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An OCI layout with the given uncompressed layer tars, gzip-compressed, with correct digests. */
    Path layout(byte[]... tars) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "layout");
        Files.createDirectories(dir.resolve("blobs/sha256"));
        StringBuilder layers = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (byte[] tar : tars) {
            byte[] gz = gzip(tar);
            String hex = write(dir, gz);
            if (layers.length() > 0) { layers.append(','); diffIds.append(','); }
            layers.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:")
                .append(hex).append("\",\"size\":").append(gz.length).append('}');
            diffIds.append("\"sha256:").append(sha256(tar)).append('"');
        }
        return finishLayout(dir, layers.toString(), diffIds.toString());
    }

    /** An OCI layout with one layer blob stored as given. */
    Path layoutRaw(byte[] blob, String mediaType) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "layout");
        Files.createDirectories(dir.resolve("blobs/sha256"));
        String hex = write(dir, blob);
        String layers = "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"sha256:" + hex + "\",\"size\":" + blob.length + "}";
        return finishLayout(dir, layers, "\"sha256:" + "0".repeat(64) + "\"");
    }

    private Path finishLayout(Path dir, String layers, String diffIds) throws IOException {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
        String configHex = write(dir, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
            + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + configHex + "\",\"size\":"
            + config.length + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestHex = write(dir, manifest);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifestHex + "\",\"size\":"
            + manifest.length + "}]}");
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return dir;
    }

    private static String write(Path dir, byte[] blob) throws IOException {
        String hex = sha256(blob);
        Files.write(dir.resolve("blobs/sha256/" + hex), blob);
        return hex;
    }

    /** A config field of the wrong JSON type is a located error, and the views read it as absent, not as itself. */
    @Test
    void configFieldsOfTheWrongTypeAreLocatedErrors() throws IOException {
        Path file = tmp.resolve("inspect.json");
        Files.writeString(file, """
            [{"Id": "sha256:%s",
              "Config": {"User": 5, "Env": ["A=1", 7, null], "Entrypoint": "sh", "Cmd": {"x": 1},
                         "ExposedPorts": ["22/tcp"], "Labels": {"a": "b", "n": 3}, "WorkingDir": null}}]
            """.formatted(CONFIG));
        LoadResult r = load(file);
        assertEquals(List.of(
                "inspect.json:2:22: 'User' in the image config must be a string, found an int; rules see it as absent",
                "inspect.json:2:40: each item of 'Env' must be a string, found an int; rules see it as absent",
                "inspect.json:2:77: 'Cmd' in the image config must be a list of strings, found a map; rules see it as absent",
                "inspect.json:3:30: 'ExposedPorts' in the image config must be an object, found a list; rules see it as absent",
                "inspect.json:3:68: label 'n' must be a string, found an int; rules see it as absent"),
            r.diagnostics().stream().map(d -> d.span().file() + ":" + d.span().line() + ":" + d.span().column() + ": " + d.message()).toList());
        assertTrue(r.diagnostics().stream().allMatch(d -> d.code().equals("I4037")));
        Document doc = r.documents().get(0);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        Value config = ((Value.MapV) doc.view("image")).get("config");
        assertTrue(((Value.MapV) config).get("user") instanceof Value.Null, config.toString());
    }
}
