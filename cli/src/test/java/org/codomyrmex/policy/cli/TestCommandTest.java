package org.codomyrmex.policy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code policy test} in process: what a policy's author reads. */
class TestCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCommand.execute(args, new PrintWriter(out), new PrintWriter(err), InputStream.nullInputStream());
        return new Run(exit, out.toString(), err.toString());
    }

    /** The checker's warnings were shown by no command but check --verbose: a rule that can never fire passed its tests silently. */
    @Test
    void showsTheCheckersWarningsOfThePoliciesUnderTest(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("w.policy");
        Files.writeString(policy, """
            package w
            rule W-1 "never fires" {
              severity low
              threat container-escape
              for c in containers
              where c.privileged == "true"
              report "x" at c
            }

            test "nothing to see" {
              given k8s \"""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: a, image: nginx:1.27}]
              \"""
              expect no W-1
            }
            """);
        Run r = run("test", policy.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("w.policy:6:9: warning[C3004]: comparing a bool with a string is always false"), r.err());
        assertTrue(r.out().contains("1 passed, 0 failed"), r.out());
    }

    /** 2 of 3 rules is 66.7%: shown rounded to 67, it read "rule coverage 67% is under --fail-under 67%". */
    @Test
    void coverageUnderTheThresholdIsNeverShownAsEqualToIt(@TempDir Path dir) throws Exception {
        StringBuilder text = new StringBuilder("package c\n");
        for (int i = 1; i <= 3; i++) {
            text.append("rule C-").append(i).append(" \"r\" {\n  severity low\n  threat container-escape\n")
                .append("  for c in containers\n  where c.privileged == true\n  report \"x\" at c\n}\n\n");
        }
        text.append("test \"t\" {\n  given compose \"services: {a: {image: x, privileged: true}}\"\n")
            .append("  expect C-1\n  expect C-2\n}\n");
        Path policy = dir.resolve("c.policy");
        Files.writeString(policy, text);
        java.util.Locale saved = java.util.Locale.getDefault();
        Run r;
        try {
            // Under ar-EG the numbers came out in Arabic-Indic digits.
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG"));
            r = run("test", policy.toString(), "--fail-under", "67", "--coverage");
        } finally {
            java.util.Locale.setDefault(saved);
        }
        assertTrue(r.out().contains("C-3                   0  yes"), r.out());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("coverage: 2 of 3 rules tested (66%)"), r.out());
        assertTrue(r.err().contains("policy: rule coverage 66% is under --fail-under 67%"), r.err());
    }
}
