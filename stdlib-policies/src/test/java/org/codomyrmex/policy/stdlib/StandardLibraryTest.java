package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.check.CheckedTest;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.syntax.Decl;
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

    /**
     * A message template's hole that evaluates to null prints "null" ("null runs as root"): over the findings of
     * every in-language test, no message may show one.
     */
    @Test
    void noMessageShowsANullHole() {
        List<String> shown = PolicyTests.run(ENGINE, t -> true).results().stream()
            .flatMap(r -> r.findings().stream())
            .filter(f -> java.util.regex.Pattern.compile("\\bnull\\b").matcher(f.message()).find())
            .map(f -> f.ruleId() + ": " + f.message()).distinct().toList();
        assertEquals(List.of(), shown);
    }

    @Test
    void everyRuleHasATest() {
        assertEquals(List.of(), List.copyOf(PolicyTests.run(ENGINE, t -> true).untested()));
    }

    /**
     * Each rule has, for each input kind it covers, a test giving that kind of input that expects the rule at an
     * exact line (positive) and a test giving that kind that expects no finding of it (negative).
     */
    @Test
    void everyRuleHasPositiveAndNegativeTestsPerFormat() {
        List<String> missing = new java.util.ArrayList<>();
        for (RuleInfo rule : ENGINE.rules()) {
            for (InputKind kind : rule.formats()) {
                boolean positive = false;
                boolean negative = false;
                for (CheckedTest t : ENGINE.checkedProgram().tests()) {
                    boolean givesKind = t.decl().givens().stream()
                        .anyMatch(g -> InputKind.parse(g.kind().text()).orElse(null) == kind);
                    if (!givesKind) continue;
                    for (Decl.Expectation e : t.decl().expectations()) {
                        if (!e.ruleId().equals(rule.id())) continue;
                        if (e.negated()) negative = true; else if (e.line().isPresent()) positive = true;
                    }
                }
                if (!positive) missing.add(rule.id() + " has no positive " + kind.id() + " test with an exact line");
                if (!negative) missing.add(rule.id() + " has no negative " + kind.id() + " test");
            }
        }
        assertEquals(List.of(), missing);
    }
}
