package org.codomyrmex.policy.api;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.model.Finding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Where a finding points when its `at` (or its innermost `for`) is a value written in the policy. */
class FindingLocationTest {
    static final String POD = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: nginx:1.27
        """;

    private static List<Finding> findings(String clauses) {
        String policy = "package l\nrule L-1 \"l\" {\n  severity low\n  threat container-escape\n" + clauses + "\n}\n";
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("l.policy", policy).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        return engine.check(List.of(InputSource.ofText("pod.yaml", POD)), Optional.empty()).findings();
    }

    /** These pointed into l.policy (at the literal 5, or at "SYS_ADMIN" in the list), not at the input. */
    @Test
    void literalsOfThePolicyAreNoPlaceInTheInput() {
        Finding atLiteral = findings("  for c in containers\n  report \"x\" at 5").get(0);
        assertEquals("pod.yaml", atLiteral.location().file());
        assertEquals(6, atLiteral.location().line());
        Finding forLiteral = findings("  for c in containers\n  for cap in [\"SYS_ADMIN\"]\n  report \"{cap}\"").get(0);
        assertEquals("pod.yaml", forLiteral.location().file());
        assertEquals(6, forLiteral.location().line());
        Finding letMap = findings("  let m = {a: 1}\n  report \"x\" at m.a").get(0);
        assertEquals("pod.yaml", letMap.location().file());
        assertEquals(1, letMap.location().line());
    }
}
