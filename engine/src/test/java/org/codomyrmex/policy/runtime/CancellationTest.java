package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping an evaluation from another thread, through the step budget, and the limit the budget keeps. */
class CancellationTest {
    /** 10^k steps for k nested quantifiers over ten elements: with k = 9, minutes of work. */
    static String nested(int levels) {
        return "let xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] in " + counts(levels);
    }

    /** {@code count v1 in xs: (count v2 in xs: (... true) > 0) > 0}: ten, after 10 + 100 + ... + 10^k steps. */
    static String counts(int levels) {
        String body = "true";
        for (int i = levels; i >= 1; i--) {
            body = "count v" + i + " in xs: " + body;
            if (i > 1) body = "(" + body + ") > 0";
        }
        return body;
    }

    @Test
    void theLimitIsKeptToTheStepWhateverTheCheckpoints() {
        // 1,110 steps: 10 + 100 + 1000 quantifier iterations.
        assertEquals(Values.integer(10), Expressions.eval(nested(3), "", new Budget(1_110)));
        Budget tight = new Budget(1_109);
        assertThrows(Budget.LimitExceeded.class, () -> Expressions.eval(nested(3), "", tight));
        assertEquals(1_110, tight.used());
        // A limit below one checkpoint interval.
        Budget tiny = new Budget(5);
        assertThrows(Budget.LimitExceeded.class, () -> Expressions.eval(nested(1), "", tiny));
        assertEquals(6, tiny.used());
    }

    @Test
    void aCancelledEvaluationStopsAtItsNextCheckpoint() {
        Cancellation cancellation = Cancellation.create();
        cancellation.cancel();
        Budget budget = new Budget(PolicyEngine.DEFAULT_STEP_LIMIT, cancellation);
        Budget.Interrupted e = assertThrows(Budget.Interrupted.class, () -> Expressions.eval(nested(9), "", budget));
        assertEquals(Budget.CHECKPOINT_STEPS + 1, e.steps());
        assertEquals("interrupted after " + e.steps() + " steps", e.getMessage());
        // An evaluation under a token nobody cancelled runs to its end.
        assertEquals(Values.integer(10), Expressions.eval(nested(4), "", new Budget(100_000, Cancellation.create())));
    }

    @Test
    @Timeout(60)
    void anotherThreadStopsALongEvaluation() throws Exception {
        Cancellation cancellation = Cancellation.create();
        Budget budget = new Budget(Long.MAX_VALUE, cancellation);
        CompletableFuture<Value> running = CompletableFuture.supplyAsync(() -> Expressions.eval(nested(9), "", budget));
        // Wait until it is under way, so the cancel meets a running evaluation rather than one not started.
        while (budget.used() == 0 && !running.isDone()) Thread.sleep(1);
        cancellation.cancel();
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(30, TimeUnit.SECONDS));
        assertInstanceOf(Budget.Interrupted.class, e.getCause());
        assertTrue(((Budget.Interrupted) e.getCause()).steps() < 1_000_000_000L, e.getCause().getMessage());
    }

    @Test
    void theNeverTokenCannotBeCancelled() {
        assertThrows(UnsupportedOperationException.class, () -> Cancellation.never().cancel());
        assertTrue(!Cancellation.never().isCancelled());
    }

    static final String SLOW_RULE = """
        rule SLOW-1 "Slow" {
          severity low threat image-security
          for c in containers
          let xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
          where (%s) > 0
          report "slow {c.name}"
        }
        test "slow" {
          given k8s \"""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: app, image: nginx}]
            \"""
          expect SLOW-1
        }
        """.formatted(counts(5));

    static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app, image: nginx}]\n";

    @Test
    void aCheckAndTestsStopWhenCancelledInsteadOfReportingARuleFailure() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("slow.policy", SLOW_RULE).build();
        assertTrue(!engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        List<Document> docs = Inputs.load(InputSource.ofText("pod.yaml", POD), Optional.empty(), LoadOptions.defaults()).documents();
        // Not cancelled: the rule runs to its end (over a hundred thousand steps) and fires.
        Report whole = engine.checkDocuments(docs, Cancellation.create());
        assertEquals(List.of("SLOW-1"), whole.findings().stream().map(f -> f.ruleId()).toList());
        assertEquals(List.of(), whole.diagnostics());

        Cancellation cancelled = Cancellation.create();
        cancelled.cancel();
        // Thrown to the caller, not turned into the rule's error E4002 in the report.
        assertThrows(Budget.Interrupted.class, () -> engine.checkDocuments(docs, cancelled));
        assertThrows(Budget.Interrupted.class, () -> PolicyTests.run(engine, t -> true, cancelled));
        assertEquals(1, PolicyTests.run(engine, t -> true, Cancellation.create()).passedCount());
    }
}
