package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
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

/** {@code policy test}: runs the in-language tests of policies. */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run the tests written in policy files, and report which rules no test covers.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy test my-rules/", "  policy test --stdlib          run the standard library's own tests"})
final class TestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Policy files or folders whose tests to run.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--stdlib", description = "Run the standard library's tests (and load it for yours).")
    boolean stdlib;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (paths.isEmpty() && !stdlib) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name policy files or folders, or --stdlib");
        }
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(stdlib);
        paths.forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();
        DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
        if (engine.hasPolicyErrors()) {
            engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> err.print(renderer.render(d)));
            return 2;
        }
        PolicyTests.Outcome outcome = PolicyTests.run(engine, t -> true);
        for (PolicyTests.TestResult r : outcome.results()) {
            out.println((r.passed() ? "PASS " : "FAIL ") + r.test().file() + ": " + r.test().decl().name());
            for (Diagnostic d : r.failures()) out.print(renderer.render(d).indent(2));
        }
        if (!outcome.untested().isEmpty()) out.println("rules no test names: " + String.join(", ", outcome.untested()));
        if (!outcome.neverFired().isEmpty()) out.println("rules that never fired in a test: " + String.join(", ", outcome.neverFired()));
        int total = engine.rules().size();
        out.printf("coverage: %d of %d rules tested%n", total - outcome.untested().size(), total);
        out.printf("%d passed, %d failed%n", outcome.passedCount(), outcome.failedCount());
        return outcome.failedCount() > 0 ? 1 : 0;
    }
}
