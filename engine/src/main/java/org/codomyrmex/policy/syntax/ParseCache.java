package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.SourceFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Parsed policy modules kept on disk between runs, keyed by the SHA-256 of the file's text and of the engine
 * build that parsed it: a short {@code policy check} spends most of its start lexing and parsing the standard
 * library in a cold JVM, and decoding a {@link ModuleCodec} form of the same module takes a fraction of that.
 *
 * <p>Best effort and never trusted blindly: a file that is missing, damaged or from another build is parsed
 * again (and rewritten); only files that parsed without any diagnostic are stored, so errors and warnings
 * always come from the parser; the folder is used only when it belongs to this user and nobody else may write
 * in it, since whoever can write a cached module decides what the policy says.
 */
public final class ParseCache {

    /** Stored modules beyond this many are removed, oldest first, when a new one is written. */
    static final int MAX_ENTRIES = 256;
    private static final long MAX_ENTRY_BYTES = 64L << 20;
    private static final String SUFFIX = ".module";
    private static final String BUILD = build();

    private final Path dir;

    private ParseCache(Path dir) {
        this.dir = dir;
    }

    /**
     * A cache in {@code dir} (created, readable and writable by this user only), or empty when the folder
     * cannot be made or is not safe to read modules from.
     */
    public static Optional<ParseCache> open(Path dir) {
        if (BUILD.isEmpty()) return Optional.empty();
        try {
            Path folder = dir.toAbsolutePath();
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                try {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectory(folder);
                }
            }
            return safe(folder) ? Optional.of(new ParseCache(folder)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Owned by this user and not writable by group or others (where the file system says who owns what). */
    private static boolean safe(Path folder) throws IOException {
        if (Files.isSymbolicLink(folder)) return false;
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return true;
        }
        String user = System.getProperty("user.name", "");
        Set<PosixFilePermission> permissions = attributes.permissions();
        return attributes.owner().getName().equals(user)
            && !permissions.contains(PosixFilePermission.GROUP_WRITE)
            && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** The folder the modules are kept in. */
    public Path directory() {
        return dir;
    }

    /** The module from the cache when this text was parsed before by this build, else parsed (and stored). */
    public Parser.Result<Module> parse(SourceFile source) {
        Path file = dir.resolve(key(source.text()) + SUFFIX);
        Optional<Module> cached = read(file).flatMap(bytes -> ModuleCodec.decode(bytes, source));
        if (cached.isPresent()) return new Parser.Result<>(cached, List.of());
        Parser.Result<Module> parsed = Parser.parseModule(source);
        if (parsed.value().isPresent() && parsed.diagnostics().isEmpty()) {
            ModuleCodec.encode(parsed.value().get()).ifPresent(bytes -> write(file, bytes));
        }
        return parsed;
    }

    private static Optional<byte[]> read(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
            // A module is a fraction of its text, and texts are at most 4 MiB: anything larger is not ours.
            if (Files.size(file) > MAX_ENTRY_BYTES) return Optional.empty();
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Written beside, then moved into place, so a reader in another process sees a whole file or none. */
    private void write(Path file, byte[] bytes) {
        Path temp = dir.resolve(file.getFileName() + ".tmp" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            prune();
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException ignored) {
                // A stray temporary file is harmless: the next prune removes it.
            }
        }
    }

    /** Keeps the folder from growing with every build: the newest {@link #MAX_ENTRIES} files stay. */
    private void prune() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) || name.contains(SUFFIX + ".tmp")) files.add(p);
            }
        }
        if (files.size() <= MAX_ENTRIES) return;
        List<Dated> dated = new ArrayList<>();
        for (Path p : files) {
            try {
                dated.add(new Dated(p, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)));
            } catch (IOException e) {
                // Removed meanwhile by another process.
            }
        }
        dated.sort(Comparator.comparing(Dated::modified));
        for (int i = 0; i < dated.size() - MAX_ENTRIES; i++) Files.deleteIfExists(dated.get(i).path());
    }

    private record Dated(Path path, FileTime modified) {
    }

    static String key(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(BUILD.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * What identifies the parser that wrote a module: the codec's format and a digest of the classes that turn
     * text into a module (lexer, parser, AST builder, spans, literals, this codec), so that a rebuilt parser
     * never reuses a module an older one wrote, even without a format change. Empty when a class file cannot
     * be read (then there is no cache).
     */
    private static String build() {
        Class<?>[] parsing = {Parser.class, ModuleCodec.class, Module.class, Expr.class, Decl.class,
            org.codomyrmex.policy.grammar.PolicyParser.class, org.codomyrmex.policy.grammar.PolicyLexer.class,
            SourceFile.class, org.codomyrmex.policy.diag.Span.class, org.codomyrmex.policy.model.Value.class};
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : parsing) {
                try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    if (in == null) return "";
                    sha.update(in.readAllBytes());
                }
            }
            return "format " + ModuleCodec.FORMAT + "; classes " + HexFormat.of().formatHex(sha.digest());
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return "";
        }
    }
}
