package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.List;
import java.util.function.Consumer;

/**
 * A rule ready to run: its clauses as steps (for / let / where) over one frame, then its reports. Evaluating
 * a rule on a document is a nested loop over its {@code for} clauses, pruned by its {@code where} clauses.
 */
public final class CompiledRule {
    private final RuleInfo info;
    private final Step[] steps;
    private final Report[] reports;
    private final int frameSize;
    private final boolean readsScan;

    public sealed interface Step permits ForStep, LetStep, WhereStep {
    }

    /** @param variable where the bound name is written, so an explanation can name it */
    public record ForStep(int slot, Node source, Span variable) implements Step {
    }

    public record LetStep(int slot, Node value) implements Step {
    }

    public record WhereStep(Node condition) implements Step {
    }

    /** @param at   null when the report names no location; @param when null when unconditional */
    public record Report(EvalTemplate message, Node at, Node when) {
    }

    /** A rule taken to read the {@code scan} view (the safe assumption when nobody says). */
    public CompiledRule(RuleInfo info, List<Step> steps, List<Report> reports, int frameSize) {
        this(info, steps, reports, frameSize, true);
    }

    /**
     * @param readsScan whether the rule may read the {@code scan} view (directly or through a function): only
     *                  such rules have to wait until every document of a scan is loaded
     */
    public CompiledRule(RuleInfo info, List<Step> steps, List<Report> reports, int frameSize, boolean readsScan) {
        this.readsScan = readsScan;
        this.info = info;
        this.steps = steps.toArray(new Step[0]);
        this.reports = reports.toArray(new Report[0]);
        this.frameSize = frameSize;
    }

    public RuleInfo info() {
        return info;
    }

    /** Whether this rule may read the {@code scan} view, so it needs every document of the scan loaded first. */
    public boolean readsScan() {
        return readsScan;
    }

    /** Whether this rule looks at this document at all (input kind and, for Kubernetes, resource kind). */
    public boolean appliesTo(Document doc) {
        if (!info.formats().contains(doc.kind())) return false;
        return info.resourceKinds().isEmpty() || doc.kind() != InputKind.KUBERNETES
            || info.resourceKinds().contains(doc.resource().kind());
    }

    public void evaluate(Document doc, Budget budget, Consumer<Finding> sink) {
        evaluate(doc, budget, () -> Values.NULL, sink);
    }

    public void evaluate(Document doc, Budget budget, java.util.function.Supplier<Value> scan, Consumer<Finding> sink) {
        evaluate(doc, budget, scan, sink, false);
    }

    /**
     * With {@code explain}, each finding carries a trace: the element each {@code for} bound (with where it is in
     * the input), the value of every {@code let} and of every operand of the {@code where} conditions that held
     * (re-evaluated once per finding, so nothing is paid when off).
     */
    public void evaluate(Document doc, Budget budget, java.util.function.Supplier<Value> scan, Consumer<Finding> sink,
                         boolean explain) {
        Frame frame = new Frame(frameSize, doc, budget, scan);
        run(0, frame, sink, Span.NONE, explain);
    }

    private void run(int index, Frame frame, Consumer<Finding> sink, Span element, boolean explain) {
        if (index == steps.length) {
            report(frame, sink, element, explain);
            return;
        }
        Step step = steps[index];
        if (step instanceof ForStep f) {
            for (Value item : Operators.iterate(f.source().eval(frame))) {
                frame.step();
                frame.slots[f.slot()] = item;
                run(index + 1, frame, sink, item.span().isKnown() ? item.span() : element, explain);
            }
        } else if (step instanceof LetStep l) {
            frame.slots[l.slot()] = l.value().eval(frame);
            run(index + 1, frame, sink, element, explain);
        } else if (Values.isTrue(((WhereStep) step).condition().eval(frame))) {
            run(index + 1, frame, sink, element, explain);
        }
    }

    private void report(Frame frame, Consumer<Finding> sink, Span element, boolean explain) {
        List<Finding.TraceEntry> trace = explain ? trace(frame) : List.of();
        for (Report r : reports) {
            if (r.when() != null && !Values.isTrue(r.when().eval(frame))) continue;
            String message = ((Value.Str) r.message().eval(frame)).value();
            Span location = Span.NONE;
            if (r.at() != null) location = r.at().eval(frame).span();
            if (!location.isKnown()) location = element;
            if (!location.isKnown()) location = frame.document.resource().span();
            sink.accept(new Finding(info.id(), info.title(), info.severity(), info.threat(), message, location,
                frame.document.resource(), frame.document.partAt(location), trace));
        }
    }

    /**
     * The expression text is left empty: the caller that has the policy sources fills it in from the span.
     * Re-evaluating a condition runs its quantifiers and comprehensions again, which write slots that a later
     * binding reuses ({@code where any x in ...} then {@code let n = ...}: x and n share a slot), so the bindings
     * are read from a copy and put back after each condition: else the trace and then the message showed x for n.
     */
    private List<Finding.TraceEntry> trace(Frame frame) {
        Value[] bound = frame.slots.clone();
        try {
            return trace(frame, bound);
        } finally {
            System.arraycopy(bound, 0, frame.slots, 0, bound.length);
        }
    }

    private List<Finding.TraceEntry> trace(Frame frame, Value[] bound) {
        List<Finding.TraceEntry> out = new java.util.ArrayList<>();
        for (Step step : steps) {
            if (step instanceof ForStep f) {
                Value item = bound[f.slot()];
                // The place first: long values are shortened at the end.
                String where = item.span().isKnown() ? "the element at " + item.span().file() + ":" + item.span().line() + ":"
                    + item.span().column() + ": " : "";
                out.add(new Finding.TraceEntry("", where + Values.literal(item), f.variable()));
            } else if (step instanceof LetStep l) {
                out.add(new Finding.TraceEntry("", Values.literal(bound[l.slot()]), l.value().span));
            } else if (step instanceof WhereStep w) {
                traceNode(w.condition(), frame, out);
                System.arraycopy(bound, 0, frame.slots, 0, bound.length);
            }
        }
        return out;
    }

    private static void traceNode(Node node, Frame frame, List<Finding.TraceEntry> out) {
        if (node.isConstant()) return;
        out.add(new Finding.TraceEntry("", Values.literal(node.eval(frame)), node.span));
        for (Node operand : node.operands()) traceNode(operand, frame, out);
    }
}
