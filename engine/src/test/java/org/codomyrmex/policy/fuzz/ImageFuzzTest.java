package org.codomyrmex.policy.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.image.ImageLimits;
import org.codomyrmex.policy.input.image.ImageLoader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The image reader on damaged archives and on generated ones whose layers hold hostile entries: paths with
 * {@code ../}, absolute paths, links out of the root, huge names, gzip bombs. Nothing is extracted; the reader
 * returns, and each problem is located.
 */
class ImageFuzzTest {
    static final List<byte[]> ARCHIVES = List.of(read("app-docker.tar"), read("app-oci-archive.tar"));
    static final List<String> JSON = Fuzz.texts(Fuzz.endsWith(".json"), "engine/src/test/resources/image");
    /** Small limits, so that bombs and floods are reached within a fuzz budget. */
    static final ImageLimits LIMITS = ImageLimits.defaults().withMaxUncompressedBytes(4L << 20).withMaxEntries(2_000)
        .withCompressionRatio(50, 64 * 1024);

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(Fuzz.REPO.resolve("engine/src/test/resources/image").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> damagedArchives() {
        return Combinators.combine(Arbitraries.of(ARCHIVES), Arbitraries.longs(), Arbitraries.integers().between(1, 6))
            .as((seed, random, edits) -> Fuzz.mutateBytes(seed, new Random(random), edits));
    }

    @Provide
    Arbitrary<String> damagedJson() {
        return Fuzz.mutated(JSON, InputFuzzTest.JSON_TOKENS);
    }

    /** One layer entry: a name from a hostile pool, a type, and a size. */
    record Entry(String name, byte type, String link, int size) {
    }

    @Provide
    Arbitrary<List<Entry>> layers() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("etc/passwd", "./etc/shadow", "../../etc/passwd", "/etc/passwd",
                "a/../../b", "usr/bin/sudo", "usr/local/bin/suid", "app/", "./", "..", "a/./b/../c", ".wh.etc", "etc/.wh..wh..opq",
                "x".repeat(5000), "dir/\u0000nul", "ünïcødé/😀", "C:\\windows\\system32"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(20));
        Arbitrary<Byte> types = Arbitraries.of(TarConstants.LF_NORMAL, TarConstants.LF_DIR, TarConstants.LF_SYMLINK,
            TarConstants.LF_LINK, TarConstants.LF_FIFO, TarConstants.LF_CHR);
        Arbitrary<String> links = Arbitraries.of("../../../../etc/passwd", "/etc/passwd", "etc/passwd", "loop", ".", "");
        Arbitrary<Integer> sizes = Arbitraries.integers().between(0, 3000);
        return Combinators.combine(names, types, links, sizes).as(Entry::new).list().ofMaxSize(25);
    }

    @Property
    void damagedArchivesAreReadOrLocated(@ForAll("damagedArchives") byte[] bytes) {
        check(InputSource.ofBytes("image.tar", bytes), "image.tar");
    }

    @Property
    void damagedImageJsonIsReadOrLocated(@ForAll("damagedJson") String text) {
        check(InputSource.ofText("image.json", text), "image.json");
    }

    @Property
    void hostileLayersAreReadOrLocated(@ForAll("layers") List<Entry> entries, @ForAll boolean gzip, @ForAll boolean bomb) {
        check(InputSource.ofBytes("save.tar", dockerSave(layer(entries, bomb), gzip)), "save.tar");
    }

    static void check(InputSource source, String file) {
        LoadResult r = Fuzz.run("image", () -> new ImageLoader().load(source, LoadOptions.defaults().withImageLimits(LIMITS)));
        net.jqwik.api.statistics.Statistics.collect(r.documents().isEmpty() ? "no image" : "image read");
        for (Diagnostic d : r.diagnostics()) {
            // I4004 carries the library's message for a corrupt archive; a Java bug's message must not be among them.
            assertFalse(d.message().contains("Cannot invoke") || d.message().contains("out of bounds")
                || d.message().contains("cannot be cast"), d.headline());
        }
        Fuzz.run("evaluate", () -> {
            Fuzz.assertLoadsAndEvaluates(r, file);
            return null;
        });
    }

    static byte[] layer(List<Entry> entries, boolean bomb) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(e.name().replace("\u0000", "_"), e.type(), true);
                boolean data = e.type() == TarConstants.LF_NORMAL && !t.isDirectory();
                if (!data) t.setLinkName(e.link());
                t.setMode(e.size() % 2 == 0 ? 04755 : 0644);
                t.setSize(data ? e.size() : 0);
                tar.putArchiveEntry(t);
                if (data) tar.write(("#!/bin/sh\n" + "x".repeat(e.size())).substring(0, e.size()).getBytes(StandardCharsets.UTF_8));
                tar.closeArchiveEntry();
            }
            if (bomb) {
                TarArchiveEntry zeros = new TarArchiveEntry("zeros");
                zeros.setSize(2L << 20);
                tar.putArchiveEntry(zeros);
                byte[] block = new byte[1 << 16];
                for (int i = 0; i < 32; i++) tar.write(block);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] dockerSave(byte[] layer, boolean gzip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            byte[] blob = layer;
            if (gzip) {
                ByteArrayOutputStream z = new ByteArrayOutputStream();
                try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                    g.write(layer);
                }
                blob = z.toByteArray();
            }
            put(tar, "manifest.json", "[{\"Config\":\"config.json\",\"RepoTags\":[\"fuzz:1\"],\"Layers\":[\"layer.tar\"]}]"
                .getBytes(StandardCharsets.UTF_8));
            put(tar, "config.json", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"root\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8));
            put(tar, "layer.tar", blob);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
