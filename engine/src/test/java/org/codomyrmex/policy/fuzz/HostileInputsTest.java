package org.codomyrmex.policy.fuzz;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.FileCollector;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each folder of {@code hostile/} gives the errors {@code expected.tsv} lists, through the engine API (the IT
 * repeats this with the built jar under -Xmx256m). Every error also has a location.
 */
class HostileInputsTest {
    static final Path HOSTILE = Fuzz.REPO.resolve("engine/src/test/resources/hostile");

    /** Folder name to the errors expected in it, as {@code file:line:col: error[CODE]} relative to the folder. */
    static Map<String, List<String>> expected() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(HOSTILE.resolve("expected.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] cols = line.split("\t");
            out.computeIfAbsent(cols[0], k -> new ArrayList<>()).add(cols[1]);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyHostileFolderGivesItsErrors() throws IOException {
        return expected().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path dir = HOSTILE.resolve(e.getKey());
            PolicyEngine engine = engineFor(dir);
            long start = System.nanoTime();
            FileCollector.Collected collected = FileCollector.collect(List.of(dir.toString()), InputStream.nullInputStream());
            Report report = engine.check(collected.sources(), Optional.empty());
            List<Diagnostic> all = new ArrayList<>(collected.diagnostics());
            all.addAll(report.diagnostics());
            long millis = (System.nanoTime() - start) / 1_000_000;
            List<String> headlines = all.stream().map(Diagnostic::headline).toList();
            for (String want : e.getValue()) {
                String full = dir + "/" + want;
                assertTrue(headlines.stream().anyMatch(h -> h.startsWith(full)), () -> "missing " + full + " in " + headlines);
            }
            assertTrue(all.stream().filter(Diagnostic::isError).allMatch(d -> d.span().line() >= 1), headlines::toString);
            assertTrue(all.stream().noneMatch(d -> Fuzz.INTERNAL_ERRORS.contains(d.code())), headlines::toString);
            assertTrue(millis < 30_000, e.getKey() + " took " + millis + " ms");
        }));
    }

    static PolicyEngine engineFor(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(p -> p.toString().endsWith(".policy"))) return Fuzz.STDLIB;
        }
        return PolicyEngine.builder().standardLibrary(false).addPolicyPath(dir).build();
    }
}
