package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.SourceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ParseCacheTest {

    private static List<Path> stored(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".module")).toList();
        }
    }

    @Test
    void aCleanParseIsStoredAndTheNextParseOfTheSameTextIsTheSameModule(@TempDir Path tmp) throws IOException {
        ParseCache cache = ParseCache.open(tmp.resolve("cache")).orElseThrow();
        SourceFile first = new SourceFile("a.policy", ModuleCodecTest.EVERYTHING);
        Parser.Result<Module> parsed = cache.parse(first);
        assertEquals(1, stored(cache.directory()).size());
        SourceFile again = new SourceFile("elsewhere/a.policy", ModuleCodecTest.EVERYTHING);
        Parser.Result<Module> cached = cache.parse(again);
        assertEquals(Parser.parseModule(again), cached);
        assertEquals(parsed.value().orElseThrow().declarations().size(), cached.value().orElseThrow().declarations().size());
        assertEquals(1, stored(cache.directory()).size());
    }

    @Test
    void filesWithErrorsOrWarningsAreNeverStoredSoTheirDiagnosticsAlwaysComeFromTheParser(@TempDir Path tmp) throws IOException {
        ParseCache cache = ParseCache.open(tmp).orElseThrow();
        SourceFile broken = new SourceFile("b.policy", "rule X-1 \"t\" {\n  where\n}\n");
        Parser.Result<Module> once = cache.parse(broken);
        assertFalse(once.diagnostics().isEmpty());
        assertEquals(once, cache.parse(broken));
        assertEquals(List.of(), stored(tmp));
    }

    @Test
    void aDamagedStoredModuleIsParsedAgainAndReplaced(@TempDir Path tmp) throws IOException {
        ParseCache cache = ParseCache.open(tmp).orElseThrow();
        SourceFile source = new SourceFile("c.policy", ModuleCodecTest.EVERYTHING);
        cache.parse(source);
        Path file = stored(tmp).get(0);
        byte[] good = Files.readAllBytes(file);
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x10;
        Files.write(file, damaged);
        assertEquals(Parser.parseModule(source), cache.parse(source));
        assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(file)), "rewritten whole");
        Files.write(file, new byte[0]);
        assertEquals(Parser.parseModule(source), cache.parse(source));
    }

    @Test
    void aFolderOthersMayWriteInIsNotUsed(@TempDir Path tmp) throws IOException {
        Path shared = tmp.resolve("shared");
        Files.createDirectory(shared);
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "no POSIX permissions on this file system");
        }
        assertTrue(ParseCache.open(shared).isEmpty());
        Path mine = tmp.resolve("mine");
        assertTrue(ParseCache.open(mine).isPresent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)));
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, mine);
        assertTrue(ParseCache.open(link).isEmpty(), "a link could be pointed elsewhere by whoever owns its folder");
    }

    @Test
    void aFileInThePlaceOfTheFolderMeansNoCache(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertTrue(ParseCache.open(file).isEmpty());
        assertTrue(ParseCache.open(file.resolve("below")).isEmpty());
    }

    @Test
    void theFolderKeepsTheNewestEntriesOnly(@TempDir Path tmp) throws IOException {
        ParseCache cache = ParseCache.open(tmp).orElseThrow();
        for (int i = 0; i < ParseCache.MAX_ENTRIES; i++) {
            Path old = Files.write(tmp.resolve("old" + i + ".module"), new byte[] {1});
            Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L + i));
        }
        cache.parse(new SourceFile("d.policy", "const x = 1\n"));
        List<Path> left = stored(tmp);
        assertEquals(ParseCache.MAX_ENTRIES, left.size());
        assertFalse(left.contains(tmp.resolve("old0.module")), "the oldest went");
        assertTrue(left.contains(tmp.resolve(ParseCache.key("const x = 1\n") + ".module")), "the new one stayed");
    }
}
