package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.runtime.EvalLiteral;
import org.codomyrmex.policy.runtime.Node;
import org.codomyrmex.policy.runtime.TraceListener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Records the steps of one evaluation for {@code :trace}: every sub-expression in the order it was entered,
 * nested under the expression that needed it, with the value it produced. Literals are left out (their value
 * is their text). Steps are the engine's own evaluator's: the expression is compiled with a listener.
 */
final class Tracer implements TraceListener {
    static final int MAX_STEPS = 300;
    private static final int VALUE_WIDTH = 60;

    private static final class Step {
        final int depth;
        final Span span;
        Value value;

        Step(int depth, Span span) {
            this.depth = depth;
            this.span = span;
        }
    }

    private final Function<Span, String> text;
    private final List<Step> steps = new ArrayList<>();
    private final Deque<Step> open = new ArrayDeque<>();
    private boolean active;
    private int dropped;

    Tracer(Function<Span, String> text) {
        this.text = text;
    }

    /** Steps count only from here: constants are computed while compiling, before the evaluation. */
    void start() {
        active = true;
    }

    void stop() {
        active = false;
    }

    /** Literals and the REPL's own wrappers (binding lets, which have no span) are not steps worth showing. */
    private static boolean shown(Node node) {
        return !(node instanceof EvalLiteral) && node.span.isKnown();
    }

    @Override
    public void enter(Node node) {
        if (!active || !shown(node)) return;
        Step s = new Step(open.size(), node.span);
        if (steps.size() < MAX_STEPS) steps.add(s); else dropped++;
        open.push(s);
    }

    @Override
    public void exit(Node node, Value value) {
        if (!active || !shown(node) || open.isEmpty()) return;
        open.pop().value = value;
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            sb.append("  ".repeat(s.depth)).append(text.apply(s.span)).append(" = ");
            if (s.value == null) {
                sb.append("(stopped)");
            } else {
                String v = Values.literal(s.value);
                sb.append(v.length() > VALUE_WIDTH ? v.substring(0, VALUE_WIDTH - 3) + "..." : v);
                sb.append(ValuePrinter.location(s.value));
            }
            sb.append('\n');
        }
        if (dropped > 0) sb.append("... ").append(dropped).append(" more steps not shown\n");
        return sb.toString();
    }
}
