package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.report.JsonReport;
import org.codomyrmex.policy.report.TextReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code policy check}: the main job. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check files, folders or standard input (-) against the standard library and your policies.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  policy check examples/",
        "  policy check k8s/ --fail-on high --format json --output findings.json",
        "  kubectl get deploy -o yaml | policy check - --kind kubernetes",
        "  policy check --no-stdlib --policy rules.policy deploy.yaml"})
final class CheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to check; - reads standard input.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json.")
    String format = "text";

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
    Path output;

    @Option(names = {"-p", "--policy"}, paramLabel = "PATH", description = "A .policy file or a folder of them; repeatable.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-stdlib", description = "Do not load the standard library.")
    boolean noStdlib;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", converter = Options.SeverityConverter.class,
        description = "Exit 1 when a finding is at or above this severity (default: low).")
    Severity failOn = Severity.LOW;

    @Option(names = {"-k", "--kind"}, paramLabel = "KIND", converter = Options.KindConverter.class,
        description = "Read named files and stdin as this kind: kubernetes, compose, dockerfile or image.")
    InputKind kind;

    @Option(names = "--max-steps", paramLabel = "N", description = "Evaluation steps allowed per rule and document (default: ${DEFAULT-VALUE}).")
    long maxSteps = PolicyEngine.DEFAULT_STEP_LIMIT;

    @Option(names = "--profile", description = "Print to standard error the time spent per rule and per file (slowest first).")
    boolean profile;

    @Option(names = {"-v", "--verbose"}, description = "Also show warnings and the files skipped as of no known kind.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown format '" + format + "'; use text or json");
        }
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(!noStdlib).stepLimit(maxSteps);
        policies.forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();

        FileCollector.Collected collected = FileCollector.collect(paths, PolicyCommand.Stdin.get());
        if (verbose) collected.skipped().forEach(s -> err.println("policy: skipped " + s + ": not a known kind of input"));
        org.codomyrmex.policy.api.CheckProfile timings = profile ? new org.codomyrmex.policy.api.CheckProfile() : null;
        Report scanned = engine.check(collected.sources(), Optional.ofNullable(kind), timings);
        if (timings != null) err.print(timings.render(15));
        List<Diagnostic> diagnostics = new ArrayList<>(collected.diagnostics());
        diagnostics.addAll(scanned.diagnostics());
        if (verbose) engine.policyDiagnostics().stream().filter(d -> !d.isError()).forEach(diagnostics::add);
        Report report = new Report(scanned.findings(), diagnostics, scanned.sources(), scanned.filesScanned(), scanned.documentsChecked());

        String rendered;
        if (format.equals("json")) {
            rendered = JsonReport.render(report);
        } else {
            rendered = TextReport.findings(report);
            String problems = TextReport.diagnostics(report, verbose);
            if (!problems.isEmpty()) err.print(problems);
            err.print(TextReport.summary(report));
        }
        if (output != null) {
            try {
                Files.writeString(output, rendered, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("policy: cannot write " + output + ": " + e.getMessage());
                return 2;
            }
        } else {
            spec.commandLine().getOut().print(rendered);
        }
        err.flush();
        return report.exitCode(failOn);
    }
}
