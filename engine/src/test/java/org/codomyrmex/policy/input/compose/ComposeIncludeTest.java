package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Compose Specification's {@code include}: included files join the project, each from its own directory. */
class ComposeIncludeTest {

    private static LoadResult load(Path compose) {
        return ComposeLoader.loadProject(List.of(InputSource.ofPath(compose.toString(), compose)), ComposeFixtures.options(Map.of()));
    }

    private static Value.MapV container(LoadResult r, String name) {
        for (Value c : ((Value.ListV) ComposeFixtures.only(r).view("containers")).items()) {
            if (c instanceof Value.MapV m && m.get("name") instanceof Value.Str n && n.value().equals(name)) return m;
        }
        throw new AssertionError("no container " + name);
    }

    private static List<String> codes(LoadResult r) {
        return r.diagnostics().stream().map(Diagnostic::code).toList();
    }

    @Test
    void includedServicesAreCheckedWhereTheyAreWritten(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("db/compose.yaml"), """
            services:
              db:
                image: postgres:16
                privileged: true
                env_file: db.env
            """);
        Files.writeString(dir.resolve("db/db.env"), "POSTGRES_DB=shop\n");
        Path main = Files.writeString(dir.resolve("compose.yaml"), """
            include:
              - db/compose.yaml
            services:
              web:
                image: nginx:1.27
                depends_on: [db]
            """);
        LoadResult r = load(main);
        assertEquals(List.of(), codes(r), ComposeFixtures.dump(r));
        Value.MapV db = container(r, "db");
        assertTrue(db.get("env").toString().contains("POSTGRES_DB"), "the included service's env_file is read from its own directory: " + db);
        assertEquals(dir.resolve("db/compose.yaml").toString(), db.span().file());

        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("t.policy", """
            package t

            rule TST-001 "Privileged" {
              severity high
              threat container-escape
              for c in containers
              where c.privileged == true
              report "{c.name} is privileged" at c.privileged
            }
            """).build();
        assertEquals(List.of(), engine.policyDiagnostics());
        Report report = engine.check(List.of(InputSource.ofPath(main.toString(), main)), Optional.of(InputKind.COMPOSE));
        Finding privileged = report.findings().stream().filter(f -> f.ruleId().equals("TST-001")).findFirst().orElseThrow();
        assertEquals(dir.resolve("db/compose.yaml").toString(), privileged.location().file(), "the finding points into the included file");
        assertEquals(4, privileged.location().line());
    }

    @Test
    void conflictsCyclesAndFilesOutsideTheProjectAreReported(@TempDir Path dir) throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("a.yaml"), "include: [b.yaml]\nservices:\n  a: {image: nginx:1.27}\n");
        Files.writeString(project.resolve("b.yaml"), "include: [a.yaml]\nservices:\n  b: {image: nginx:1.27}\n");
        Files.writeString(project.resolve("web.yaml"), "services:\n  web: {image: httpd:2.4}\n");
        Files.writeString(dir.resolve("outside.yaml"), "services:\n  leak: {image: nginx:1.27}\n");
        Path main = Files.writeString(project.resolve("compose.yaml"), """
            include:
              - path: [a.yaml, web.yaml, ../outside.yaml]
            services:
              web:
                image: nginx:1.27
            """);
        LoadResult r = load(main);
        Diagnostic conflict = r.diagnostics().stream().filter(d -> d.code().equals("I3020")).findFirst().orElseThrow();
        assertEquals(4, conflict.span().line(), "at the including file's own definition");
        assertTrue(conflict.message().contains("service 'web' is defined both here and in the included"), conflict.message());
        Diagnostic cycle = r.diagnostics().stream().filter(d -> d.code().equals("I3019")).findFirst().orElseThrow();
        assertTrue(cycle.message().startsWith("include cycle"), cycle.message());
        assertTrue(codes(r).contains("I3007"), "a file outside the project is not read: " + codes(r));
        List<String> names = ((Value.ListV) ComposeFixtures.only(r).view("services")).items().stream()
            .map(v -> ((Value.MapV) v).get("name") instanceof Value.Str n ? n.value() : "?").toList();
        assertEquals(List.of("web", "a", "b"), names, "a and b joined, web stays the including file's");
        assertEquals(main.toString(), container(r, "web").span().file());
    }
}
