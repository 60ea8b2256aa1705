package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.compile.Compiler;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.runtime.Budget;
import org.codomyrmex.policy.runtime.Frame;
import org.codomyrmex.policy.runtime.Node;
import org.codomyrmex.policy.runtime.TraceListener;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code :trace} compiles with the engine's tracing hook; the hook must not change what an expression evaluates
 * to, and every enter must have its exit (the REPL nests steps by them).
 */
class TracedEvaluationTest {
    static final Document DEPLOYMENT = Inputs.load(InputSource.ofPath("d.yaml", Path.of(ReplTerminalTest.DEPLOYMENT)),
        Optional.empty(), LoadOptions.defaults()).documents().get(0);

    @ParameterizedTest
    @ValueSource(strings = {
        "count c in containers: c.securityContext.privileged == true",
        "[c.name + \":\" + lower(c.image) for c in containers if c.securityContext != null]",
        "let img = image(containers[1].image) in img.tag == \"latest\" or img.digest == null",
        "if len(containers) > 1 then containers[-1].name else \"one\"",
        "all c in containers: none p in c.ports: p.hostPort == 22",
        "{n: 1 + 2 * 3, s: \"a\" in [\"a\"], m: 7 % 4, d: 1 / 0}",
        "not (containers[0].privileged == true and \"x\" != \"y\")"})
    void tracingDoesNotChangeTheValue(String text) {
        Expr expr = Parser.parseExpression(new SourceFile("<t>", text)).value().orElseThrow();
        Module context = new Module(new SourceFile("<m>", ""), Optional.empty(), List.of(), List.of());
        Checker.CheckedExpression checked = Checker.checkExpression(List.of(), context, expr, Optional.of(DEPLOYMENT.kind()));
        assertTrue(checked.ok(), checked.diagnostics().toString());
        Value plain = Compiler.compileExpression(checked.program(), expr)
            .eval(new Frame(checked.frameSize(), DEPLOYMENT, Budget.unlimited()));
        int[] open = {0, 0};
        Node traced = Compiler.compileExpression(checked.program(), expr, new TraceListener() {
            @Override
            public void enter(Node node) {
                open[0]++;
                open[1]++;
            }

            @Override
            public void exit(Node node, Value value) {
                open[0]--;
            }
        });
        Value withTrace = traced.eval(new Frame(checked.frameSize(), DEPLOYMENT, Budget.unlimited()));
        assertTrue(Values.equal(plain, withTrace), Values.literal(plain) + " vs " + Values.literal(withTrace));
        assertEquals(Values.literal(plain), Values.literal(withTrace));
        assertEquals(0, open[0], "every step entered was left");
        assertTrue(open[1] > 1, "steps were reported");
    }
}
