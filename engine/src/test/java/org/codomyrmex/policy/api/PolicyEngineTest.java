package org.codomyrmex.policy.api;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.model.Finding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyEngineTest {
    static final String RULE = """
        package escape

        rule ESC-001 "Container runs privileged" {
          severity critical
          threat container-escape
          refs "CIS Docker 5.4", "Pod Security Standards: baseline"
          remediation "Drop privileged mode; grant only the capabilities the workload needs."

          for c in containers
          where c.privileged == true
          report "container {c.name} runs privileged" at c.privileged
        }
        """;

    static final String MANIFESTS = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: nginx:1.27
              securityContext: {privileged: true}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec:
          template:
            spec:
              containers:
                - name: ok
                  image: nginx:1.27
                - name: bad
                  image: nginx:1.27
                  securityContext:
                    privileged: yes
        """;

    @Test
    void findsPrivilegedContainersAtTheirLine() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("escape.policy", RULE).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        Report report = engine.check(List.of(InputSource.ofText("all.yaml", MANIFESTS)), Optional.empty());
        assertFalse(report.hasErrors(), report.diagnostics().toString());
        List<Finding> f = report.findings();
        assertEquals(2, f.size(), f.toString());
        assertEquals(8, f.get(0).location().line());
        assertEquals(37, f.get(0).location().column());
        assertEquals("container app runs privileged", f.get(0).message());
        assertEquals("Pod/p", f.get(0).resource().kind() + "/" + f.get(0).resource().name());
        assertEquals(22, f.get(1).location().line());
        assertEquals(25, f.get(1).location().column());
        assertEquals("Deployment/prod/web", f.get(1).resource().display());
        assertEquals("bad", f.get(1).part().orElseThrow().name());
        assertEquals(1, report.exitCode(org.codomyrmex.policy.model.Severity.LOW));
    }

    /** A policy path that cannot be read says why in words, not as a Java exception. */
    @Test
    void anUnreadablePolicyPathSaysWhyInWords() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false)
            .addPolicyPath(java.nio.file.Path.of("/no/such/dir/team.policy")).build();
        assertEquals(List.of("P0001 cannot read policy file: no such file"),
            engine.policyDiagnostics().stream().map(d -> d.code() + " " + d.message()).toList());
    }

    /**
     * A rule that uses a function with an error, or a package that is not loaded, is left out with a warning: it
     * ended the build with "unresolved node" (an internal error) or failed on every document with a
     * NullPointerException. The rules that do not depend on the error still run.
     */
    @Test
    void rulesThatDependOnAnErrorAreLeftOutAndTheOthersRun() throws Exception {
        String policy = java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/golden/check/uses-broken.policy"));
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("uses-broken.policy", policy).build();
        assertTrue(engine.hasPolicyErrors());
        assertEquals(List.of("C-032"), engine.rules().stream().map(r -> r.id()).toList());
        var report = engine.check("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - {name: a, image: nginx:1.27, securityContext: {privileged: true}}
            """);
        assertEquals(List.of("C-032"), report.findings().stream().map(Finding::ruleId).toList());
        // The policy's own errors, and no evaluation error (E4002 "rule failed") on the document.
        assertEquals(List.of("C2004", "C2050"), report.diagnostics().stream().map(d -> d.code()).toList());
    }
}
