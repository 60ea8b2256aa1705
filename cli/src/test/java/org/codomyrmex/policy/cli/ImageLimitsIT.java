package org.codomyrmex.policy.cli;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.codomyrmex.policy.cli.PolicyCommandIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image limits of {@code policy check} (--max-image-bytes, --max-image-entries, --max-image-ratio), on real images. */
class ImageLimitsIT {
    /** An OCI layout made with umoci: two gzip layers, about 20 tar entries, a few KiB unpacked. */
    static final String OCI_LAYOUT = "engine/src/test/resources/image/app-oci";
    /** The same image as `docker save` writes it. */
    static final String DOCKER_ARCHIVE = "engine/src/test/resources/image/app-docker.tar";

    @Test
    void theEntryLimitStopsReadingTheLayers() throws Exception {
        PolicyCommandIT.Run plain = run(null, "check", "--no-progress", "--no-config", OCI_LAYOUT);
        assertFalse(plain.err().contains("[I40"), plain.err());
        assertTrue(plain.out().contains("suidtool"), "the default limits read the whole image: " + plain.out());

        PolicyCommandIT.Run limited = run(null, "check", "--no-progress", "--no-config", "--max-image-entries", "3", OCI_LAYOUT);
        assertEquals(2, limited.exit(), limited.err());
        assertTrue(limited.err().contains("error[I4021]: layer 1 (sha256:"), limited.err());
        assertTrue(limited.err().contains("more than 3 tar entries; the rest of the image is not read"), limited.err());
    }

    @Test
    void theByteLimitStopsReadingTheLayers() throws Exception {
        PolicyCommandIT.Run plain = run(null, "check", "--no-progress", "--no-config", DOCKER_ARCHIVE);
        assertFalse(plain.err().contains("[I40"), plain.err());

        PolicyCommandIT.Run limited = run(null, "check", "--no-progress", "--no-config", "--max-image-bytes", "1000", DOCKER_ARCHIVE);
        assertEquals(2, limited.exit(), limited.err());
        assertTrue(limited.err().contains(DOCKER_ARCHIVE + "!/manifest.json:1:"), "located in the archive: " + limited.err());
        assertTrue(limited.err().contains("error[I4022]: layer 0 (") && limited.err().contains("more than 1000 uncompressed bytes"),
            limited.err());
    }

    @Test
    void theRatioLimitDecidesWhatIsADecompressionBomb(@TempDir Path dir) throws Exception {
        // 20 MiB of zeros gzip to about 20 KiB: a ratio near 1000:1, past the 16 MiB from which it is checked.
        Path layout = layoutWithOneFile(dir.resolve("zeros"), "zeros.bin", new byte[20 << 20]);
        PolicyCommandIT.Run bomb = run(null, "check", "--no-progress", "--no-config", "--no-stdlib", layout.toString());
        assertEquals(2, bomb.exit(), bomb.err());
        assertTrue(bomb.err().contains("error[I4022]") && bomb.err().contains("decompression ratio above 200:1"), bomb.err());

        PolicyCommandIT.Run allowed = run(null, "check", "--no-progress", "--no-config", "--no-stdlib",
            "--max-image-ratio", "5000", layout.toString());
        assertEquals(0, allowed.exit(), allowed.err());
        assertFalse(allowed.err().contains("I4022"), allowed.err());

        PolicyCommandIT.Run stricter = run(null, "check", "--no-progress", "--no-config", "--no-stdlib",
            "--max-image-ratio", "5000", "--max-image-bytes", String.valueOf(18 << 20), layout.toString());
        assertEquals(2, stricter.exit(), stricter.err());
        assertTrue(stricter.err().contains("more than " + (18 << 20) + " uncompressed bytes"), stricter.err());
    }

    @Test
    void badLimitValuesAreUsageErrors() throws Exception {
        for (List<String> bad : List.of(List.of("--max-image-entries", "0"), List.of("--max-image-bytes", "-5"),
            List.of("--max-image-ratio", "lots"), List.of("--max-image-bytes", "99999999999999999999"),
            List.of("--max-file-size", "0"), List.of("--max-documents", "-1"), List.of("--max-depth", "2.5"),
            List.of("--max-steps", "0"))) {
            PolicyCommandIT.Run r = run(null, "check", "--no-progress", bad.get(0), bad.get(1), OCI_LAYOUT);
            assertEquals(2, r.exit(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("Invalid value for option '" + bad.get(0) + "': '" + bad.get(1)
                + "' is not a whole number from 1 to "), bad + ": " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals("", r.out(), "nothing is checked");
        }
    }

    /** An OCI image layout with one gzip layer holding one file. */
    static Path layoutWithOneFile(Path dir, String name, byte[] content) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setMode(0644);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            tar.writeTo(out);
        }
        Files.createDirectories(dir.resolve("blobs/sha256"));
        String layer = blob(dir, gz.toByteArray());
        String config = blob(dir, ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"1000\"},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + sha256(tar.toByteArray()) + "\"]}}").getBytes(StandardCharsets.UTF_8));
        String manifest = blob(dir, ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + config + "\",\"size\":"
            + Files.size(dir.resolve("blobs/sha256/" + config)) + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
            + "\"digest\":\"sha256:" + layer + "\",\"size\":" + gz.size() + "}]}").getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifest + "\",\"size\":"
            + Files.size(dir.resolve("blobs/sha256/" + manifest)) + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
        return dir;
    }

    private static String blob(Path dir, byte[] bytes) throws IOException {
        String hex = sha256(bytes);
        Files.write(dir.resolve("blobs/sha256/" + hex), bytes);
        return hex;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
