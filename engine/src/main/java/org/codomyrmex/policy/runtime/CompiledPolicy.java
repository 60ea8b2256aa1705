package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled policy set: rules indexed by the input kind they apply to, so a document only meets the rules
 * that can fire on it. Immutable and safe to share between threads (each evaluation has its own frame).
 */
public final class CompiledPolicy {
    private final List<CompiledRule> rules;
    private final Map<InputKind, List<CompiledRule>> byKind = new EnumMap<>(InputKind.class);

    /** A document's findings and the problems met while evaluating it. */
    public record Outcome(List<Finding> findings, List<Diagnostic> diagnostics) {
    }

    public CompiledPolicy(List<CompiledRule> rules) {
        this.rules = List.copyOf(rules);
        for (InputKind kind : InputKind.values()) {
            List<CompiledRule> forKind = new ArrayList<>();
            for (CompiledRule r : rules) if (r.info().formats().contains(kind)) forKind.add(r);
            byKind.put(kind, Collections.unmodifiableList(forKind));
        }
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    public List<RuleInfo> ruleInfos() {
        return rules.stream().map(CompiledRule::info).toList();
    }

    public Optional<CompiledRule> rule(String id) {
        return rules.stream().filter(r -> r.info().id().equals(id)).findFirst();
    }

    public List<CompiledRule> rulesFor(InputKind kind) {
        return byKind.get(kind);
    }

    /** Runs every applicable rule on one document, each under its own step budget, with no other documents. */
    public Outcome evaluate(Document doc, long stepLimit) {
        return evaluate(doc, stepLimit, () -> org.codomyrmex.policy.model.Values.NULL);
    }

    /** Which of a document's rules one evaluation runs. */
    public enum Pass {
        ALL,
        /** The rules that do not read the {@code scan} view: they can run as soon as the document is loaded. */
        WITHOUT_SCAN,
        /** The rules that read the {@code scan} view: they run once every document of the scan is loaded. */
        SCAN_ONLY;

        boolean runs(CompiledRule rule) {
            return this == ALL || (this == SCAN_ONLY) == rule.readsScan();
        }
    }

    /** Told how long each rule took on each document ({@code policy check --profile}); must be thread-safe. */
    @FunctionalInterface
    public interface RuleTimer {
        void record(CompiledRule rule, Document doc, long nanos);
    }

    /** Whether any rule reads the {@code scan} view. */
    public boolean readsScan() {
        return rules.stream().anyMatch(CompiledRule::readsScan);
    }

    /** Whether a rule that reads the {@code scan} view applies to this document. */
    public boolean readsScanFor(Document doc) {
        for (CompiledRule rule : byKind.get(doc.kind())) if (rule.readsScan() && rule.appliesTo(doc)) return true;
        return false;
    }

    /** Runs every applicable rule on one document; {@code scan} gives the scan view to cross-document rules. */
    public Outcome evaluate(Document doc, long stepLimit, java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan) {
        return evaluate(doc, stepLimit, scan, false);
    }

    /** As above; with {@code explain} each finding carries the values that made its rule fire. */
    public Outcome evaluate(Document doc, long stepLimit, java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan,
                            boolean explain) {
        return evaluate(doc, stepLimit, scan, explain, Pass.ALL, null);
    }

    /**
     * Runs the applicable rules of one pass on one document.
     *
     * @param timer null, or told the time of each rule run
     */
    public Outcome evaluate(Document doc, long stepLimit, java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan,
                            boolean explain, Pass pass, RuleTimer timer) {
        return evaluate(doc, stepLimit, scan, explain, pass, timer, Cancellation.never());
    }

    /**
     * As above, stopping when {@code cancellation} is cancelled.
     *
     * @throws Budget.Interrupted when it was: the findings of the rules that ran before are dropped with it
     */
    public Outcome evaluate(Document doc, long stepLimit, java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan,
                            boolean explain, Pass pass, RuleTimer timer, Cancellation cancellation) {
        List<Finding> findings = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        // One finding per rule and place: a pod-level setting seen through each of its containers is one problem.
        java.util.Set<List<Object>> seen = new java.util.HashSet<>();
        java.util.function.Consumer<Finding> sink = f -> {
            if (seen.add(List.of(f.ruleId(), f.location()))) findings.add(f);
        };
        for (CompiledRule rule : byKind.get(doc.kind())) {
            if (!pass.runs(rule) || !rule.appliesTo(doc)) continue;
            // A rule shorter than a checkpoint never looks at the cancellation itself: look before each one.
            if (cancellation.isCancelled()) throw new Budget.Interrupted(0);
            long start = timer == null ? 0 : System.nanoTime();
            try {
                rule.evaluate(doc, new Budget(stepLimit, cancellation), scan, sink, explain);
            } catch (Budget.Interrupted e) {
                throw e; // asked for by the caller: not this rule's failure
            } catch (Budget.LimitExceeded e) {
                Span at = doc.resource().span();
                diagnostics.add(Diagnostic.error("E4001", "rule " + rule.info().id() + " stopped: " + e.getMessage()
                    + " on " + doc.resource().display(), at, "raise --max-steps, or narrow the rule's loops"));
            } catch (RuntimeException e) {
                // Nodes are total; this is a bug, but one rule's bug must not hide the other rules' findings.
                diagnostics.add(Diagnostic.error("E4002", "rule " + rule.info().id() + " failed on "
                    + doc.resource().display() + ": " + e, doc.resource().span()));
            }
            if (timer != null) timer.record(rule, doc, System.nanoTime() - start);
        }
        return new Outcome(findings, diagnostics);
    }
}
