package org.codomyrmex.policy.input;

import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A compose file and the override beside it load as one project, as docker compose reads them by default. */
class ComposeOverrideGroupingTest {
    @Test
    void overrideBesideTheFileIsMergedAndKeepsItsOwnLines(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("compose.yaml");
        Path override = dir.resolve("compose.override.yaml");
        Files.writeString(base, "services:\n  web:\n    image: \"nginx:${TAG:-1.27}\"\n    user: \"1000\"\n");
        Files.writeString(override, "services:\n  web:\n    user: root\n");
        FileCollector.Collected c = FileCollector.collect(List.of(dir.toString()), System.in);
        LoadOptions options = new LoadOptions(1 << 20, 100, 100, Map.of("TAG", "1.25"));
        List<LoadResult> results = Inputs.loadAll(c.sources(), Optional.empty(), options);
        assertEquals(1, results.size(), results.toString());
        assertEquals(1, results.get(0).documents().size());
        Value.MapV web = (Value.MapV) ((Value.ListV) results.get(0).documents().get(0).view("services")).items().get(0);
        Value user = web.get("user");
        assertEquals("root", ((Value.Str) user).value());
        assertEquals(override.toString(), user.span().file());
        assertEquals(3, user.span().line());
        Value image = web.get("image");
        assertEquals("nginx:1.25", ((Value.Str) image).value());
        assertEquals(3, image.span().line());
        assertEquals(base.toString(), image.span().file());
    }
}
