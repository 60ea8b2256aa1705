package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.RuleInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code policy test}: runs the in-language tests of policies. */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run the tests written in policy files, and report which rules no test covers.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy test my-rules/",
        "  policy test --stdlib                  run the standard library's own tests",
        "  policy test my-rules/ --coverage      a line per rule: tests that name it, whether it fired",
        "  policy test my-rules/ --fail-under 90 in CI: exit 1 when fewer than 90%% of the rules are tested",
        "",
        "Exit codes: 0 all tests pass; 1 a test fails or coverage is under --fail-under; 2 policy errors."})
final class TestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Policy files or folders whose tests to run.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--stdlib", description = "Run the standard library's tests (and load it for yours).")
    boolean stdlib;

    @Option(names = "--coverage", description = "Print a line per rule: how many tests name it and whether it fired in one.")
    boolean coverage;

    @Option(names = "--fail-under", paramLabel = "PERCENT", description = "Exit 1 when fewer than PERCENT of the rules are named by a test.")
    Integer failUnder;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (paths.isEmpty() && !stdlib) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name policy files or folders, or --stdlib");
        }
        PolicyEngine.Builder builder = ParseCacheFolder.applyTo(PolicyEngine.builder().standardLibrary(stdlib));
        paths.forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();
        DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
        if (engine.hasPolicyErrors()) {
            engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> err.print(renderer.render(d)));
            return 2;
        }
        // The checker's warnings (a binding never used, a rule that can never fire) are for the policy's author,
        // who is the one running its tests; those of the standard library only when it is under test.
        engine.policyDiagnostics().stream()
            .filter(d -> !d.isError() && (stdlib || !d.span().file().startsWith("stdlib/")))
            .forEach(d -> err.print(renderer.render(d)));
        PolicyTests.Outcome outcome = PolicyTests.run(engine, t -> true);
        for (PolicyTests.TestResult r : outcome.results()) {
            Span at = r.test().decl().span();
            out.println((r.passed() ? "PASS " : "FAIL ") + r.test().file() + (at.isKnown() ? ":" + at.line() : "") + ": "
                + r.test().decl().name());
            // Each failed expectation with its own line and a caret, then what the test's inputs did produce.
            for (Diagnostic d : r.failures()) out.print(renderer.render(d).indent(4));
            if (!r.passed() && !r.findings().isEmpty()) {
                out.println("    the inputs gave:");
                for (Finding f : r.findings()) {
                    out.println("      " + f.ruleId() + " at line " + f.location().line() + " column " + f.location().column() + ": " + f.message());
                }
            }
        }
        // Only the rules of the files under test count, not the standard library loaded beside them.
        List<String> ruleIds = engine.rules().stream().filter(rule -> stdlib || !rule.span().file().startsWith("stdlib/"))
            .map(RuleInfo::id).sorted().toList();
        Map<String, Integer> named = new TreeMap<>();
        for (PolicyTests.TestResult r : outcome.results()) {
            r.test().decl().expectations().stream().map(e -> e.ruleId()).distinct().forEach(id -> named.merge(id, 1, Integer::sum));
        }
        List<String> untested = ruleIds.stream().filter(outcome.untested()::contains).toList();
        List<String> neverFired = ruleIds.stream().filter(outcome.neverFired()::contains).toList();
        if (coverage) {
            out.println();
            out.printf(Locale.ROOT, "%-16s %6s  %s%n", "rule", "tests", "fired");
            for (String id : ruleIds) {
                out.printf(Locale.ROOT, "%-16s %6d  %s%n", id, named.getOrDefault(id, 0), neverFired.contains(id) ? "never" : "yes");
            }
            out.println();
        }
        if (!untested.isEmpty()) out.println("rules no test names: " + String.join(", ", untested));
        if (!neverFired.isEmpty()) out.println("rules that never fired in a test: " + String.join(", ", neverFired));
        int total = ruleIds.size();
        int tested = total - untested.size();
        double percent = total == 0 ? 100.0 : 100.0 * tested / total;
        // Shown rounded down: 2 of 3 is 66%, so "under --fail-under 67" never reads "67% is under 67%".
        long shown = (long) Math.floor(percent);
        out.printf(Locale.ROOT, "coverage: %d of %d rules tested (%d%%), %d fired in a test%n", tested, total, shown, total - neverFired.size());
        out.printf(Locale.ROOT, "%d passed, %d failed%n", outcome.passedCount(), outcome.failedCount());
        if (failUnder != null && percent < failUnder) {
            err.printf(Locale.ROOT, "policy: rule coverage %d%% is under --fail-under %d%%%n", shown, failUnder);
            return 1;
        }
        return outcome.failedCount() > 0 ? 1 : 0;
    }
}
