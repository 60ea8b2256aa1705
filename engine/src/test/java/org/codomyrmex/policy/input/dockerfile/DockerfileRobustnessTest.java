package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every prefix of every test Dockerfile (cut at many places, so quotes, JSON, heredocs and continuations end
 * early) loads without an internal error, every diagnostic is located, and every view keeps its schema.
 */
class DockerfileRobustnessTest {

    @Test
    void truncatedDockerfilesNeverBreakTheLoader() throws Exception {
        Path root = Path.of(getClass().getClassLoader().getResource("dockerfile").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.getFileName().toString().equals("Dockerfile")).sorted().toList();
        }
        assertTrue(files.size() >= 40, "fixtures found: " + files.size());
        int loads = 0;
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            int step = Math.max(1, text.length() / 30);
            for (int cut = 0; cut <= text.length(); cut += step) {
                String prefix = text.substring(0, cut);
                String where = f.getParent().getFileName() + "@" + cut + ": ";
                LoadResult r = new DockerfileLoader().load(InputSource.ofText("t", prefix), LoadOptions.defaults());
                loads++;
                r.diagnostics().forEach(d -> {
                    if (d.code().equals("I2099") || !d.span().isKnown()) problems.add(where + d.headline());
                });
                for (Document doc : r.documents()) {
                    for (String v : List.of("dockerfile", "stages", "final", "instructions", "runs", "args", "containers")) {
                        doc.view(v);
                    }
                    SchemaConformance.violations(doc).forEach(x -> problems.add(where + x));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(loads > 800, "loads: " + loads);
    }
}
