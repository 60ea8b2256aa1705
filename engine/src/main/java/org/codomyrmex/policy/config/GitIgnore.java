package org.codomyrmex.policy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code .gitignore} files of the Git work tree a scanned file is in, applied as Git does: each folder's
 * file from the top of the work tree down to the file's folder, later patterns overriding earlier ones,
 * {@code !pattern} taking a path back in. A file outside any work tree (no {@code .git} above it) is never
 * ignored. Not safe for concurrent use; the scan filters its paths on one thread.
 */
public final class GitIgnore {
    private record Pattern(Glob glob, boolean negated) {
    }

    private final Map<Path, List<Pattern>> byFolder = new HashMap<>();
    private final Map<Path, Optional<Path>> roots = new HashMap<>();

    public boolean ignored(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) return false;
        Optional<Path> root = rootOf(parent);
        if (root.isEmpty()) return false;
        List<Path> chain = new ArrayList<>();
        for (Path d = parent; d != null && d.startsWith(root.get()); d = d.getParent()) chain.add(0, d);
        boolean isDir = Files.isDirectory(abs);
        boolean ignored = false;
        for (Path dir : chain) {
            String relative = dir.relativize(abs).toString().replace('\\', '/');
            for (Pattern p : patterns(dir)) {
                if (p.glob().matches(relative, isDir)) ignored = !p.negated();
            }
        }
        return ignored;
    }

    private Optional<Path> rootOf(Path dir) {
        Optional<Path> known = roots.get(dir);
        if (known != null) return known;
        Optional<Path> found = Files.exists(dir.resolve(".git")) ? Optional.of(dir)
            : dir.getParent() == null ? Optional.empty() : rootOf(dir.getParent());
        roots.put(dir, found);
        return found;
    }

    private List<Pattern> patterns(Path dir) {
        return byFolder.computeIfAbsent(dir, d -> {
            Path file = d.resolve(".gitignore");
            if (!Files.isRegularFile(file)) return List.of();
            List<Pattern> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) continue;
                    boolean negated = l.startsWith("!"); // \! and \# are the pattern's, read by Glob
                    if (negated) l = l.substring(1);
                    out.add(new Pattern(Glob.of(l), negated));
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                return List.of(); // an unreadable .gitignore ignores nothing; the files are still checked
            }
            return out;
        });
    }
}
