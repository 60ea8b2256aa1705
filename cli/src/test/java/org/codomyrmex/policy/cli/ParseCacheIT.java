package org.codomyrmex.policy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsed policies kept between runs change nothing a run reports: only how long it takes to start. */
class ParseCacheIT {

    private static String check(String cacheDir, String... extra) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--no-config", "--format", "json", "--policy", "examples/policies", "examples/"));
        args.addAll(List.of(extra));
        ProcessBuilder pb = PolicyCommandIT.policy(PolicyCommandIT.ROOT, List.of(), args.toArray(String[]::new))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("POLICY_CACHE_DIR", cacheDir);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        return out;
    }

    private static long stored(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".module")).count();
        }
    }

    @Test
    void aRunFromTheCacheReportsWhatARunWithoutItReports(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        String without = check("off");
        String filling = check(cache.toString());
        long files = stored(cache);
        assertTrue(files >= 12, "the standard library's files and examples/policies: " + files);
        String fromCache = check(cache.toString());
        assertEquals(files, stored(cache), "nothing new to store");
        // The JSON report holds no times, so the three runs print the same bytes.
        assertEquals(without, filling);
        assertEquals(without, fromCache);
    }
}
