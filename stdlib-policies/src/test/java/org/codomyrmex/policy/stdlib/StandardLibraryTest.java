package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.diag.Diagnostic;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standard library compiles cleanly and every in-language test of it passes, one JUnit test each. */
class StandardLibraryTest {
    static final PolicyEngine ENGINE = PolicyEngine.builder().standardLibrary(true).build();

    @Test
    void compilesWithoutErrorsOrWarnings() {
        List<Diagnostic> problems = ENGINE.policyDiagnostics();
        assertEquals(List.of(), problems.stream().map(Diagnostic::headline).toList());
        assertTrue(ENGINE.rules().size() >= 2);
    }

    @TestFactory
    Stream<DynamicTest> inLanguageTests() {
        PolicyTests.Outcome outcome = PolicyTests.run(ENGINE, t -> true);
        return outcome.results().stream().map(r -> DynamicTest.dynamicTest(r.test().file() + ": " + r.test().decl().name(),
            () -> assertTrue(r.passed(), () -> r.failures().stream().map(Diagnostic::headline).toList().toString())));
    }

    @Test
    void everyRuleHasATest() {
        assertEquals(List.of(), List.copyOf(PolicyTests.run(ENGINE, t -> true).untested()));
    }
}
