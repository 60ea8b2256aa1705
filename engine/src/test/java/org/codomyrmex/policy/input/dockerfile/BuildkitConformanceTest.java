package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs BuildKit's own parser cases (copied under {@code dockerfile/buildkit}, see PROVENANCE.md): every accepted
 * case must dump exactly as BuildKit's {@code result} file, every rejected case must give a located error, and
 * line numbers must match BuildKit's {@code TestParseIncludesLineNumbers}.
 */
class BuildkitConformanceTest {

    /**
     * Cases where our result differs from BuildKit's on purpose, with the reason. Each is asserted below, so the
     * list cannot go stale. Empty: every case agrees.
     */
    private static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    static Path root() throws URISyntaxException {
        return Path.of(BuildkitConformanceTest.class.getClassLoader().getResource("dockerfile/buildkit").toURI());
    }

    static DockerfileParser.Result parse(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return DockerfileParser.parse(new SourceFile(file.getParent().getFileName() + "/Dockerfile", text));
    }

    @TestFactory
    Stream<DynamicTest> acceptedCasesDumpLikeBuildkit() throws Exception {
        List<Path> cases;
        try (Stream<Path> s = Files.list(root().resolve("testfiles"))) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(33, cases.size(), "BuildKit ships 33 accepted cases");
        List<String> passed = new ArrayList<>();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : cases) {
            String name = dir.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                DockerfileParser.Result r = parse(dir.resolve("Dockerfile"));
                String expected = Files.readString(dir.resolve("result"), StandardCharsets.UTF_8);
                String got = BuildkitDump.dump(r.dockerfile());
                List<Diagnostic> errors = r.diagnostics().stream().filter(Diagnostic::isError).toList();
                if (KNOWN_DIFFERENCES.containsKey(name)) {
                    assertFalse(expected.equals(got), name + " now agrees with BuildKit: drop it from KNOWN_DIFFERENCES");
                    return;
                }
                assertEquals(expected, got, name);
                assertTrue(errors.isEmpty(), name + ": unexpected errors " + errors);
                passed.add(name);
            }));
        }
        tests.add(DynamicTest.dynamicTest("summary", () -> {
            System.out.println("BuildKit parser conformance: " + passed.size() + "/" + cases.size()
                + " accepted cases match, " + KNOWN_DIFFERENCES.size() + " documented differences");
            assertEquals(cases.size() - KNOWN_DIFFERENCES.size(), passed.size());
        }));
        return tests.stream();
    }

    @Test
    void rejectedCasesGiveLocatedErrors() throws Exception {
        Map<String, String[]> expected = Map.of(
            "empty_dockerfile", new String[] {"file with no instructions", "1"},
            "only_comments", new String[] {"file with no instructions", "4"},
            "env_no_value", new String[] {"ENV must have two arguments", "3"},
            "shykes-nested-json", new String[] {"arrays must be comprised of strings only", "1"});
        List<Path> cases;
        try (Stream<Path> s = Files.list(root().resolve("testfiles-negative"))) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(expected.size(), cases.size());
        for (Path dir : cases) {
            String name = dir.getFileName().toString();
            DockerfileParser.Result r = parse(dir.resolve("Dockerfile"));
            List<Diagnostic> errors = r.diagnostics().stream().filter(Diagnostic::isError).toList();
            assertEquals(1, errors.size(), name + ": " + errors);
            Diagnostic d = errors.get(0);
            assertTrue(d.message().contains(expected.get(name)[0]), name + ": " + d.message());
            assertEquals(Integer.parseInt(expected.get(name)[1]), d.span().line(), name + ": " + d.headline());
            assertTrue(d.span().column() >= 1, name);
        }
    }

    @Test
    void lineNumbersMatchBuildkit() throws Exception {
        DockerfileParser.Result r = parse(root().resolve("testfile-line/Dockerfile"));
        List<Instruction> in = r.dockerfile().instructions();
        assertEquals(3, in.size());
        int[][] expected = {{5, 5}, {11, 12}, {17, 31}};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i][0], in.get(i).startLine(), in.get(i).name() + " start");
            assertEquals(expected[i][1], in.get(i).endLine(), in.get(i).name() + " end");
        }
        assertEquals(5, r.dockerfile().span().line());
        assertEquals(31, r.dockerfile().span().endLine());
        assertEquals(List.of("FROM", "ENV", "RUN"), in.stream().map(Instruction::name).toList());
        // The directive '# ESCAPE=\' is read as one, case-insensitively.
        assertEquals("escape", r.dockerfile().directives().get(0).name());
    }
}
