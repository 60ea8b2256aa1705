package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.config.Glob;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScannerExcludeTest {
    private static final Path WORK = Path.of("/work/repo");

    /**
     * --exclude k8s/gen/ was matched against the file's name as given, so it left nothing out of a scan of
     * /work/repo or of ../repo (names /work/repo/k8s/gen/b.yaml, ../repo/k8s/gen/b.yaml); a '!' line was a file name.
     */
    @Test
    void excludeGlobsAreRelativeToTheWorkingFolderHoweverTheFileWasNamed() {
        List<Glob> globs = List.of(Glob.line("k8s/gen/"), Glob.line("!k8s/gen/keep.yaml"), Glob.line("/vendor/"));
        for (String name : List.of("k8s/gen/b.yaml", "./k8s/gen/b.yaml", "/work/repo/k8s/gen/b.yaml", "../repo/k8s/gen/b.yaml")) {
            Path path = name.startsWith("../") ? Path.of("/work/other").resolve(name) : WORK.resolve(name);
            assertTrue(Scanner.excludedByOption(globs, name, path, WORK), name);
        }
        assertTrue(Scanner.excludedByOption(globs, "/work/repo/vendor/c.yaml", Path.of("/work/repo/vendor/c.yaml"), WORK));
        assertFalse(Scanner.excludedByOption(globs, "/work/repo/k8s/gen/keep.yaml", Path.of("/work/repo/k8s/gen/keep.yaml"), WORK));
        assertFalse(Scanner.excludedByOption(globs, "/work/repo/k8s/a.yaml", Path.of("/work/repo/k8s/a.yaml"), WORK));
        // Outside the working folder the name as given is matched, so unanchored globs still apply.
        assertTrue(Scanner.excludedByOption(List.of(Glob.line("vendor/")), "/elsewhere/vendor/c.yaml",
            Path.of("/elsewhere/vendor/c.yaml"), WORK));
    }
}
