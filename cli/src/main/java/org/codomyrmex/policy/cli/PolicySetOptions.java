package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The options that choose a policy set ({@code --policy}, {@code --no-stdlib}, and the config's policy folders
 * and parameters: {@code --config}, {@code --no-config}), shared by commands as a mixin.
 */
final class PolicySetOptions {
    @Option(names = {"-p", "--policy"}, paramLabel = "PATH", description = "Also load these policies (a .policy file or a folder); repeatable.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-stdlib", description = "Do not load the standard library.")
    boolean noStdlib;

    @Option(names = "--config", paramLabel = "FILE", description = "The config whose policy folders, parameters, rule selection and severities apply (default: .policy.yaml here or above).")
    Path config;

    @Option(names = "--no-config", description = "Use no config.")
    boolean noConfig;

    private PolicyConfig loaded = PolicyConfig.defaults(Path.of("").toAbsolutePath());

    /** The config in effect after {@link #build} (defaults when none). */
    PolicyConfig config() {
        return loaded;
    }

    /** The engine, or empty after printing the config's or the policies' errors (with excerpts) to {@code err}. */
    Optional<PolicyEngine> build(PrintWriter err) {
        Path workingDir = Path.of("").toAbsolutePath();
        Optional<Path> file = noConfig ? Optional.empty() : config != null ? Optional.of(config) : PolicyConfig.find(List.of(), workingDir);
        if (file.isPresent()) {
            if (!Files.isRegularFile(file.get())) {
                err.println("policy: no such config file: " + file.get());
                err.flush();
                return Optional.empty();
            }
            PolicyConfig.Loaded read = PolicyConfig.load(file.get());
            List<Diagnostic> errors = read.diagnostics().stream().filter(Diagnostic::isError).toList();
            if (!errors.isEmpty()) {
                DiagnosticRenderer r = new DiagnosticRenderer(n -> readable(n));
                errors.forEach(d -> err.print(r.render(d)));
                err.flush();
                return Optional.empty();
            }
            loaded = read.config();
        }
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(!noStdlib);
        loaded.policies().forEach(builder::addPolicyPath);
        policies.forEach(builder::addPolicyPath);
        loaded.parameters().forEach(builder::parameter);
        PolicyEngine engine = builder.build();
        if (!engine.hasPolicyErrors()) return Optional.of(engine);
        DiagnosticRenderer r = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
        engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> err.print(r.render(d)));
        err.flush();
        return Optional.empty();
    }

    private static Optional<org.codomyrmex.policy.diag.SourceFile> readable(String name) {
        try {
            return Optional.of(new org.codomyrmex.policy.diag.SourceFile(name, Files.readString(Path.of(name))));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
