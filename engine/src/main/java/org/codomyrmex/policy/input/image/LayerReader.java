package org.codomyrmex.policy.input.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads the file list of one layer (a tar stream, plain or gzip-compressed) without extracting anything:
 * names, types, modes, owners, sizes, link targets, whiteouts, and the text of small UTF-8 files. Every limit
 * of {@link ImageLimits} is enforced while reading; a problem ends the layer with a diagnostic at
 * {@code at} (the layer's descriptor), keeping the entries read so far.
 */
final class LayerReader {

    /** What the reader may still spend, shared by all layers of one input. */
    static final class Budget {
        final ImageLimits limits;
        long uncompressedLeft;
        long entriesLeft;
        long contentLeft;

        Budget(ImageLimits limits) {
            this.limits = limits;
            this.uncompressedLeft = limits.maxUncompressedBytes();
            this.entriesLeft = limits.maxEntries();
            this.contentLeft = limits.maxRetainedContent();
        }
    }

    /** One tar entry of a layer; {@code path} is absolute and normalized ("/etc/passwd"). */
    record Entry(String path, String type, int mode, long uid, long gid, long size, Optional<String> linkTarget,
                 Optional<String> content, int layer) {
        boolean isWhiteout() {
            return type.equals("whiteout") || type.equals("opaque");
        }
    }

    /**
     * @param complete     every entry was read and the stream reached its end
     * @param blobDigest   sha256 of the bytes as stored (compressed), when the whole blob was read
     * @param diffId       sha256 of the uncompressed tar, when the whole tar was read
     * @param compression  gzip, zstd or none
     */
    record Layer(List<Entry> entries, boolean complete, Optional<String> blobDigest, Optional<String> diffId,
                 String compression, long storedBytes) {
    }

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Budget budget;
    private final List<Diagnostic> diagnostics;
    private final Span at;
    private final String where;
    private final int layerIndex;

    private LayerReader(Budget budget, List<Diagnostic> diagnostics, Span at, String where, int layerIndex) {
        this.budget = budget;
        this.diagnostics = diagnostics;
        this.at = at;
        this.where = where;
        this.layerIndex = layerIndex;
    }

    /**
     * Reads a layer; never throws. {@code where} names the layer in messages ("layer 2 (sha256:ab12…)").
     * The caller closes {@code raw}.
     */
    static Layer read(InputStream raw, Budget budget, List<Diagnostic> diagnostics, Span at, String where, int layerIndex) {
        return new LayerReader(budget, diagnostics, at, where, layerIndex).run(raw);
    }

    private Layer run(InputStream rawIn) {
        List<Entry> entries = new ArrayList<>();
        MessageDigest blobSha = sha256();
        MessageDigest tarSha = sha256();
        String compression = "none";
        boolean complete = false;
        Counting tarBytes = null;
        Counting raw = null;
        try {
            BufferedInputStream buffered = new BufferedInputStream(rawIn, 64 * 1024);
            buffered.mark(4);
            byte[] magic = buffered.readNBytes(4);
            buffered.reset();
            raw = new Counting(buffered, blobSha, Long.MAX_VALUE, null);
            InputStream decompressed;
            if (magic.length >= 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B) {
                compression = "gzip";
                decompressed = GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true).get();
            } else if (magic.length == 4 && (magic[0] & 0xFF) == 0x28 && (magic[1] & 0xFF) == 0xB5
                && (magic[2] & 0xFF) == 0x2F && (magic[3] & 0xFF) == 0xFD) {
                compression = "zstd";
                decompressed = zstd(raw);
                if (decompressed == null) {
                    diagnostics.add(Diagnostic.warning("I4020", where + ": zstd layer not read (the zstd decoder cannot "
                        + "load on this platform); its files are missing from the file views", at));
                    return new Layer(entries, false, Optional.empty(), Optional.empty(), "zstd", 0);
                }
            } else {
                decompressed = raw;
            }
            tarBytes = new Counting(decompressed, tarSha, budget.uncompressedLeft, raw);
            TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (budget.entriesLeft-- <= 0) {
                    diagnostics.add(Diagnostic.error("I4021", where + ": more than " + budget.limits.maxEntries()
                        + " tar entries; the rest of the image is not read", at));
                    return finish(entries, false, tarBytes, raw, compression, blobSha, tarSha);
                }
                entry(e, tar).ifPresent(entries::add);
            }
            // Read the tar's end padding and any trailing bytes, so both digests cover the whole blob.
            tarBytes.drain();
            raw.drain();
            complete = true;
        } catch (Limit limit) {
            diagnostics.add(Diagnostic.error("I4022", where + ": " + limit.getMessage() + "; reading stopped", at,
                "a layer that expands this much is treated as a decompression bomb"));
        } catch (IOException | RuntimeException broken) {
            String what = compression.equals("none") ? "layer tar" : compression + " layer";
            diagnostics.add(Diagnostic.error("I4023", where + ": " + what + " is corrupt or truncated ("
                + message(broken) + "); " + entries.size() + " entries read", at));
        }
        return finish(entries, complete, tarBytes, raw, compression, blobSha, tarSha);
    }

    /**
     * A zstd decoder over {@code in} (zstd-jni, through commons-compress), or null when its native library
     * cannot load here: the layer is then reported as not read rather than failing the image.
     */
    private static InputStream zstd(InputStream in) throws IOException {
        try {
            return new org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream(in);
        } catch (LinkageError unavailable) {
            return null;
        }
    }

    private Layer finish(List<Entry> entries, boolean complete, Counting tarBytes, Counting raw, String compression,
                         MessageDigest blobSha, MessageDigest tarSha) {
        if (tarBytes != null) budget.uncompressedLeft -= tarBytes.count;
        Optional<String> blob = complete ? Optional.of("sha256:" + HexFormat.of().formatHex(blobSha.digest())) : Optional.empty();
        Optional<String> diff = complete ? Optional.of("sha256:" + HexFormat.of().formatHex(tarSha.digest())) : Optional.empty();
        return new Layer(entries, complete, blob, diff, compression, raw == null ? 0 : raw.count);
    }

    private Optional<Entry> entry(TarArchiveEntry e, TarArchiveInputStream tar) throws IOException {
        String name = e.getName();
        if (name.length() > budget.limits.maxPathLength()) {
            diagnostics.add(Diagnostic.warning("I4024", where + ": entry path of " + name.length()
                + " characters is longer than " + budget.limits.maxPathLength() + "; skipped", at));
            return Optional.empty();
        }
        if (name.startsWith("/")) {
            diagnostics.add(Diagnostic.warning("I4025", where + ": absolute entry path '" + name
                + "' in a layer; skipped", at, "layer entries are relative to the image root"));
            return Optional.empty();
        }
        Optional<String> normalized = normalize(name);
        if (normalized.isEmpty()) {
            diagnostics.add(Diagnostic.error("I4026", where + ": entry '" + name
                + "' escapes the image root with '..'; skipped", at, "a path traversal attempt or a corrupt layer"));
            return Optional.empty();
        }
        String path = normalized.get();
        if (path.equals("/")) return Optional.empty();
        int slash = path.lastIndexOf('/');
        String dir = slash == 0 ? "/" : path.substring(0, slash);
        String base = path.substring(slash + 1);
        int mode = e.getMode() & 07777;
        long uid = e.getLongUserId();
        long gid = e.getLongGroupId();
        if (base.equals(OPAQUE)) {
            return Optional.of(new Entry(dir, "opaque", mode, uid, gid, 0, Optional.empty(), Optional.empty(), layerIndex));
        }
        if (base.startsWith(WHITEOUT)) {
            String hidden = base.substring(WHITEOUT.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                diagnostics.add(Diagnostic.warning("I4027", where + ": malformed whiteout '" + name + "'; skipped", at));
                return Optional.empty();
            }
            String target = (dir.equals("/") ? "" : dir) + "/" + hidden;
            return Optional.of(new Entry(target, "whiteout", mode, uid, gid, 0, Optional.empty(), Optional.empty(), layerIndex));
        }
        String type;
        Optional<String> link = Optional.empty();
        Optional<String> content = Optional.empty();
        if (e.isSymbolicLink()) {
            type = "symlink";
            link = Optional.of(e.getLinkName());
        } else if (e.isLink()) {
            type = "hardlink";
            link = Optional.of(normalize(e.getLinkName()).orElse(e.getLinkName()));
        } else if (e.isDirectory()) {
            type = "dir";
        } else if (e.isCharacterDevice()) {
            type = "char";
        } else if (e.isBlockDevice()) {
            type = "block";
        } else if (e.isFIFO()) {
            type = "fifo";
        } else {
            type = "file";
            content = smallText(e, tar);
        }
        long size = type.equals("file") ? Math.max(0, e.getSize()) : 0;
        return Optional.of(new Entry(path, type, mode, uid, gid, size, link, content, layerIndex));
    }

    /** The file's text when it is small, valid UTF-8 without NUL, and the content budget allows it. */
    private Optional<String> smallText(TarArchiveEntry e, TarArchiveInputStream tar) throws IOException {
        long size = e.getSize();
        if (size <= 0 || size > budget.limits.maxContentBytes()) return Optional.empty();
        if (size > budget.contentLeft) {
            if (budget.contentLeft >= 0) {
                diagnostics.add(Diagnostic.warning("I4028", where + ": more than " + budget.limits.maxRetainedContent()
                    + " bytes of small text files; the content of further files is not kept", at));
                budget.contentLeft = -1;
            }
            return Optional.empty();
        }
        byte[] bytes = tar.readNBytes((int) size);
        if (bytes.length != size) throw new IOException("entry '" + e.getName() + "' ends early");
        Optional<String> text = utf8(bytes);
        text.ifPresent(t -> budget.contentLeft -= size);
        return text;
    }

    private static Optional<String> utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            String s = chars.toString();
            return s.indexOf('\0') >= 0 ? Optional.empty() : Optional.of(s);
        } catch (java.nio.charset.CharacterCodingException notText) {
            return Optional.empty();
        }
    }

    /**
     * "./a/b/../c" becomes "/a/c"; a path that climbs above the root is refused. Both "." and "./" name the root.
     */
    static Optional<String> normalize(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (parts.isEmpty()) return Optional.empty();
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return Optional.of("/" + String.join("/", parts));
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Raised inside the counting stream when a limit is crossed. */
    private static final class Limit extends IOException {
        Limit(String message) {
            super(message);
        }
    }

    /**
     * Counts and digests every byte that passes, and stops with {@link Limit} past {@code max} bytes or, for a
     * decompressed stream, past the compression ratio. Skips are done by reading, so the digest sees all bytes.
     */
    private final class Counting extends FilterInputStream {
        private final MessageDigest digest;
        private final long max;
        private final Counting compressed;
        long count;

        Counting(InputStream in, MessageDigest digest, long max, Counting compressed) {
            super(in);
            this.digest = digest;
            this.max = max;
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
                check();
            }
            return n;
        }

        private void check() throws Limit {
            if (count > max) {
                throw new Limit("more than " + budget.limits.maxUncompressedBytes() + " uncompressed bytes in the image's layers");
            }
            if (compressed != null && compressed.count > 0 && count > budget.limits.ratioFloorBytes()
                && count / compressed.count > budget.limits.maxCompressionRatio()) {
                throw new Limit("decompression ratio above " + budget.limits.maxCompressionRatio() + ":1 ("
                    + count + " bytes from " + compressed.count + ")");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }

        @Override
        public synchronized void mark(int readlimit) {
            // Not supported: a reset would feed the digest twice.
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        void drain() throws IOException {
            skip(Long.MAX_VALUE);
        }
    }
}
