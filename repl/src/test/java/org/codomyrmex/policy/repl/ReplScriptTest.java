package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.api.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REPL as a script ({@code policy repl < script}): results only, exit code 1 when an input failed. */
class ReplScriptTest {
    static final String DEPLOYMENT = ReplTerminalTest.DEPLOYMENT;

    record Run(int code, String out) {
    }

    static Run run(String... lines) {
        StringWriter out = new StringWriter();
        int code = Repl.script(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")), new PrintWriter(out), List.of());
        return new Run(code, out.toString());
    }

    @Test
    void expressionsPrintTheirValueAndWhereItCameFrom() {
        Run r = run(":load " + DEPLOYMENT, "containers[1].image", "len(containers)", "[c.name for c in containers]");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("\"prom/exporter:latest\"    # " + DEPLOYMENT + ":20:18\n"), r.out());
        assertTrue(r.out().contains("\n2\n"), r.out());
        assertTrue(r.out().contains("[\"app\", \"metrics\"]\n"), r.out());
    }

    @Test
    void withoutInputsExpressionsStillEvaluate() {
        Run r = run("upper(\"ab\") + \"c\"", "7 / 2", "{a: 1}.a");
        assertEquals(0, r.code(), r.out());
        assertEquals("\"ABc\"\n3\n1\n", r.out());
    }

    @Test
    void letAndForBindNamesForLaterExpressions() {
        Run r = run(":load " + DEPLOYMENT, "let c = containers[0]", "c.name", "for k in containers",
            "k.securityContext.privileged == true", ":let", ":unlet k", "k");
        assertTrue(r.out().contains("c: KubeContainer = {\"name\": \"app\""), r.out());
        assertTrue(r.out().contains("\"app\"    # " + DEPLOYMENT + ":14:17"), r.out());
        assertTrue(r.out().contains("k: KubeContainer, each element in turn"), r.out());
        assertTrue(r.out().contains("k=app  true\nk=metrics  false\n"), r.out());
        assertTrue(r.out().contains("let c    # let c = containers[0]"), r.out());
        assertTrue(r.out().contains("unbound k"), r.out());
        assertTrue(r.out().contains("error[C2043]: unknown name 'k'"), r.out());
        assertEquals(1, r.code());
    }

    @Test
    void aBindingMayUseEarlierOnesButNotItself() {
        Run r = run(":load " + DEPLOYMENT, "let c = containers[0]", "let sc = c.securityContext", "sc.privileged",
            "let c = c.name");
        assertTrue(r.out().contains("sc: KubeSecurityContext = {\"privileged\": true"), r.out());
        assertTrue(r.out().contains("\ntrue    # " + DEPLOYMENT + ":17:25\n"), r.out());
        assertTrue(r.out().contains("error: a binding cannot use its own name"), r.out());
        assertEquals(1, r.code());
    }

    /** A path with spaces was split at them: it is quoted or its spaces escaped, as in a shell. */
    @Test
    void loadTakesPathsWithSpacesQuotedOrEscaped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my dir").resolve("pod 1.yaml");
        Files.createDirectories(file.getParent());
        Files.copy(Path.of(DEPLOYMENT), file);
        String escaped = file.toString().replace(" ", "\\ ");
        Run r = run(":load \"" + file + "\" '" + file + "'", ":load " + escaped, "len(containers)", ":load \"" + file);
        assertTrue(r.out().contains("[1] " + file + ": "), r.out());
        assertTrue(r.out().contains("[2] " + file + ": "), r.out());
        assertTrue(r.out().contains("[3] " + file + ": "), r.out());
        assertTrue(r.out().contains("\n2\n"), r.out());
        assertTrue(r.out().contains("error: unclosed quote in :load"), r.out());
        assertFalse(r.out().contains("no such file"), r.out());
        assertEquals(List.of("a\\b", "c d", "e'f"), ReplSession.paths("a\\b c\\ d \"e'f\"").orElseThrow(), "a Windows backslash stays");
    }

    /** The lexer counts code points, the header offset is a char offset: an emoji before the value shifted it. */
    @Test
    void aBindingAfterAnEmojiInItsHeader() {
        Run r = run("let /*\uD83D\uDE00*/ x =1 + 2", "x");
        assertEquals(0, r.code(), r.out());
        assertEquals("x: int = 3\n3\n", r.out());
    }

    @Test
    void letWithInIsAnExpressionNotABinding() {
        Run r = run("let x = 20 in x * 2 + 2", "x");
        assertTrue(r.out().startsWith("42\n"), r.out());
        assertTrue(r.out().contains("unknown name 'x'"), r.out());
    }

    @Test
    void aRuleOverSeveralLinesShowsItsFindingsAtOnceAndAgainOnLoad() {
        Run r = run("rule SHOP-2 \"Image uses latest\" {",
            "  severity medium",
            "  threat image-security",
            "  for c in containers",
            "  where endswith(c.image, \":latest\")",
            "  report \"{c.name} uses {c.image}\" at c.image",
            "}",
            ":load " + DEPLOYMENT);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("defined rule SHOP-2 \"Image uses latest\""), r.out());
        assertTrue(r.out().contains("no inputs loaded: :load a file to see this rule's findings"), r.out());
        assertTrue(r.out().contains("SHOP-2: 1 finding on 1 input\n  " + DEPLOYMENT + ":20:18: SHOP-2 medium: metrics uses prom/exporter:latest"), r.out());
    }

    @Test
    void aRuleTitleIsEchoedAsWrittenWithItsEscapes() {
        Run r = run("rule SHOP-3 \"a \\\"b\\\" c\\\\d\" {",
            "  severity low",
            "  threat image-security",
            "  for c in containers",
            "  report \"{c.name}\" at c.image",
            "}",
            ":doc SHOP-3");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("defined rule SHOP-3 \"a \\\"b\\\" c\\\\d\" (applies to"), r.out());
        assertTrue(r.out().contains("  rule SHOP-3 \"a \\\"b\\\" c\\\\d\" {\n"), r.out()); // :doc shows the source
    }

    @Test
    void aBadDefinitionIsRejectedWithACaretAndTheOldOneStays() {
        Run r = run("func twice(x) = x * 2", "func twice(x) = x * y", "twice(21)");
        assertTrue(r.out().contains("defined func twice(x)"), r.out());
        assertTrue(r.out().contains("<input 2>:1:21: error[C2043]: unknown name 'y'\n   1 | func twice(x) = x * y\n     |                     ^"), r.out());
        assertTrue(r.out().contains("(not defined; the session keeps its previous definitions)"), r.out());
        assertTrue(r.out().endsWith("42\n"), r.out());
        assertEquals(1, r.code());
    }

    @Test
    void syntaxErrorsPointIntoTheInput() {
        Run r = run("1 + * 2", "3");
        assertTrue(r.out().contains("<input 1>:1:5: error[P1001]"), r.out());
        assertTrue(r.out().contains("   1 | 1 + * 2\n     |     ^"), r.out());
        assertTrue(r.out().endsWith("3\n"), r.out());
        assertEquals(1, r.code());
    }

    @Test
    void typeDocAndTrace() {
        Run r = run(":load " + DEPLOYMENT, ":type containers[0].securityContext", ":type [c.name for c in containers]",
            ":doc startswith", ":doc KubeSecurityContext", ":doc containers", ":doc containers[0].securityContext.runAsNonRoot",
            ":trace count c in containers: c.securityContext.privileged == true");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("KubeSecurityContext\n"), r.out());
        assertTrue(r.out().contains("list<string>\n"), r.out());
        assertTrue(r.out().contains("startswith(s: string, prefix: string) -> bool"), r.out());
        assertTrue(r.out().contains("type KubeSecurityContext"), r.out());
        assertTrue(r.out().contains("\n  privileged: bool"), r.out());
        assertTrue(r.out().contains("view containers of kubernetes inputs: list<KubeContainer>"), r.out());
        assertTrue(r.out().contains("containers[0].securityContext.runAsNonRoot: bool (field of KubeSecurityContext)"), r.out());
        // The trace: every step nested under the one that needed it, values with their place in the input.
        assertTrue(r.out().contains("count c in containers: c.securityContext.privileged == true = 1\n"
            + "  containers = [{"), r.out());
        assertTrue(r.out().contains("  c.securityContext.privileged == true = true\n"
            + "    c.securityContext.privileged = true    # " + DEPLOYMENT + ":17:25\n"), r.out());
        assertTrue(r.out().contains("  c.securityContext.privileged == true = false\n"
            + "    c.securityContext.privileged = null"), r.out());
        assertTrue(r.out().endsWith("=> 1\n"), r.out());
    }

    @Test
    void docOfARuleFromTheStandardLibraryAndOfSessionNames() {
        String id = PolicyEngine.builder().build().rules().get(0).id();
        Run r = run(":doc " + id, "const limit = 3", ":doc limit", ":doc nosuchthing");
        assertTrue(r.out().contains("rule " + id + " \""), r.out());
        assertTrue(r.out().contains("const limit (session)\n  const limit = 3"), r.out());
        assertTrue(r.out().contains("error: nothing is named 'nosuchthing'"), r.out());
    }

    @Test
    void checkRunsTheStandardLibraryAndOrTheSessionRules() {
        Run r = run(":load " + DEPLOYMENT,
            "rule SHOP-3 \"Never\" { severity low threat image-security for c in containers where c.name == \"app\" report \"x\" }",
            ":check session", ":check stdlib", ":check");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("1 finding from 1 rules (session) on 1 input"), r.out());
        int stdlibRules = PolicyEngine.builder().build().rules().size();
        assertTrue(r.out().contains("from " + stdlibRules + " rules (stdlib) on 1 input"), r.out());
        assertTrue(r.out().contains("from " + (stdlibRules + 1) + " rules (all) on 1 input"), r.out());
        assertTrue(r.out().contains(DEPLOYMENT + ":14:11 low SHOP-3 x [Deployment/prod/shop container app]"), r.out());
    }

    @Test
    void testsTypedInTheSessionRunWithTest(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("out/session.policy");
        Run r = run(
            "rule SHOP-4 \"Runs as root allowed\" {",
            "  severity high",
            "  threat container-escape",
            "  on kubernetes",
            "  for c in containers",
            "  where c.securityContext.runAsNonRoot == false",
            "  report \"{c.name} may run as root\" at c.securityContext.runAsNonRoot",
            "}",
            "test \"runAsNonRoot false is reported\" {",
            "  given k8s \"\"\"",
            "    apiVersion: v1",
            "    kind: Pod",
            "    metadata: {name: p}",
            "    spec:",
            "      containers:",
            "        - name: a",
            "          image: x",
            "          securityContext: {runAsNonRoot: false}",
            "  \"\"\"",
            "  expect SHOP-4 at line 8",
            "}",
            "test \"wrong line\" {",
            "  given k8s \"\"\"",
            "    apiVersion: v1",
            "    kind: Pod",
            "    metadata: {name: p}",
            "    spec: {containers: [{name: a, image: x, securityContext: {runAsNonRoot: false}}]}",
            "  \"\"\"",
            "  expect SHOP-4 at line 2",
            "}",
            ":test",
            ":save " + saved);
        assertTrue(r.out().contains("PASS runAsNonRoot false is reported"), r.out());
        assertTrue(r.out().contains("FAIL wrong line"), r.out());
        assertTrue(r.out().contains("expected SHOP-4 at line 2, but it reported SHOP-4 at line 4"), r.out());
        assertTrue(r.out().contains("1 passed, 1 failed"), r.out());
        assertEquals(1, r.code()); // a failed test fails the script

        // The saved module keeps the test's text block as typed, and `policy test` runs it the same way.
        String module = Files.readString(saved);
        assertTrue(module.contains("rule SHOP-4 \"Runs as root allowed\" {\n  severity high\n"), module);
        assertTrue(module.contains("  given k8s \"\"\"\n    apiVersion: v1\n"), module);
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicyPath(saved).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        PolicyTests.Outcome outcome = PolicyTests.run(engine, t -> true);
        assertEquals(1, outcome.passedCount());
        assertEquals(1, outcome.failedCount());
    }

    @Test
    void redefiningReplacesAndSaveWritesEachOnce(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("s.policy");
        Run r = run("const n = 1", "const n = 2", "/// Doubles.", "func f(x) = x * n", "f(5)", ":save " + saved, ":rules");
        assertTrue(r.out().contains("defined const n: int\nredefined const n: int\n"), r.out());
        assertTrue(r.out().contains("\n10\n"), r.out());
        String module = Files.readString(saved);
        assertEquals(1, module.split("const n", -1).length - 1, module);
        assertTrue(module.contains("const n = 2\n\n/// Doubles.\nfunc f(x) = x * n\n"), module);
        assertTrue(r.out().contains("no session rules yet"), r.out());
    }

    @Test
    void importBringsAStandardLibraryPackagesFunctionsAndConstants() {
        Run r = run("import escape as e", "e.under(\"/etc/ssl\", \"/etc\")", "e.is_root_user(\"0:0\")",
            "contains(e.safe_sysctls, \"kernel.shm_rmid_forced\")", "import escape", "escape.under(\"/a\", \"/b\")",
            ":doc e.under");
        assertEquals(0, r.code(), r.out());
        // The package's size changes as the standard library grows: the count is a number, the names come first.
        assertTrue(r.out().matches("(?s)imported escape as e: [0-9]+ functions \\(e\\.host_path, e\\.under, .*"), r.out());
        assertTrue(r.out().contains("\ntrue\ntrue\ntrue\nimported escape: "), r.out());
        assertTrue(r.out().contains("\nfalse\n"), r.out());
        assertTrue(r.out().contains("e.under (package escape)\n  func under(p, dir) = p == dir or startswith(p, dir + \"/\")"), r.out());
    }

    static final String TEAM_POLICY = """
        package team

        const approved = ["registry.example.com"]

        func approved_image(ref) = any r in approved: startswith(ref, r + "/")

        rule TEAM-001 "Image from an unapproved registry" {
          severity medium
          threat registry-security
          for c in containers
          where c.image != null and not approved_image(c.image)
          report "{c.name} pulls {c.image}" at c.image
        }
        """;

    /** `policy repl --policy DIR`: the team's package can be imported, its rules are listed and run by :check. */
    @Test
    void policiesGivenAtTheStartCanBeImportedAndTheirRulesRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("team.policy"), TEAM_POLICY);
        String script = String.join("\n", ":load " + DEPLOYMENT, "import team as t", "t.approved_image(\"registry.example.com/app:1\")",
            "t.approved_image(containers[1].image)", ":rules stdlib", ":check stdlib") + "\n";
        StringWriter out = new StringWriter();
        int code = Repl.script(new BufferedReader(new StringReader(script)), new PrintWriter(out), List.of(), List.of(dir));
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.startsWith("loaded 1 rule from " + dir + "\n"), text);
        assertTrue(text.contains("imported team as t: 1 function (t.approved_image), 1 constant (t.approved)"), text);
        assertTrue(text.contains("\ntrue\nfalse\n"), text);
        assertTrue(text.contains("\nTEAM-001 "), text);
        assertTrue(text.contains("TEAM-001 metrics pulls prom/exporter:latest"), text);
    }

    @Test
    void policiesWithErrorsAreShownAndLeftOut(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("broken.policy"), "package broken\nfunc f(x) = x +\n");
        StringWriter out = new StringWriter();
        int code = Repl.script(new BufferedReader(new StringReader("import broken\n")), new PrintWriter(out), List.of(), List.of(dir));
        String text = out.toString();
        assertEquals(1, code, text);
        assertTrue(text.contains("broken.policy:"), text);
        assertTrue(text.contains("policies not loaded: " + dir), text);
        assertTrue(text.contains("no package named 'broken' to import"), text);
    }

    @Test
    void anImportIsCheckedAndLocatedAndOtherwiseLikeADefinition() {
        Run r = run("import escapee as e", "let b = 1", "import escape as b", "import escape as e", "let e = 2",
            "import images as e", "import escape as e", "package x", "e.nothing(1)", ":reset", "e.under(\"/a\", \"/\")");
        assertTrue(r.out().startsWith("<input 1>:1:1: error[C2004]: no package named 'escapee' to import\n"
            + "   1 | import escapee as e\n     | ^^^^^^^^^^^^^^^^^^^\n"
            + "     = hint: did you mean 'escape'? the packages that can be imported (the standard library's and --policy's): "), r.out());
        assertTrue(r.out().contains("error: 'b' is a session binding: import under another name (import escape as NAME), or :unlet b first"), r.out());
        assertTrue(r.out().contains("error: 'e' names the imported package escape: choose another name"), r.out());
        // One name, one package: definitions may already use it. The same import again is no change.
        assertTrue(r.out().contains("error: 'e' is already the import of escape: import images under another name (import images as NAME)\n"
            + "imported escape as e: "), r.out());
        assertTrue(r.out().contains("error: the session is package main: 'package' is not available at the prompt (import is: import escape as e)"), r.out());
        assertTrue(r.out().contains("error[C2049]: package escape has no function 'nothing'"), r.out());
        // :reset forgets imports with everything else.
        assertTrue(r.out().contains("session reset: no inputs, definitions, bindings or imports\n<input"), r.out());
        assertTrue(r.out().contains("unknown name 'e'"), r.out());
        assertEquals(1, r.code());
    }

    @Test
    void definitionsUseImportsAndSaveWritesThem(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("imports.policy");
        Run r = run(":load " + DEPLOYMENT,
            "import escape as e",
            "func runs_as_root(c) = e.is_root_user(c.user) or c.securityContext.runAsUser == 0",
            "rule SHOP-5 \"Under /etc\" { severity low threat container-escape for c in containers where e.under(c.name, \"app\") report \"{c.name}\" }",
            "test \"under\" { given k8s file \"" + DEPLOYMENT + "\" expect SHOP-5 expect 1 findings }",
            ":rules", ":check session", ":test", ":save " + saved);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("SHOP-5: 1 finding on 1 input"), r.out());
        // Only the session's rules and tests: the imported package's are not the session's.
        assertTrue(r.out().contains("\nSHOP-5 "), r.out());
        assertTrue(r.out().contains("1 finding from 1 rules (session) on 1 input"), r.out());
        assertTrue(r.out().contains("PASS under\n1 passed, 0 failed"), r.out());
        assertTrue(r.out().contains("(try: policy test --stdlib " + saved + ")"), r.out());
        String module = Files.readString(saved);
        assertTrue(module.contains("\nimport escape as e\n\nfunc runs_as_root(c) = "), module);
        // The saved module works with the standard library loaded, as `policy check --policy` loads it.
        PolicyEngine engine = PolicyEngine.builder().addPolicyPath(saved).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        Report report = engine.check(Path.of(DEPLOYMENT));
        assertEquals(1, report.findings().stream().filter(f -> f.ruleId().equals("SHOP-5")).count(), report.findings().toString());
    }

    @Test
    void inputsUseAndReset() {
        Run r = run(":inputs", ":input compose", "services:", "  web: {image: nginx, privileged: true}", "",
            ":load " + DEPLOYMENT, ":inputs", ":use 1", "containers[0].privileged", ":use 9", ":reset", ":inputs");
        assertTrue(r.out().contains("no inputs loaded"), r.out());
        assertTrue(r.out().contains("[1] input-1.yaml: "), r.out());
        assertTrue(r.out().contains("(compose)"), r.out());
        assertTrue(r.out().contains("* [2] " + DEPLOYMENT), r.out());
        assertTrue(r.out().contains("true    # input-1.yaml:2:35"), r.out());
        assertTrue(r.out().contains("error: usage: :use N"), r.out());
        assertTrue(r.out().contains("session reset"), r.out());
        assertTrue(r.out().endsWith("no inputs loaded: :load FILE or :input KIND\n"), r.out());
    }

    /** The value of a binding may start on the line after `let x =`: its errors point at that line. */
    @Test
    void aBindingsValueOnTheNextLineKeepsItsLine() {
        Run r = run(":load " + DEPLOYMENT, "let z =", "  containers[0].nme");
        assertTrue(r.out().contains("<input 1>:2:17: error[C2045]: unknown field 'nme' of KubeContainer\n"
            + "   2 |   containers[0].nme\n     |                 ^^^\n"), r.out());
    }

    @Test
    void aFolderLoadsEveryInputOfAKnownKind() {
        String folder = Path.of(DEPLOYMENT).getParent().toString();
        Run r = run(":load " + folder, "kind");
        assertTrue(r.out().contains("skipped 1 files of no known kind: " + folder + "/PROVENANCE.md"), r.out());
        assertTrue(r.out().contains("[1] " + DEPLOYMENT + ": Deployment/prod/shop (kubernetes)  (current)"), r.out());
        assertTrue(r.out().endsWith("\"Deployment\"    # " + DEPLOYMENT + ":2:7\n"), r.out());
    }

    @Test
    void pastedInputEndsAtTheDelimiterWhenOneIsGiven() {
        Run r = run(":input dockerfile EOF", "FROM alpine:3.20", "", "USER root", "EOF", "containers[0].user");
        assertTrue(r.out().contains("(dockerfile)"), r.out());
        assertTrue(r.out().contains("\"root\""), r.out());
    }

    @Test
    void badLoadsAndUnknownCommandsAreErrorsNotCrashes() {
        Run r = run(":load /no/such/file.yaml", ":lod x", ":input nonsense", "package x", "1");
        assertTrue(r.out().contains("/no/such/file.yaml"), r.out());
        assertTrue(r.out().contains("error: unknown command :lod; did you mean ':load'?"), r.out());
        assertTrue(r.out().contains("error: unknown input kind 'nonsense'"), r.out());
        assertTrue(r.out().contains("error: the session is package main: 'package' is not available at the prompt"), r.out());
        assertTrue(r.out().endsWith("1\n"), r.out());
        assertEquals(1, r.code());
    }

    @Test
    void quitEndsTheScriptAndAnUnfinishedInputIsAnError() {
        assertEquals("1\n", run("1", ":quit", "2").out());
        Run r = run("(1 +");
        assertTrue(r.out().contains("error[P1001]"), r.out());
        assertEquals(1, r.code());
    }
}
