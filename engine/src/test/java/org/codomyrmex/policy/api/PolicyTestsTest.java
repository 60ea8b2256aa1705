package org.codomyrmex.policy.api;

import org.codomyrmex.policy.diag.Diagnostic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PolicyTestsTest {
    private static final String POLICY = """
        package a

        rule A-1 "privileged" {
          severity high
          threat container-escape
          for c in containers
          where c.privileged == true
          report "privileged {c.name}" at c.privileged
        }

        test "count" {
          given compose \"""
            services:
              web: {image: x, privileged: true}
          \"""
          expect A-1 at line 2
          expect 3 findings
        }
        """;

    /** A failed 'expect N findings' was reported at the test's header (line 11), not at its own line. */
    @Test
    void aFailedFindingCountIsReportedAtItsOwnLine() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("count.policy", POLICY).build();
        PolicyTests.Outcome outcome = PolicyTests.run(engine, t -> true);
        List<Diagnostic> failures = outcome.results().get(0).failures();
        assertEquals(1, failures.size(), failures.toString());
        Diagnostic d = failures.get(0);
        assertEquals("T0004", d.code());
        assertEquals("count.policy", d.span().file());
        assertEquals(17, d.span().line(), d.toString());
        assertEquals(3, d.span().column(), d.toString());
    }
}
