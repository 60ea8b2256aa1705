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
}
