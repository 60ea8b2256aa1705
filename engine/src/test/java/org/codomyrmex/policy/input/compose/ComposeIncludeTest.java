package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Compose Specification's {@code include}: each entry is a model of its own (the files of its path merged),
 * with its own project directory for relative paths and its own env files for interpolation, joining the project.
 */
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

    private static Value.MapV service(LoadResult r, String name) {
        return ComposeFixtures.named(ComposeFixtures.only(r), "services", name);
    }

    /** The env entry {@code name} of a container. */
    private static Value.MapV env(LoadResult r, String container, String name) {
        for (Value e : ((Value.ListV) container(r, container).get("env")).items()) {
            if (e instanceof Value.MapV m && m.get("name") instanceof Value.Str n && n.value().equals(name)) return m;
        }
        throw new AssertionError("no env " + name + " in " + container(r, container));
    }

    private static String str(Value v) {
        return ((Value.Str) v).value();
    }

    private static Path write(Path file, String text) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
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
        Diagnostic conflict = r.diagnostics().stream().filter(d -> d.code().equals("I3025")).findFirst().orElseThrow();
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

    @Test
    void projectDirectoryIsTheBaseOfTheIncludedModelsRelativePaths(@TempDir Path dir) throws Exception {
        write(dir.resolve("services/api/compose.yaml"), """
            services:
              api:
                image: api:${API_TAG}
                build:
                  context: .
                  dockerfile: docker/Dockerfile
                env_file: api.env
                volumes:
                  - ./data:/data
            """);
        // Beside the included file, where they would be found if project_directory were ignored.
        write(dir.resolve("services/api/api.env"), "API_MODE=wrong-folder\n");
        write(dir.resolve("services/api/.env"), "API_TAG=wrong-folder\n");
        write(dir.resolve("apps/api/api.env"), "API_MODE=fast\n");
        write(dir.resolve("apps/api/.env"), "API_TAG=2.1\n");
        write(dir.resolve("apps/api/docker/Dockerfile"), "FROM alpine:3.20\n");
        Path main = write(dir.resolve("compose.yaml"), """
            include:
              - path: services/api/compose.yaml
                project_directory: apps/api
            services:
              web:
                image: nginx:1.27
            """);
        LoadResult r = load(main);
        assertEquals(List.of(), codes(r), ComposeFixtures.dump(r));
        Path project = dir.resolve("apps/api");
        Value.MapV build = (Value.MapV) service(r, "api").get("build");
        assertEquals(project.toString(), str(build.get("contextPath")));
        assertEquals(project.resolve("docker/Dockerfile").toString(), str(build.get("dockerfilePath")));
        Value.MapV volume = (Value.MapV) ((Value.ListV) service(r, "api").get("volumes")).items().get(0);
        assertEquals(project.resolve("data").toString(), str(volume.get("sourcePath")));

        Value.MapV mode = env(r, "api", "API_MODE");
        assertEquals("fast", str(mode.get("value")), "env_file is read from project_directory");
        assertEquals(dir.resolve("apps/api/api.env").toString(), mode.get("value").span().file());
        assertEquals("api:2.1", str(service(r, "api").get("image")), "interpolated from project_directory's .env");
        assertEquals(dir.resolve("services/api/compose.yaml").toString(), service(r, "api").span().file(),
            "the service still points into the file it is written in");
    }

    @Test
    void theIncludedModelIsInterpolatedFromItsEnvFileUnderTheIncludingProject(@TempDir Path dir) throws Exception {
        write(dir.resolve(".env"), "SHARED=from-the-project\n");
        write(dir.resolve("db/.env"), "DB_TAG=the-default-env-file-is-not-read\n");
        write(dir.resolve("config/db.vars"), "DB_TAG=15\nSHARED=from-the-include\n");
        write(dir.resolve("config/db.local"), "DB_TAG=16\nDB_PASSWORD=${SHARED}-pw-7f3a9\n");
        write(dir.resolve("db/compose.yaml"), """
            services:
              db:
                image: postgres:${DB_TAG}
                environment:
                  POSTGRES_PASSWORD: ${DB_PASSWORD}
                  WHO: ${SHARED}
            """);
        Path main = write(dir.resolve("compose.yaml"), """
            include:
              - path: db/compose.yaml
                env_file: [config/db.vars, config/db.local]
            services:
              web:
                image: nginx:${DB_TAG:-unset-here}
                environment:
                  WHO_AM_I: web
            """);
        LoadResult r = load(main);
        assertEquals(List.of(), codes(r), ComposeFixtures.dump(r));
        assertEquals("postgres:16", str(service(r, "db").get("image")), "the later env file wins over the earlier");
        assertEquals("nginx:unset-here", str(service(r, "web").get("image")), "the include's variables stay in the include");
        // The Compose Specification: the including project's environment (its .env included) has precedence.
        assertEquals("from-the-project", str(env(r, "db", "WHO").get("value")));
        Value.MapV password = env(r, "db", "POSTGRES_PASSWORD");
        assertEquals("from-the-project-pw-7f3a9", str(password.get("value")), "an env file sees the project's variables");
        assertEquals(new Value.Bool(true, password.get("fromVariable").span()), password.get("fromVariable"),
            "a value from the include's env file is not written in the compose file");
        assertEquals(new Value.Bool(false, Span.NONE), env(r, "web", "WHO_AM_I").get("fromVariable"));
    }

    @Test
    void theFilesOfAPathListAreMergedIntoOneModel(@TempDir Path dir) throws Exception {
        write(dir.resolve("stack/base.yaml"), """
            services:
              api:
                image: app:1.0
                privileged: false
                build: ./api
            """);
        // The override lies deeper, yet its relative paths resolve against the first file's folder, the model's
        // project directory, as an override file's do.
        write(dir.resolve("stack/overrides/dev.yaml"), """
            services:
              api:
                privileged: true
              worker:
                image: worker:1.0
                build: ./worker
            """);
        Path main = write(dir.resolve("compose.yaml"), """
            include:
              - path:
                  - stack/base.yaml
                  - stack/overrides/dev.yaml
            services:
              web:
                image: nginx:1.27
            """);
        LoadResult r = load(main);
        assertEquals(List.of(), codes(r), ComposeFixtures.dump(r));
        List<String> names = ((Value.ListV) ComposeFixtures.only(r).view("services")).items().stream()
            .map(v -> str(((Value.MapV) v).get("name"))).toList();
        assertEquals(List.of("web", "api", "worker"), names);
        Value privileged = service(r, "api").get("privileged");
        assertEquals(true, ((Value.Bool) privileged).value(), "the later file overrides the earlier");
        assertEquals(dir.resolve("stack/overrides/dev.yaml").toString(), privileged.span().file());
        assertEquals("app:1.0", str(service(r, "api").get("image")), "what the later file does not set is kept");
        assertEquals(dir.resolve("stack/worker").toString(),
            str(((Value.MapV) service(r, "worker").get("build")).get("contextPath")));
    }

    @Test
    void aMissingEnvFileIsALocatedErrorAndTheIncludeIsStillRead(@TempDir Path dir) throws Exception {
        write(dir.resolve("db/compose.yaml"), "services:\n  db:\n    image: postgres:${DB_TAG:-16}\n    privileged: true\n");
        Path main = write(dir.resolve("compose.yaml"), """
            include:
              - path: db/compose.yaml
                env_file: db/missing.env
                env_files: x
            services:
              web: {image: nginx:1.27}
            """);
        LoadResult r = load(main);
        Diagnostic missing = r.diagnostics().stream().filter(d -> d.code().equals("I3022")).findFirst().orElseThrow();
        assertEquals(new Span(main.toString(), 3, 15, 3, 28), missing.span());
        assertTrue(missing.isError());
        assertTrue(missing.message().contains("db/missing.env not found"), missing.message());
        Diagnostic typo = r.diagnostics().stream().filter(d -> d.code().equals("I3017")).findFirst().orElseThrow();
        assertEquals(4, typo.span().line());
        assertEquals(Optional.of("did you mean 'env_file'?"), typo.hint());
        assertEquals(List.of("I3022", "I3017"), codes(r).stream().sorted(java.util.Comparator.reverseOrder()).toList(),
            ComposeFixtures.dump(r));
        assertEquals("postgres:16", str(service(r, "db").get("image")), "the included model is read all the same");
        assertTrue(((Value.Bool) container(r, "db").get("privileged")).value());
    }

    @Test
    void filesOutsideTheProjectAreNotReadThroughAnInclude(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("project"));
        write(tmp.resolve("elsewhere/.env"), "LEAKED=outside-dotenv-value\n");
        write(tmp.resolve("secrets.env"), "LEAKED=outside-env-file-value\n");
        write(dir.resolve("a/compose.yaml"), "services:\n  a:\n    image: a:${LEAKED:-none}\n    env_file: app.env\n");
        write(dir.resolve("b/compose.yaml"), "services:\n  b:\n    image: b:${LEAKED:-none}\n");
        write(tmp.resolve("elsewhere/app.env"), "TOKEN=outside-service-env-file\n");
        Path main = write(dir.resolve("compose.yaml"), """
            include:
              - path: a/compose.yaml
                project_directory: ../elsewhere
              - path: b/compose.yaml
                env_file: ../secrets.env
            """);
        LoadResult r = load(main);
        String dump = ComposeFixtures.dump(r);
        assertFalse(dump.contains("outside-"), dump);
        assertEquals("a:none", str(service(r, "a").get("image")), "the .env of a project_directory outside is not read");
        assertEquals("b:none", str(service(r, "b").get("image")), "an env_file outside is not read");
        Diagnostic outside = r.diagnostics().stream().filter(d -> d.code().equals("I3023")).findFirst().orElseThrow();
        assertEquals(new Span(main.toString(), 3, 24, 3, 35), outside.span());
        assertTrue(outside.message().contains("outside the project directory"), outside.message());
        assertTrue(outside.hint().orElseThrow().contains("cannot make the scan read"), outside.hint().toString());
        List<Diagnostic> refused = r.diagnostics().stream().filter(d -> d.code().equals("I3007")).toList();
        assertEquals(2, refused.size(), dump);
        assertTrue(refused.stream().anyMatch(d -> d.span().line() == 5 && d.span().file().equals(main.toString())),
            "the include's env_file, where it is named: " + dump);
        assertTrue(refused.stream().anyMatch(d -> d.span().line() == 4
            && d.span().file().equals(dir.resolve("a/compose.yaml").toString())), "the service's env_file under it: " + dump);
        assertEquals(List.of(), ((Value.ListV) container(r, "a").get("env")).items());
    }

    @Test
    void aProjectDirectoryThatDoesNotExistIsReported(@TempDir Path dir) throws Exception {
        write(dir.resolve("a/compose.yaml"), "services:\n  a:\n    build: .\n");
        Path main = write(dir.resolve("compose.yaml"), "include:\n  - path: a/compose.yaml\n    project_directory: a/typo\n");
        LoadResult r = load(main);
        Diagnostic missing = r.diagnostics().stream().filter(d -> d.code().equals("I3024")).findFirst().orElseThrow();
        assertEquals(new Span(main.toString(), 3, 24, 3, 29), missing.span());
        assertEquals(List.of("I3024"), codes(r), ComposeFixtures.dump(r));
        assertEquals(dir.resolve("a/typo").toString(), str(((Value.MapV) service(r, "a").get("build")).get("contextPath")));
    }
}
