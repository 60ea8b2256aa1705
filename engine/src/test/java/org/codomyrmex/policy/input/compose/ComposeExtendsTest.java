package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.input.compose.ComposeFixtures.at;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.file;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.lineOf;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.named;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ComposeExtendsTest {
    private static Document load() {
        LoadResult r = ComposeFixtures.load(Map.of(), "extends/compose.yaml");
        assertEquals(List.of(), r.diagnostics(), ComposeFixtures.dump(r));
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        return doc;
    }

    private static Map<String, String> env(Value.MapV container) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Value v : ((Value.ListV) container.get("env")).items()) {
            out.put(str(((Value.MapV) v).get("name")), Values.display(((Value.MapV) v).get("value")));
        }
        return out;
    }

    @Test
    void extendsInTheSameFileMergesTheBaseUnderTheService() {
        Value.MapV worker = named(load(), "containers", "worker");
        assertEquals("busybox", str(worker.get("image")));
        assertEquals(65534, ((Value.Int) worker.get("runAsUser")).value());
        assertEquals(Map.of("A", "1", "B", "3"), env(worker));
        assertEquals(List.of("work"), ((Value.ListV) worker.get("args")).items().stream().map(Values::display).toList());
        // The inherited image points at the base service's line; the part is the worker's own definition.
        assertEquals(lineOf("extends/compose.yaml", "image: busybox"), worker.get("image").span().line());
        assertEquals(lineOf("extends/compose.yaml", "  worker:"), load().parts().get(1).span().line());
    }

    @Test
    void extendsFromAnotherFileFollowsItsChainAndItsRelativePaths() {
        Value.MapV app = named(load(), "containers", "app");
        assertEquals("python:3.12-slim", str(app.get("image")));
        String common = file("extends/common.yaml");
        assertEquals(common, app.get("image").span().file());
        assertEquals(lineOf("extends/common.yaml", "image: python"), app.get("image").span().line());
        // Inherited from hardened, two levels up.
        assertEquals(true, ((Value.Bool) app.get("readOnlyRootFilesystem")).value());
        assertEquals(false, ((Value.Bool) app.get("allowPrivilegeEscalation")).value());
        assertEquals(List.of("ALL"), ((Value.ListV) app.get("capDrop")).items().stream().map(Values::display).toList());
        assertEquals(List.of("NET_BIND_SERVICE"), ((Value.ListV) app.get("capAdd")).items().stream().map(Values::display).toList());
        // env_file and bind paths of common.yaml are relative to common.yaml.
        assertEquals(Map.of("COMMON_SETTING", "from-common", "PYTHONUNBUFFERED", "1", "APP", "yes"), env(app));
        Value common1 = at(app, "env", 0, "value");
        assertEquals(file("extends/common.env"), common1.span().file());
        assertEquals(1, common1.span().line());
        assertEquals(Path.of("src/test/resources/compose/extends/shared/certs").toAbsolutePath().toString(),
            str(at(app, "mounts", 0, "source")));
    }
}
