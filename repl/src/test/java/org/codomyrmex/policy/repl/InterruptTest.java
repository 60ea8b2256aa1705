package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.runtime.Cancellation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C while an input is evaluated: the session's side of it, a cancellation from another thread. */
class InterruptTest {
    /** Bindings for {@link #LONG_EVALUATION}: {@code big} holds 10,000 numbers. */
    static final List<String> LONG_EVALUATION_SETUP = List.of(
        "let d = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
        "let k = flatten([[a * 10 + b for b in d] for a in d])",
        "let big = flatten([k for _a in k])");
    /** Minutes of work if nothing stops it (a sort of 10,000 numbers at each of a million steps), within the step limit. */
    static final String LONG_EVALUATION = "count _i in big: (count _j in k: len(sort(big)) > 0) > 0";

    private StringWriter shown;
    private ReplSession session;

    @BeforeEach
    void setUp() {
        shown = new StringWriter();
        session = new ReplSession(new PrintWriter(shown, true));
    }

    /** What the session printed since the last call. */
    private String output() {
        String all = shown.toString();
        shown.getBuffer().setLength(0);
        return all;
    }

    private static Cancellation cancelled() {
        Cancellation c = Cancellation.create();
        c.cancel();
        return c;
    }

    @Test
    @Timeout(120)
    void anotherThreadStopsARunningEvaluationAndTheSessionGoesOn() throws Exception {
        LONG_EVALUATION_SETUP.forEach(session::handle);
        String bound = output();
        assertTrue(bound.contains("big: list<any> = [0, 1, 2"), bound);
        Cancellation ctrlC = Cancellation.create();
        CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(() -> session.handle(LONG_EVALUATION, ctrlC));
        // Give it a moment to get under way; the outcome is the same if the cancel comes first.
        Thread.sleep(200);
        ctrlC.cancel();
        // Uncancelled, this would take minutes: the timeout is the test that the cancel stopped it.
        assertTrue(running.get(30, TimeUnit.SECONDS), "the session goes on");
        String out = output();
        assertTrue(out.matches("interrupted after \\d+ steps\\R"), out);
        assertEquals(0, session.errorCount(), "an interruption is asked for, not an error");
        // The bindings are intact and the next input evaluates as usual.
        session.handle("d[6] * 7");
        assertEquals("42\n", output());
        session.handle(":let");
        assertTrue(output().contains("let big"));
    }

    @Test
    void aBindingStaysWhenShowingItsValueIsInterrupted() {
        LONG_EVALUATION_SETUP.forEach(session::handle);
        output();
        session.handle("let slow = " + LONG_EVALUATION, cancelled());
        String out = output();
        assertTrue(out.matches("interrupted after \\d+ steps: slow is bound, its value is not shown \\(:unlet slow removes it\\)\\R"), out);
        session.handle(":type slow");
        assertEquals("int\n", output());
    }

    @Test
    void aRuleStaysDefinedWhenItsFindingsAreInterrupted() {
        session.handle(":load " + ReplTerminalTest.DEPLOYMENT);
        output();
        // Session bindings are not seen by definitions: the rule binds the same names with its own let clauses.
        String rule = "rule SLOW-1 \"Slow\" { severity low threat image-security for _c in containers "
            + String.join(" ", LONG_EVALUATION_SETUP) + " where (" + LONG_EVALUATION + ") > 0 report \"slow\" }";
        session.handle(rule, cancelled());
        String out = output();
        assertTrue(out.startsWith("defined rule SLOW-1"), out);
        assertTrue(out.contains("rule SLOW-1 interrupted after 257 steps on " + ReplTerminalTest.DEPLOYMENT), out);
        session.handle(":rules");
        String rules = output();
        assertTrue(rules.startsWith("SLOW-1 "), rules);
        // :check and :test run through the engine's API, which stops as soon as it is cancelled.
        session.handle(":check session", cancelled());
        assertEquals("interrupted: :check stopped before it finished, so no findings are shown\n", output());
        session.handle("test \"slow\" { given k8s file \"" + ReplTerminalTest.DEPLOYMENT + "\" expect SLOW-1 }");
        output();
        session.handle(":test", cancelled());
        assertEquals("interrupted: :test stopped before the tests finished, so no results are shown\n", output());
        assertEquals(0, session.errorCount(), output());
    }
}
