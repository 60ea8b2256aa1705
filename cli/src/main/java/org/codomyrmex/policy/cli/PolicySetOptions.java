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
        List<Diagnostic> problems = new ArrayList<>();
        ChosenConfig chosen = readConfig(noConfig, config, List.of(), problems);
        List<Diagnostic> errors = problems.stream().filter(Diagnostic::isError).toList();
        if (!errors.isEmpty()) {
            DiagnosticRenderer r = new DiagnosticRenderer(PolicySetOptions::readable);
            errors.forEach(d -> err.print(r.render(d)));
            err.flush();
            return Optional.empty();
        }
        loaded = chosen.config();
        PolicyEngine engine = builder(loaded, noStdlib, policies).build();
        if (!engine.hasPolicyErrors()) return Optional.of(engine);
        DiagnosticRenderer r = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
        engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> err.print(r.render(d)));
        err.flush();
        return Optional.empty();
    }

    /** The config in effect and the file it came from (none: the defaults). */
    record ChosenConfig(PolicyConfig config, Optional<Path> file) {
    }

    /**
     * The config as {@code policy check} and the commands that share its policy set choose it: none with
     * {@code --no-config}, the file given with {@code --config}, else the first {@code .policy.yaml} found from
     * the first scanned path (or the working folder) upward. Its problems, and a missing {@code --config} file,
     * go to {@code problems}.
     */
    static ChosenConfig readConfig(boolean noConfig, Path given, List<String> scanned, List<Diagnostic> problems) {
        Path workingDir = Path.of("").toAbsolutePath();
        Optional<Path> file = noConfig ? Optional.empty() : given != null ? Optional.of(given) : PolicyConfig.find(scanned, workingDir);
        if (file.isEmpty()) return new ChosenConfig(PolicyConfig.defaults(workingDir), Optional.empty());
        // A missing file, a folder or an unreadable one is the loader's located K0001; a pipe (--config <(...)) is read.
        PolicyConfig.Loaded read = PolicyConfig.load(file.get());
        if (read.source().isEmpty() && read.diagnostics().stream().anyMatch(d -> d.code().equals("K0001"))) {
            problems.addAll(read.diagnostics());
            return new ChosenConfig(PolicyConfig.defaults(workingDir), Optional.empty());
        }
        problems.addAll(read.diagnostics());
        return new ChosenConfig(read.config(), file);
    }

    /** A builder with the standard library (unless turned off), the config's policy folders and parameters, and {@code policies}. */
    static PolicyEngine.Builder builder(PolicyConfig config, boolean noStdlib, List<Path> policies) {
        PolicyEngine.Builder builder = ParseCacheFolder.applyTo(PolicyEngine.builder().standardLibrary(!noStdlib));
        config.policies().forEach(builder::addPolicyPath);
        policies.forEach(builder::addPolicyPath);
        config.parameters().forEach(builder::parameter);
        return builder;
    }

    private static Optional<org.codomyrmex.policy.diag.SourceFile> readable(String name) {
        try {
            return Optional.of(new org.codomyrmex.policy.diag.SourceFile(name, Files.readString(Path.of(name))));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
