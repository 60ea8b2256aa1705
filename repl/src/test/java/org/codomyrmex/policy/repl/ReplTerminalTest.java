package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.model.Finding;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REPL driven through a JLine dumb terminal with scripted keystrokes, as a user would type. */
class ReplTerminalTest {
    static final String DEPLOYMENT = fixture("inputs/deployment.yaml");

    static String fixture(String name) {
        try {
            return Path.of(ReplTerminalTest.class.getResource(name).toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Types {@code keys} into a session on a dumb terminal; returns everything the terminal showed. */
    static String type(String keys, Path history) throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
            new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), shown, StandardCharsets.UTF_8)) {
            assertEquals(0, Repl.interactive(terminal, Optional.of(history), List.of()));
        }
        return shown.toString(StandardCharsets.UTF_8);
    }

    @Test
    void doneWhenScript(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("session.policy");
        String out = type(String.join("\n",
            ":load " + DEPLOYMENT,
            "let c = containers[0]",
            "c.securityContext.priv\t",
            "rule SHOP-1 \"Container runs privileged\" {",
            "  severity critical threat container-escape",
            "  for c in containers where c.privileged == true report \"{c.name} is privileged\" at c.privileged }",
            ":save " + saved,
            ""), dir.resolve("history"));

        // Tab completed the field from the KubeSecurityContext model (a dumb terminal does not echo, but the
        // accepted line is in the history), and the value prints with where it is in the input.
        assertTrue(Files.readString(dir.resolve("history")).contains(":c.securityContext.privileged\n"));
        assertTrue(out.contains("true    # " + DEPLOYMENT + ":17:25"), out);
        // The rule typed over three lines reports its finding at once, with the input line and a caret.
        assertTrue(out.contains("defined rule SHOP-1"), out);
        assertTrue(out.contains("SHOP-1: 1 finding on 1 input"), out);
        assertTrue(out.contains(DEPLOYMENT + ":17:25: SHOP-1 critical: app is privileged"), out);
        assertTrue(out.contains("17 |             privileged: true"), out);

        // The saved module is accepted by `policy test` and `policy check --policy` (through the engine API).
        PolicyEngine onlySession = PolicyEngine.builder().standardLibrary(false).addPolicyPath(saved).build();
        assertFalse(onlySession.hasPolicyErrors(), onlySession.policyDiagnostics().toString());
        PolicyTests.Outcome tests = PolicyTests.run(onlySession, t -> true);
        assertEquals(0, tests.failedCount());
        PolicyEngine withStdlib = PolicyEngine.builder().addPolicyPath(saved).build();
        assertFalse(withStdlib.hasPolicyErrors(), withStdlib.policyDiagnostics().toString());
        Report report = withStdlib.check(List.of(InputSource.ofPath(DEPLOYMENT, Path.of(DEPLOYMENT))), Optional.empty());
        List<Finding> mine = report.findings().stream().filter(f -> f.ruleId().equals("SHOP-1")).toList();
        assertEquals(1, mine.size());
        assertEquals(17, mine.get(0).location().line());
    }

    @Test
    void tabInAMultiLineRuleSeesTheClausesBeforeIt(@TempDir Path dir) throws Exception {
        // The completer gets the whole input, earlier lines too; the `for` shares its line with the `where`.
        // Tab adds the space after the completed field.
        String out = type(String.join("\n",
            ":load " + DEPLOYMENT,
            "rule SHOP-2 \"Privileged\" {",
            "  severity high threat container-escape",
            "  for c in containers where c.securityContext.priv\t== true report \"{c.name}\" }",
            ""), dir.resolve("history"));
        assertTrue(out.contains("SHOP-2: 1 finding on 1 input"), out);
        String saved = Files.readString(dir.resolve("history"));
        assertTrue(saved.contains("where c.securityContext.privileged == true"), saved);
    }

    @Test
    void tabCompletesAPathWithSpacesSoThatItLoads(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("my dir"));
        Files.copy(Path.of(DEPLOYMENT), folder.resolve("my pod.yaml"));
        String base = dir.toString().replace(" ", "\\ ");
        String out = type(String.join("\n",
            ":load " + base + "/my\t" + "my\t",
            ":load \"" + dir + "/my dir/my\t",
            ""), dir.resolve("history"));
        String saved = Files.readString(dir.resolve("history"));
        assertTrue(saved.contains(":load " + base.replace("\\", "\\\\") + "/my\\\\ dir/my\\\\ pod.yaml"), saved);
        assertTrue(saved.contains(":load \"" + dir + "/my dir/my pod.yaml\""), saved);
        assertFalse(out.contains("no such file"), out);
        assertTrue(out.contains("my pod.yaml: Deployment/prod/shop") && out.contains("[2] "), out);
    }

    @Test
    void historyIsKeptInTheGivenFile(@TempDir Path dir) throws Exception {
        Path history = dir.resolve("h");
        type("1 + 2\n(3 +\n4)\n", history);
        String saved = Files.readString(history);
        assertTrue(saved.contains("1 + 2"), saved);
        assertTrue(saved.contains("(3 +\\n4)"), saved); // one entry for the multi-line input
        // A second session sees the first one's history: Ctrl-P (previous entry) recalls "(3 +\n4)".
        String out = type("\u0010\n", history);
        assertTrue(out.contains("policy> 7\n"), out);
    }

    @Test
    void ctrlCDropsTheCurrentInputAndTheSessionGoesOn(@TempDir Path dir) throws Exception {
        String out = type("(1 +\n2\u0003" + "40 + 2\n", dir.resolve("h"));
        assertTrue(out.contains("42"), out);
        assertFalse(out.contains("\n3"), out);
    }

    @Test
    void ctrlDLeaves(@TempDir Path dir) throws Exception {
        String out = type("1 + 1\n\u0004" + "5 * 5\n", dir.resolve("h"));
        assertTrue(out.contains("2"), out);
        assertFalse(out.contains("25"), out);
    }

    @Test
    void errorsShowACaretAndTheSessionGoesOn(@TempDir Path dir) throws Exception {
        String out = type(":load " + DEPLOYMENT + "\ncontainers[0].securityContext.privilgd\n2 * 21\n", dir.resolve("h"));
        assertTrue(out.contains("error[C2045]: unknown field 'privilgd' of KubeSecurityContext"), out);
        assertTrue(out.contains("   1 | containers[0].securityContext.privilgd\n     |                               ^^^^^^^^"), out);
        assertTrue(out.contains("did you mean 'privileged'?"), out);
        assertTrue(out.contains("42"), out);
    }

    @Test
    void pastedInputEndsAtABlankLine(@TempDir Path dir) throws Exception {
        String out = type(String.join("\n", ":input k8s", "apiVersion: v1", "kind: Pod", "metadata: {name: p}", "spec:",
            "  containers:", "    - {name: one, image: busybox}", "", "containers[0].image", ""), dir.resolve("h"));
        assertTrue(out.contains("Pod/p (kubernetes)"), out);
        assertTrue(out.contains("\"busybox\"    # input-1.yaml:6:26"), out);
    }
}
