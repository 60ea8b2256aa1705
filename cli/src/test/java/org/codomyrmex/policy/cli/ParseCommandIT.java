package org.codomyrmex.policy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.codomyrmex.policy.cli.PolicyCommandIT.ROOT;
import static org.codomyrmex.policy.cli.PolicyCommandIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policy parse} prints exactly the bytes of the golden files (every kind of input, scalars of every type,
 * escapes, a compose override's file in {@code at}, the views), and does so for a large document in a heap much
 * smaller than the whole output.
 */
class ParseCommandIT {
    static final Path FIXTURES = ROOT.resolve("cli/src/test/resources/parse");
    static final Path GOLDEN = ROOT.resolve("cli/src/test/resources/parse-golden");

    /** The fixtures copied to {@code dir}, so the command runs there with relative names, as a user would. */
    private static Path fixtures(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    private static void assertGolden(String golden, PolicyCommandIT.Run r) throws IOException {
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        String expected = Files.readString(GOLDEN.resolve(golden), StandardCharsets.UTF_8);
        if (!expected.equals(r.out())) {
            // Left beside the test output, to diff against the golden file.
            Path actual = Path.of("target", "parse-actual-" + golden);
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, r.out(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, r.out(), golden + " (the output is in target/parse-actual-" + golden + ")");
    }

    @Test
    void aFolderGivesTheGoldenModel(@TempDir Path dir) throws Exception {
        assertGolden("parse.json", run(fixtures(dir), List.of(), null, "parse", "."));
    }

    @Test
    void viewsGiveTheGoldenViews(@TempDir Path dir) throws Exception {
        assertGolden("parse-views.json", run(fixtures(dir), List.of(), null, "parse", "--views", "."));
    }

    @Test
    void standardInputGivesTheGoldenModel(@TempDir Path dir) throws Exception {
        String pod = Files.readString(FIXTURES.resolve("pod.yaml"), StandardCharsets.UTF_8);
        assertGolden("parse-stdin.json", run(dir, List.of(), pod, "parse", "-", "--kind", "kubernetes"));
    }

    /**
     * 300 000 values print as 27 MB of JSON. Built as a tree and a string first, that output did not fit in a
     * 256 MB heap; written as the model is walked, only the model must fit, and 160 MB is plenty.
     */
    @Test
    void aLargeDocumentIsWrittenInASmallHeap(@TempDir Path dir) throws Exception {
        int count = 300_000;
        StringBuilder yaml = new StringBuilder("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: big\nspec:\n  values:\n");
        for (int i = 0; i < count; i++) yaml.append("    - ").append(i).append('\n');
        Files.writeString(dir.resolve("widget.yaml"), yaml);

        PolicyCommandIT.Run r = run(dir, List.of("-Xmx160m"), null, "parse", "widget.yaml");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        JsonNode values = new ObjectMapper().readTree(r.out()).get(0).at("/document/fields/spec/fields/values/items");
        assertEquals(count, values.size());
        JsonNode last = values.get(count - 1);
        assertEquals(count - 1, last.get("value").asInt());
        assertEquals((count + 6) + ":7-" + (count + 6) + ":12", last.get("at").asText());
    }

    @Test
    void runningOutOfMemoryIsOneClearLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  values:\n");
        for (int i = 0; i < 600_000; i++) yaml.append("    - ").append(i).append('\n');
        Files.writeString(dir.resolve("big.yaml"), yaml);

        PolicyCommandIT.Run r = run(dir, List.of("-Xmx48m"), null, "parse", "big.yaml");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("policy: out of memory (the heap is at most"), r.err());
        assertTrue(r.err().contains("POLICY_JAVA_OPTS=-Xmx2g"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
