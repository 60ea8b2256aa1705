package org.codomyrmex.policy.api;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParametersTest {
    static final String POLICY = """
        package reg
        /// Registries images may come from.
        param trusted = ["registry.example.com"]
        rule REG-900 "Untrusted registry" {
          severity medium
          threat registry-security
          for c in containers
          where not (any r in trusted: startswith(c.image, r + "/"))
          report "untrusted {c.image}" at c.image
        }
        """;
    static final String POD = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: ghcr.io/acme/app:1}
        """;

    static List<String> run(PolicyEngine engine) {
        return engine.check(List.of(InputSource.ofText("pod.yaml", POD)), Optional.empty()).findings().stream()
            .map(f -> f.message()).toList();
    }

    @Test
    void defaultApplies() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", POLICY).build();
        assertEquals(List.of("untrusted ghcr.io/acme/app:1"), run(engine));
        assertEquals("reg.trusted", engine.parameters().get(0).qualifiedName());
        assertEquals("Registries images may come from.", engine.parameters().get(0).doc());
    }

    @Test
    void overrideByBareOrQualifiedName() {
        Value list = Values.list(List.of(Values.string("ghcr.io")));
        for (String name : List.of("trusted", "reg.trusted")) {
            PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", POLICY)
                .parameter(name, list).build();
            assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
            assertEquals(List.of(), run(engine));
        }
    }

    @Test
    void unknownNameAndWrongTypeAreErrors() {
        PolicyEngine unknown = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", POLICY)
            .parameter("trustd", Values.list(List.of())).build();
        assertTrue(unknown.policyDiagnostics().stream().anyMatch(d -> d.code().equals("P0010")
            && d.hint().orElse("").contains("'trusted'")), unknown.policyDiagnostics().toString());
        PolicyEngine wrong = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", POLICY)
            .parameter("trusted", Values.integer(3)).build();
        assertTrue(wrong.policyDiagnostics().stream().anyMatch(d -> d.code().equals("P0011")), wrong.policyDiagnostics().toString());
    }

    /** A number among the strings of a list<string> was taken (the list's type was list<any>) and reached the rules. */
    @Test
    void eachItemOfAListIsCheckedAndTheErrorIsAtTheItem() {
        org.codomyrmex.policy.diag.Span item = org.codomyrmex.policy.diag.Span.of(".policy.yaml", 3, 9);
        Value mixed = new Value.ListV(List.of(Values.string("ghcr.io"), new Value.Int(1, item)), org.codomyrmex.policy.diag.Span.of(".policy.yaml", 2, 12));
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", POLICY)
            .parameter("trusted", mixed).build();
        var errors = engine.policyDiagnostics().stream().filter(d -> d.code().equals("P0011")).toList();
        assertEquals(1, errors.size(), engine.policyDiagnostics().toString());
        assertEquals("parameter reg.trusted takes a list<string>, but an item of it is an int", errors.get(0).message());
        assertEquals(item, errors.get(0).span());
        assertEquals(List.of("untrusted ghcr.io/acme/app:1"), run(engine), "the default still applies");
        PolicyEngine scalar = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", POLICY)
            .parameter("trusted", Values.integer(3)).build();
        assertTrue(scalar.policyDiagnostics().stream().anyMatch(d -> d.message().endsWith("but an int is given")),
            scalar.policyDiagnostics().toString());
    }
}
