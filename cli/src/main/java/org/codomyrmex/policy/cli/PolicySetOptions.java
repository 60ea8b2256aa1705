package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options that choose a policy set ({@code --policy}, {@code --no-stdlib}), shared by commands as a mixin. */
final class PolicySetOptions {
    @Option(names = {"-p", "--policy"}, paramLabel = "PATH", description = "Also load these policies (a .policy file or a folder); repeatable.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-stdlib", description = "Do not load the standard library.")
    boolean noStdlib;

    /** The engine, or empty after printing the policies' errors (with excerpts) to {@code err}. */
    Optional<PolicyEngine> build(PrintWriter err) {
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(!noStdlib);
        policies.forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();
        if (!engine.hasPolicyErrors()) return Optional.of(engine);
        DiagnosticRenderer r = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
        engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> err.print(r.render(d)));
        err.flush();
        return Optional.empty();
    }
}
