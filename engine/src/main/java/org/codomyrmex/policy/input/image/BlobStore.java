package org.codomyrmex.policy.input.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files of an image layout or archive, by their path inside it: an OCI layout directory on disk, or the
 * entries of a tar read in place (nothing is extracted). Paths come from untrusted JSON, so a path that leaves
 * the layout, a symlink that points outside it, and a symlink loop are all refused with a {@link Problem}.
 */
sealed interface BlobStore permits BlobStore.Directory, BlobStore.Archive {

    /** How messages name a path: {@code app-oci/blobs/sha256/ab…} or {@code app.tar!/manifest.json}. */
    String where(String path);

    boolean exists(String path);

    /** The whole file, refused past {@code limit} bytes. */
    byte[] read(String path, long limit) throws Problem;

    /** A stream over the file; the caller closes it. */
    InputStream open(String path) throws Problem;

    /** A blob that cannot be read, with a message fit for a diagnostic. */
    final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    /** Refuses absolute paths and any ".." segment before a path is looked up. */
    static String checked(String path) throws Problem {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new Problem("path '" + path + "' is not a relative path inside the image");
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) throw new Problem("path '" + path + "' climbs out of the image with '..'");
        }
        return path.startsWith("./") ? path.substring(2) : path;
    }

    /** An OCI image layout directory. */
    record Directory(Path root, String name) implements BlobStore {

        public String where(String path) {
            return name + "/" + path;
        }

        public boolean exists(String path) {
            try {
                return Files.exists(root.resolve(checked(path)), LinkOption.NOFOLLOW_LINKS);
            } catch (Problem p) {
                return false;
            }
        }

        /** The real file, after following symlinks, which must still be a regular file inside the layout. */
        private Path resolve(String path) throws Problem {
            Path candidate = root.resolve(checked(path)).normalize();
            try {
                Path realRoot = root.toRealPath();
                Path real = candidate.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new Problem(where(path) + " is a symlink that leads outside the layout directory");
                }
                if (!Files.isRegularFile(real)) throw new Problem(where(path) + " is not a regular file");
                return real;
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(candidate)) throw new Problem(where(path) + " is a dangling symlink");
                throw new Problem(where(path) + " is missing");
            } catch (FileSystemException e) {
                String reason = String.valueOf(e.getReason());
                if (reason.contains("symbolic links")) throw new Problem(where(path) + " is a symlink loop");
                throw new Problem(where(path) + " cannot be read: " + reason);
            } catch (IOException e) {
                throw new Problem(where(path) + " cannot be read: " + e.getMessage());
            }
        }

        public byte[] read(String path, long limit) throws Problem {
            Path file = resolve(path);
            try {
                long size = Files.size(file);
                if (size > limit) throw new Problem(where(path) + " is " + size + " bytes, more than the limit of " + limit);
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new Problem(where(path) + " cannot be read: " + e.getMessage());
            }
        }

        public InputStream open(String path) throws Problem {
            Path file = resolve(path);
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new Problem(where(path) + " cannot be read: " + e.getMessage());
            }
        }
    }

    /** A tar archive read in place ({@code docker save}, {@code skopeo copy ... docker-archive:/oci-archive:}). */
    final class Archive implements BlobStore {
        private static final int MAX_LINK_HOPS = 8;
        private final TarFile tar;
        private final String name;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        Archive(TarFile tar, String name) {
            this.tar = tar;
            this.name = name;
            for (TarArchiveEntry e : tar.getEntries()) {
                String n = e.getName();
                while (n.startsWith("./")) n = n.substring(2);
                entries.put(n, e);
            }
        }

        int size() {
            return entries.size();
        }

        public String where(String path) {
            return name + "!/" + path;
        }

        public boolean exists(String path) {
            try {
                return entries.containsKey(checked(path));
            } catch (Problem p) {
                return false;
            }
        }

        /** Follows symlink entries (the legacy docker save layout links layer.tar files) within the archive. */
        private TarArchiveEntry resolve(String path) throws Problem {
            String current = checked(path);
            for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
                TarArchiveEntry e = entries.get(current);
                if (e == null) throw new Problem(where(path) + " is missing");
                if (!e.isSymbolicLink() && !e.isLink()) {
                    if (!e.isFile()) throw new Problem(where(path) + " is not a regular file");
                    return e;
                }
                String target = e.getLinkName();
                if (e.isSymbolicLink() && !target.startsWith("/")) {
                    int slash = current.lastIndexOf('/');
                    target = (slash < 0 ? "" : current.substring(0, slash + 1)) + target;
                }
                Optional<String> normalized = LayerReader.normalize(target);
                if (target.startsWith("/") || normalized.isEmpty()) {
                    throw new Problem(where(path) + " links outside the archive");
                }
                current = normalized.get().substring(1);
            }
            throw new Problem(where(path) + " is a symlink loop");
        }

        public byte[] read(String path, long limit) throws Problem {
            TarArchiveEntry e = resolve(path);
            if (e.getSize() > limit) throw new Problem(where(path) + " is " + e.getSize() + " bytes, more than the limit of " + limit);
            try (InputStream in = tar.getInputStream(e)) {
                byte[] bytes = in.readNBytes((int) e.getSize());
                if (bytes.length != e.getSize()) throw new Problem(where(path) + " is truncated");
                return bytes;
            } catch (IOException ex) {
                throw new Problem(where(path) + " cannot be read: " + ex.getMessage());
            }
        }

        public InputStream open(String path) throws Problem {
            TarArchiveEntry e = resolve(path);
            try {
                return tar.getInputStream(e);
            } catch (IOException ex) {
                throw new Problem(where(path) + " cannot be read: " + ex.getMessage());
            }
        }
    }
}
