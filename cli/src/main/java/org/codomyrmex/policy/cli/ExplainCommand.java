package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.check.CheckedTest;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.syntax.Decl;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code policy explain RULE-ID}: everything about one rule, with an example from its tests. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain a rule: what it checks and why, how to fix a finding, references, and an input it reports.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy explain ESC-001", "  policy explain TEAM-001 --policy examples/policies"})
final class ExplainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RULE-ID", description = "The rule to explain, e.g. ESC-001.")
    String ruleId;

    @Option(names = {"-p", "--policy"}, paramLabel = "PATH", description = "Also load these policies.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-stdlib", description = "Do not load the standard library.")
    boolean noStdlib;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(!noStdlib);
        policies.forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();
        Optional<RuleInfo> found = engine.rules().stream().filter(r -> r.id().equalsIgnoreCase(ruleId)).findFirst();
        if (found.isEmpty()) {
            String hint = Suggestions.hint(ruleId, engine.rules().stream().map(RuleInfo::id).toList());
            err.println("policy: no rule " + ruleId + (hint == null || hint.isEmpty() ? "" : "; " + hint)
                + " (policy rules lists them)");
            return 2;
        }
        RuleInfo r = found.get();
        out.println(r.id() + ": " + r.title());
        out.println();
        out.println("  severity   " + r.severity().id());
        out.println("  threat     " + r.threat().id() + " (" + r.threat().title() + ")");
        List<String> formats = new ArrayList<>();
        for (InputKind k : InputKind.values()) if (r.formats().contains(k)) formats.add(k.id());
        out.println("  inputs     " + String.join(", ", formats)
            + (r.resourceKinds().isEmpty() ? "" : " (" + String.join(", ", r.resourceKinds()) + ")"));
        if (!r.tags().isEmpty()) out.println("  tags       " + String.join(", ", r.tags()));
        if (r.span().isKnown()) out.println("  defined at " + r.span());
        if (!r.description().isEmpty()) {
            out.println();
            out.println(wrap(r.description()));
        }
        if (!r.remediation().isEmpty()) {
            out.println();
            out.println("Remediation:");
            out.println(wrap(r.remediation()));
        }
        if (!r.references().isEmpty()) {
            out.println();
            out.println("References:");
            r.references().forEach(ref -> out.println("  - " + ref));
        }
        example(engine, r.id()).ifPresent(ex -> {
            out.println();
            out.println("Example (from the test \"" + ex.name() + "\"), reported:");
            out.println(ex.text().stripTrailing().indent(4).stripTrailing());
        });
        out.println();
        out.println("Suppress one finding with a comment on or above its line:  # policy:ignore " + r.id() + " <reason>");
        return 0;
    }

    private record Example(String name, String text) {
    }

    /** The input of the first test that expects this rule to fire. */
    private static Optional<Example> example(PolicyEngine engine, String id) {
        for (CheckedTest test : engine.checkedProgram().tests()) {
            Decl.Test t = test.decl();
            boolean expects = t.expectations().stream().anyMatch(e -> !e.negated() && e.ruleId().equals(id));
            if (!expects) continue;
            for (Decl.Given g : t.givens()) {
                if (g.text().isPresent()) return Optional.of(new Example(t.name(), g.text().get()));
            }
        }
        return Optional.empty();
    }

    private static String wrap(String text) {
        StringBuilder sb = new StringBuilder("  ");
        int column = 2;
        for (String word : text.split("\\s+")) {
            if (column + word.length() > 100 && column > 2) {
                sb.append("\n  ");
                column = 2;
            }
            if (column > 2) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
        }
        return sb.toString();
    }
}
