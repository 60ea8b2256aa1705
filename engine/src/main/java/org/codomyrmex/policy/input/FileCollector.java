package org.codomyrmex.policy.input;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Turns the paths a user gave into sources: files as they are, directories walked recursively (in a stable,
 * sorted order) keeping the files whose kind can be told, {@code -} as standard input. A directory that is
 * itself an input (OCI layout, kustomization) is kept whole.
 */
public final class FileCollector {
    private FileCollector() {
    }

    /** Sources found, files skipped as of no known kind, and problems (missing paths, unreadable folders). */
    public record Collected(List<InputSource> sources, List<String> skipped, List<Diagnostic> diagnostics) {
    }

    public static Collected collect(List<String> paths, java.io.InputStream stdin) {
        return collect(paths, stdin, LoadOptions.defaults().maxFileBytes());
    }

    /**
     * As {@link #collect(List, java.io.InputStream)}; standard input is read up to one byte past
     * {@code maxStdinBytes}, so the loader reports it as too large instead of the heap running out.
     */
    public static Collected collect(List<String> paths, java.io.InputStream stdin, long maxStdinBytes) {
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, maxStdinBytes) + 1);
        List<InputSource> sources = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (String p : paths) {
            if (p.equals("-")) {
                byte[][] holder = new byte[1][];
                sources.add(new InputSource("-", Optional.empty(), () -> {
                    if (holder[0] == null) holder[0] = stdin.readNBytes(cap);
                    return holder[0];
                }));
                continue;
            }
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                diagnostics.add(Diagnostic.error("I0010", "no such file or directory", Span.of(p, 0, 0)));
            } else if (Files.isDirectory(path) && Detector.detect(path).isEmpty()) {
                walk(path, sources, skipped, diagnostics);
            } else {
                sources.add(InputSource.ofPath(p, path));
            }
        }
        return new Collected(sources, skipped, diagnostics);
    }

    /** Files in a walked folder are kept by their detected kind; {@code --kind} applies to named files only. */
    private static void walk(Path root, List<InputSource> sources, List<String> skipped,
                             List<Diagnostic> diagnostics) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 64, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    if (!dir.equals(root) && (name.startsWith(".") || name.equals("node_modules") || name.equals("target"))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!dir.equals(root) && Detector.detect(dir).isPresent()) {
                        found.add(dir); // an OCI layout or a kustomization: one input
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) found.add(file);
                    if (attrs.isSymbolicLink()) link(root, file, found, diagnostics);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    diagnostics.add(Diagnostic.error("I0011", "cannot read: " + e.getClass().getSimpleName(), Span.of(file.toString(), 0, 0)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I0011", "cannot read folder: " + e, Span.of(root.toString(), 0, 0)));
        }
        found.sort(null);
        for (Path f : found) {
            if (Detector.detect(f).isPresent()) {
                sources.add(InputSource.ofPath(f.toString(), f));
            } else if (binaryWithTextName(f)) {
                diagnostics.add(Diagnostic.error("I0014", "binary content in a file named like YAML or JSON; not read",
                    Span.of(f.toString(), 1, 1)));
            } else {
                skipped.add(f.toString());
            }
        }
    }

    /**
     * Links are not followed by the walk. A link to a file inside the scanned folder is read like the file; a link
     * that leaves the folder, loops, or dangles is reported and not read: a scan of an untrusted repository must
     * not read (and quote in its report) files outside it.
     */
    private static void link(Path root, Path file, List<Path> found, List<Diagnostic> diagnostics) {
        Span at = Span.of(file.toString(), 1, 1);
        Path target;
        try {
            target = file.toRealPath();
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I0012", "symbolic link that loops or points nowhere; not followed", at));
            return;
        }
        try {
            if (!target.startsWith(root.toRealPath())) {
                diagnostics.add(Diagnostic.error("I0013", "symbolic link to " + target + ", outside the scanned folder; not followed",
                    at, "name the target on the command line to check it"));
            } else if (Files.isRegularFile(target)) {
                found.add(file);
            }
            // A link to a folder inside the tree is not walked again: its files are found where they are.
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I0011", "cannot read: " + e.getClass().getSimpleName(), at));
        }
    }

    /** A .yaml/.yml/.json file whose start holds a NUL byte: not text, so not skipped quietly as "not an input". */
    private static boolean binaryWithTextName(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) return false;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (byte b : in.readNBytes(8192)) if (b == 0) return true;
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
