package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.codomyrmex.policy.input.compose.ComposeFixtures.file;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.named;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input: every problem is a located diagnostic, and whatever could be read is still returned. */
class ComposeErrorsTest {

    private static LoadResult load(String fixture) {
        return ComposeFixtures.load(Map.of(), fixture);
    }

    private static Diagnostic only(LoadResult r, String code) {
        List<Diagnostic> found = r.diagnostics().stream().filter(d -> d.code().equals(code)).toList();
        assertEquals(1, found.size(), ComposeFixtures.dump(r));
        return found.get(0);
    }

    private static void assertAt(Diagnostic d, String fixture, int line, int column) {
        assertEquals(file(fixture), d.span().file(), d.headline());
        assertEquals(line, d.span().line(), d.headline());
        assertEquals(column, d.span().column(), d.headline());
    }

    @Test
    void requiredVariableUnsetIsAnErrorWithItsMessage() {
        LoadResult r = load("errors/required.yaml");
        Diagnostic d = only(r, "I3002");
        assertTrue(d.isError());
        assertEquals("required variable TAG is not set: set TAG to the release", d.message());
        assertAt(d, "errors/required.yaml", 3, 12);
        // The document is still there, with the value as written.
        Document doc = ComposeFixtures.only(r);
        assertEquals("nginx:${TAG:?set TAG to the release}", str(named(doc, "containers", "web").get("image")));
        // With TAG set there is no error.
        LoadResult ok = ComposeFixtures.load(Map.of("TAG", "1.27"), "errors/required.yaml");
        assertEquals(List.of(), ok.diagnostics());
        assertEquals("nginx:1.27", str(named(ComposeFixtures.only(ok), "containers", "web").get("image")));
    }

    @Test
    void badInterpolationIsLocatedAndTheRestIsRead() {
        LoadResult r = load("errors/bad-interpolation.yaml");
        List<Diagnostic> errors = ComposeFixtures.errors(r);
        assertEquals(List.of("I3001", "I3001"), errors.stream().map(Diagnostic::code).toList());
        assertAt(errors.get(0), "errors/bad-interpolation.yaml", 5, 9);
        assertTrue(errors.get(0).message().contains("PRICE=5$"), errors.get(0).message());
        assertAt(errors.get(1), "errors/bad-interpolation.yaml", 7, 9);
        Value.MapV web = named(ComposeFixtures.only(r), "containers", "web");
        assertEquals("x", str(((Value.MapV) ((Value.ListV) web.get("env")).items().get(1)).get("value")));
    }

    @Test
    void invalidYamlIsLocatedAndGivesNoDocument() {
        LoadResult r = load("errors/invalid.yaml");
        assertEquals(List.of(), r.documents());
        Diagnostic d = only(r, "I1001");
        assertTrue(d.isError());
        assertEquals(file("errors/invalid.yaml"), d.span().file());
        assertTrue(d.span().line() >= 4, d.headline());
    }

    @Test
    void aFileThatIsNotAMappingIsAnError() {
        LoadResult r = load("errors/not-a-mapping.yaml");
        assertEquals(List.of(), r.documents());
        assertAt(only(r, "I3011"), "errors/not-a-mapping.yaml", 1, 1);
    }

    @Test
    void servicesNotAMappingIsAnErrorAndTheProjectIsStillRead() {
        LoadResult r = load("errors/services-list.yaml");
        Diagnostic d = only(r, "I3012");
        assertTrue(d.isError());
        assertAt(d, "errors/services-list.yaml", 2, 3);
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), ((Value.ListV) doc.view("services")).items());
        assertEquals(List.of(), SchemaConformance.violations(doc));
    }

    @Test
    void aServiceThatIsNotAMappingIsReportedAndTheOthersKept() {
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("s.yaml", "services:\n  a: nginx\n  b:\n    image: alpine\n")),
            ComposeFixtures.options(Map.of()));
        Diagnostic d = only(r, "I3013");
        assertEquals(new Span("s.yaml", 2, 6, 2, 10), d.span());
        assertEquals(List.of("b"), ComposeFixtures.only(r).parts().stream().map(p -> p.name()).toList());
    }

    @Test
    void unknownExtendsTargetsAreLocatedWithASuggestion() {
        LoadResult r = load("errors/extends-unknown.yaml");
        Diagnostic unknown = only(r, "I3031");
        assertAt(unknown, "errors/extends-unknown.yaml", 5, 14);
        assertEquals(Optional.of("did you mean 'web'?"), unknown.hint());
        Diagnostic missingFile = only(r, "I3033");
        assertTrue(missingFile.isError());
        assertAt(missingFile, "errors/extends-unknown.yaml", 8, 7);
        assertEquals(3, ComposeFixtures.only(r).parts().size());
    }

    @Test
    void anExtendsFileThatIsNoPathIsALocatedErrorNotAnInternalOne() {
        // A NUL in the path made the file system refuse it, which ended the whole project in I3099.
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("x.yaml",
            "services:\n  web:\n    image: nginx\n    extends:\n      file: \"a\\0b.yaml\"\n      service: base\n")),
            ComposeFixtures.options(Map.of()));
        Diagnostic d = only(r, "I3033");
        assertTrue(d.isError());
        assertTrue(d.message().contains("is not a valid path"), d.message());
        assertEquals("x.yaml:5:7", d.span().file() + ":" + d.span().line() + ":" + d.span().column());
        assertEquals("nginx", str(named(ComposeFixtures.only(r), "containers", "web").get("image")));
    }

    @Test
    void extendingAServiceOfAnEmptyFileIsAnErrorAtTheExtends(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        // The service was left without its base with only "the compose file is empty" said about the other file.
        java.nio.file.Files.writeString(tmp.resolve("empty.yaml"), "# nothing yet\n");
        Path compose = java.nio.file.Files.writeString(tmp.resolve("compose.yaml"),
            "services:\n  web:\n    extends: {file: empty.yaml, service: base}\n");
        LoadResult r = new ComposeLoader().load(InputSource.ofPath(compose.toString(), compose), ComposeFixtures.options(Map.of()));
        Diagnostic d = only(r, "I3031");
        assertTrue(d.isError());
        assertEquals(compose.toString(), d.span().file());
        assertEquals(3, d.span().line());
        assertTrue(d.message().contains("'base' is not defined in"), d.message());
    }

    @Test
    void extendsCycleIsLocated() {
        LoadResult r = load("errors/extends-cycle.yaml");
        Diagnostic d = only(r, "I3032");
        assertTrue(d.isError());
        assertTrue(d.message().startsWith("extends cycle: "), d.message());
        assertTrue(d.message().contains("a -> b -> c -> a"), d.message());
        assertAt(d, "errors/extends-cycle.yaml", 8, 14);
        Document doc = ComposeFixtures.only(r);
        assertEquals("alpine", str(named(doc, "containers", "a").get("image")));
    }

    @Test
    void typosMissingEnvFilesAndBadPortsAreReported() {
        LoadResult r = load("errors/misc.yaml");
        Diagnostic typo = only(r, "I3041");
        assertAt(typo, "errors/misc.yaml", 4, 5);
        assertEquals(Optional.of("did you mean 'privileged'?"), typo.hint());
        Diagnostic envFile = only(r, "I3046");
        assertTrue(envFile.isError());
        assertAt(envFile, "errors/misc.yaml", 5, 15);
        assertAt(only(r, "I3051"), "errors/misc.yaml", 7, 9);
        assertAt(only(r, "I3052"), "errors/misc.yaml", 8, 9);
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), ((Value.ListV) named(doc, "containers", "web").get("ports")).items());
        assertEquals(List.of(), SchemaConformance.violations(doc));
    }

    @Test
    void portsWrittenAsNumbersOutOfRangeAreReportedNotWrappedAround() {
        // 99999999999 was cast to an int (1215752191), -1 and 70000 were taken as ports: Compose refuses all three.
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("p.yaml",
            "services:\n  web:\n    image: nginx\n    ports:\n      - 99999999999\n      - -1\n      - 70000\n      - 8080\n")),
            ComposeFixtures.options(Map.of()));
        List<Diagnostic> bad = r.diagnostics().stream().filter(d -> d.code().equals("I3051")).toList();
        assertEquals(List.of(5, 6, 7), bad.stream().map(d -> d.span().line()).toList(), ComposeFixtures.dump(r));
        Value.ListV ports = (Value.ListV) named(ComposeFixtures.only(r), "containers", "web").get("ports");
        assertEquals(1, ports.items().size());
        assertEquals(8080L, ((Value.Int) ((Value.MapV) ports.items().get(0)).get("containerPort")).value());
    }

    @Test
    void exposedPortsOutOfRangeOrReversedAreReported() {
        // 70000 became a container port of 70000, and 20-10 silently exposed nothing.
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("x.yaml",
            "services:\n  web:\n    image: nginx\n    expose:\n      - \"70000\"\n      - 20-10\n      - 3000/udp\n")),
            ComposeFixtures.options(Map.of()));
        List<Diagnostic> bad = r.diagnostics().stream().filter(d -> d.code().equals("I3051")).toList();
        assertEquals(List.of(5, 6), bad.stream().map(d -> d.span().line()).toList(), ComposeFixtures.dump(r));
        Value.ListV ports = (Value.ListV) named(ComposeFixtures.only(r), "containers", "web").get("ports");
        assertEquals(1, ports.items().size());
        assertEquals(3000L, ((Value.Int) ((Value.MapV) ports.items().get(0)).get("containerPort")).value());
    }

    @Test
    void aKeyWrittenTwiceIsAnErrorAsComposeRefusesTheFile() {
        // It was the YAML loader's warning "the last one wins, as in Kubernetes and Compose": Compose refuses it.
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("d.yaml",
            "services:\n  web:\n    image: nginx\n    privileged: true\n    privileged: false\n")),
            ComposeFixtures.options(Map.of()));
        Diagnostic d = only(r, "I3015");
        assertTrue(d.isError());
        assertEquals("duplicate key 'privileged' (first at line 4); Compose refuses a file with a key written twice", d.message());
        assertEquals(5, d.span().line());
        assertEquals(5, d.span().column());
        assertTrue(r.diagnostics().stream().noneMatch(x -> x.code().equals("I1011")), ComposeFixtures.dump(r));
        Value privileged = named(ComposeFixtures.only(r), "containers", "web").get("privileged");
        assertEquals(false, ((Value.Bool) privileged).value());
    }

    @Test
    void aNullKeyIsAnErrorAsComposeRefusesNonStringKeys() {
        // compose-go refuses a key go-yaml reads as nil ("Non-string key in services.web: <nil>"); it was the key "~".
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("n.yaml",
            "services:\n  web:\n    image: nginx\n    ~: x\n")), ComposeFixtures.options(Map.of()));
        Diagnostic d = only(r, "I1015");
        assertTrue(d.isError());
        assertEquals(4, d.span().line());
        assertEquals(5, d.span().column());
        assertEquals(null, named(ComposeFixtures.only(r), "services", "web").entries().get("~"));
    }

    @Test
    void portsInOtherDigitsOrWithASignAreNotPorts() {
        // Integer.parseInt read "\u0668\u0660" as 80 and "+22" as 22; Compose refuses both.
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("n.yaml",
            "services:\n  web:\n    image: nginx\n    ports:\n      - \"\u0668\u0660:80\"\n      - \"+22:22\"\n"
                + "      - \"8080:80\"\n    expose: [\"+9000\"]\n")),
            ComposeFixtures.options(Map.of()));
        List<Diagnostic> bad = r.diagnostics().stream().filter(d -> d.code().equals("I3051")).toList();
        assertEquals(List.of(5, 6, 8), bad.stream().map(d -> d.span().line()).toList(), ComposeFixtures.dump(r));
        Value.ListV ports = (Value.ListV) named(ComposeFixtures.only(r), "containers", "web").get("ports");
        assertEquals(1, ports.items().size());
        assertEquals(8080L, ((Value.Int) ((Value.MapV) ports.items().get(0)).get("hostPort")).value());
    }

    @Test
    void aLongSyntaxDeviceWithoutASourceIsReportedNotReadAsNull() {
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("dev.yaml",
            "services:\n  web:\n    image: nginx\n    devices:\n      - {target: /dev/fuse}\n      - {source: /dev/kvm, target: /dev/kvm}\n")),
            ComposeFixtures.options(Map.of()));
        Diagnostic d = only(r, "I3058");
        assertEquals(5, d.span().line());
        Value.ListV devices = (Value.ListV) named(ComposeFixtures.only(r), "containers", "web").get("devices");
        assertEquals(List.of("/dev/kvm"), devices.items().stream().map(v -> str(v)).toList());
    }

    @Test
    void emptyTooLargeUnreadableAndMissingInputs() {
        LoadResult empty = ComposeLoader.loadProject(List.of(InputSource.ofText("e.yaml", "# nothing\n")), ComposeFixtures.options(Map.of()));
        assertEquals(List.of(), empty.documents());
        assertEquals("I3010", empty.diagnostics().get(0).code());

        LoadOptions tiny = new LoadOptions(10, 100, 100, Map.of());
        LoadResult big = new ComposeLoader().load(ComposeFixtures.source("webapp/compose.yaml"), tiny);
        assertEquals(List.of(), big.documents());
        assertEquals("I3005", big.diagnostics().get(0).code());

        Path nowhere = Path.of("src/test/resources/compose/does-not-exist.yaml");
        LoadResult missing = new ComposeLoader().load(InputSource.ofPath(nowhere.toString(), nowhere), ComposeFixtures.options(Map.of()));
        assertEquals(List.of(), missing.documents());
        assertEquals("I3004", missing.diagnostics().get(0).code());
        assertEquals(nowhere.toString(), missing.diagnostics().get(0).span().file());

        LoadResult none = ComposeLoader.loadProject(List.of(), ComposeFixtures.options(Map.of()));
        assertEquals("I3000", none.diagnostics().get(0).code());
    }

    @Test
    void wrongTypesAreWarningsNotCrashes() {
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("t.yaml", """
            services:
              s:
                image: [not, a, string]
                privileged: sometimes
                pids_limit: many
                ports: [{published: 80}, [1, 2], "a:b"]
                volumes: [":", 5]
                healthcheck: yes
                environment: 3
                build: 7
            """)), ComposeFixtures.options(Map.of()));
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        assertTrue(r.diagnostics().size() >= 9, ComposeFixtures.dump(r));
        assertTrue(r.diagnostics().stream().allMatch(d -> d.span().isKnown() && d.span().file().equals("t.yaml")), ComposeFixtures.dump(r));
        Value.MapV s = named(doc, "containers", "s");
        assertTrue(s.get("image") instanceof Value.Null);
        assertTrue(s.get("privileged") instanceof Value.Null);
    }

    @Test
    void filesOutsideTheProjectAreNotRead(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path project = java.nio.file.Files.createDirectories(tmp.resolve("project"));
        java.nio.file.Files.writeString(tmp.resolve("secret.env"), "AWS_SECRET_ACCESS_KEY=do-not-leak\n");
        java.nio.file.Files.writeString(tmp.resolve("base.yaml"), "services:\n  b:\n    image: alpine\n");
        java.nio.file.Files.writeString(project.resolve("inside.env"), "OK=1\n");
        Path compose = java.nio.file.Files.writeString(project.resolve("compose.yaml"), """
            services:
              web:
                image: nginx
                env_file: [../secret.env, inside.env]
              other:
                extends: {file: ../base.yaml, service: b}
            """);
        LoadResult r = new ComposeLoader().load(InputSource.ofPath(compose.toString(), compose), ComposeFixtures.options(Map.of()));
        List<Diagnostic> refused = r.diagnostics().stream().filter(d -> d.code().equals("I3007")).toList();
        assertEquals(2, refused.size(), ComposeFixtures.dump(r));
        // extends is resolved first (line 6), env files when the model is built (line 4).
        assertEquals(6, refused.get(0).span().line());
        assertEquals(new Span(compose.toString(), 4, 16, 4, 28), refused.get(1).span());
        Value.ListV env = (Value.ListV) named(ComposeFixtures.only(r), "containers", "web").get("env");
        assertEquals(List.of("OK"), env.items().stream().map(v -> str(((Value.MapV) v).get("name"))).toList());
        assertTrue(ComposeFixtures.dump(r).indexOf("do-not-leak") < 0);
    }

    @Test
    void unknownTopLevelFieldsAndMissingIncludesAreReported() {
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("top.yaml",
            "include: [no-such-file.yaml]\nservice:\n  web: {}\nx-anchors: {}\nservices:\n  web:\n    image: nginx\n")),
            ComposeFixtures.options(Map.of()));
        Diagnostic missing = only(r, "I3019");
        assertEquals(new Span("top.yaml", 1, 11, 1, 27), missing.span());
        assertTrue(missing.message().contains("no-such-file.yaml does not exist"), missing.message());
        Diagnostic typo = only(r, "I3016");
        assertEquals(2, typo.span().line());
        assertEquals(Optional.of("did you mean 'services'?"), typo.hint());
        assertEquals(2, r.diagnostics().size(), ComposeFixtures.dump(r));
    }
}
