package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.image.ImageLimits;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.report.GithubReport;
import org.codomyrmex.policy.report.JsonReport;
import org.codomyrmex.policy.report.JunitReport;
import org.codomyrmex.policy.report.Results;
import org.codomyrmex.policy.report.SarifReport;
import org.codomyrmex.policy.report.SummaryTable;
import org.codomyrmex.policy.report.TextReport;
import org.codomyrmex.policy.suppress.Baseline;
import org.codomyrmex.policy.suppress.Triage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code policy check}: the main job. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Check files, folders or standard input (-) against the standard library and your policies.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  policy check examples/",
        "  policy check k8s/ --fail-on high --format json --output findings.json",
        "  policy check . --format text --format sarif=policy.sarif     text on screen, SARIF for code scanning",
        "  policy check . --format github --format junit=report.xml     annotations in a GitHub Actions log",
        "  kubectl get deploy -o yaml | policy check - --kind kubernetes",
        "  policy check --no-stdlib --policy rules.policy deploy.yaml",
        "  policy check . --write-baseline .policy-baseline.json        accept today's findings",
        "  policy check . --baseline .policy-baseline.json              then fail only on new ones",
        "  policy check Dockerfile --explain                            show the values that made each rule fire",
        "",
        "Configuration: .policy.yaml in the scanned folder or above it (see docs/config.md), or --config FILE.",
        "Suppress one finding with a comment on or above its line:  # policy:ignore ESC-001 reason",
        "Exit codes: 0 nothing fails the run; 1 a finding fails it; 2 usage, input, policy or config errors."})
final class CheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to check; - reads standard input.")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT[=FILE]", converter = OutputTarget.Converter.class,
        description = "text (default), json, sarif, junit, github or summary; FORMAT=FILE writes it to FILE. Repeatable.")
    List<OutputTarget> formats = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the format given without =FILE to FILE instead of standard output.")
    Path output;

    @Option(names = {"-p", "--policy"}, paramLabel = "PATH", description = "A .policy file or a folder of them; repeatable.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-stdlib", description = "Do not load the standard library.")
    boolean noStdlib;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", converter = Options.SeverityConverter.class,
        description = "Exit 1 when a finding is at or above this severity (default: low).")
    Severity failOn = Severity.LOW;

    @Option(names = "--soft-fail", description = "Findings of soft-enforced rules (the default) do not fail the run; hard ones still do.")
    boolean softFail;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Use this config instead of the .policy.yaml found upward from the first PATH.")
    Path config;

    @Option(names = "--no-config", description = "Use no config file.")
    boolean noConfig;

    @Option(names = "--baseline", paramLabel = "FILE", description = "Findings in this baseline are suppressed; only new ones count.")
    Path baseline;

    @Option(names = "--write-baseline", paramLabel = "FILE", description = "Write every finding of this run to FILE as the new baseline.")
    Path writeBaseline;

    @Option(names = "--show-suppressed", description = "Also list suppressed findings and what suppressed them.")
    boolean showSuppressed;

    @Option(names = "--explain", description = "For each finding, show the values of the sub-expressions that made the rule fire.")
    boolean explain;

    @Option(names = {"-k", "--kind"}, paramLabel = "KIND", converter = Options.KindConverter.class,
        description = "Read named files and stdin as this kind: kubernetes, compose, dockerfile or image.")
    InputKind kind;

    @Option(names = "--stdin-filename", paramLabel = "PATH",
        description = "The file standard input (-) holds, for editors and pipelines: findings name it in every format, its kind is told"
            + " by its name, and the .policy.yaml above it, its exceptions' file: globs and its inline suppressions apply as to that file.")
    String stdinFilename;

    @Option(names = {"-x", "--exclude"}, paramLabel = "GLOB", description = "Skip files matching this glob (as .gitignore writes them); repeatable.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--no-gitignore", description = "Also check files that .gitignore ignores.")
    boolean noGitignore;

    @Option(names = "--skip-unknown", description = "Skip named files of no known kind instead of reporting them (for pre-commit, which passes every YAML file).")
    boolean skipUnknown;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Threads to check with (default: the number of cores).")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--color", paramLabel = "WHEN", description = "auto (default: on a terminal, unless NO_COLOR is set), always or never.")
    String color = "auto";

    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;

    @Option(names = "--max-steps", paramLabel = "N", converter = Options.PositiveLong.class,
        description = "Evaluation steps allowed per rule and document (default: ${DEFAULT-VALUE}).")
    long maxSteps = PolicyEngine.DEFAULT_STEP_LIMIT;

    @Option(names = "--max-file-size", paramLabel = "BYTES", converter = Options.PositiveLong.class,
        description = "Largest input file read (default: ${DEFAULT-VALUE}).")
    long maxFileBytes = LoadOptions.defaults().maxFileBytes();

    @Option(names = "--max-documents", paramLabel = "N", converter = Options.PositiveInt.class,
        description = "Documents read from one file (default: ${DEFAULT-VALUE}).")
    int maxDocuments = LoadOptions.defaults().maxDocuments();

    @Option(names = "--max-depth", paramLabel = "N", converter = Options.PositiveInt.class,
        description = "Nesting depth of YAML and JSON (default: ${DEFAULT-VALUE}).")
    int maxDepth = LoadOptions.defaults().maxDepth();

    @Option(names = "--max-image-bytes", paramLabel = "BYTES", converter = Options.PositiveLong.class,
        description = "Uncompressed layer bytes read from one image archive or layout, all layers together (default: ${DEFAULT-VALUE}).")
    long maxImageBytes = ImageLimits.defaults().maxUncompressedBytes();

    @Option(names = "--max-image-entries", paramLabel = "N", converter = Options.PositiveLong.class,
        description = "Tar entries read from one image's layers, all layers together (default: ${DEFAULT-VALUE}).")
    long maxImageEntries = ImageLimits.defaults().maxEntries();

    @Option(names = "--max-image-ratio", paramLabel = "N", converter = Options.PositiveLong.class,
        description = "Uncompressed-to-compressed ratio of an image layer beyond which it is a decompression bomb,"
            + " checked past " + (ImageLimits.DEFAULT_RATIO_FLOOR_BYTES >> 20) + " MiB of it (default: ${DEFAULT-VALUE}).")
    long maxImageRatio = ImageLimits.defaults().maxCompressionRatio();

    @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "A value for a Dockerfile ARG, as docker build takes it; repeatable.")
    java.util.Map<String, String> buildArgs = new java.util.LinkedHashMap<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "The Dockerfile stage to judge as the image built (default: the last), as docker build --target.")
    String target;

    @Option(names = "--profile", description = "Print to standard error the time spent per rule and per file (slowest first).")
    boolean profile;

    @Option(names = {"-v", "--verbose"}, description = "Also show warnings, and the files skipped or excluded.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<OutputTarget> targets = targets();
        boolean useColor = switch (color) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.console() != null && (System.getenv("NO_COLOR") == null || System.getenv("NO_COLOR").isEmpty())
                && !"dumb".equals(System.getenv("TERM"));
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--color is auto, always or never, not '" + color + "'");
        };

        Optional<String> stdinName = stdinName();
        // The config is found from the folder of the file stdin stands for, as for that file.
        List<String> configFrom = paths.stream().map(p -> p.equals("-") ? stdinName.orElse(p) : p).toList();
        List<Diagnostic> setup = new ArrayList<>();
        PolicySetOptions.ChosenConfig chosen = PolicySetOptions.readConfig(noConfig, config, configFrom, setup);
        PolicyConfig cfg = chosen.config();
        if (verbose) chosen.file().ifPresent(f -> err.println("policy: using config " + f));

        PolicyEngine engine = PolicySetOptions.builder(cfg, noStdlib, policies).stepLimit(maxSteps)
            .loadOptions(new LoadOptions(maxFileBytes, maxDocuments, maxDepth, System.getenv())
                .withBuild(buildArgs, Optional.ofNullable(target))
                .withImageLimits(imageLimits()))
            .build();
        setup.addAll(cfg.unknownRules(engine.rules()));

        org.codomyrmex.policy.api.CheckProfile timings = profile ? new org.codomyrmex.policy.api.CheckProfile() : null;
        Scanner.Scan scan = Scanner.scan(engine, new Scanner.Options(paths, Optional.ofNullable(kind), cfg,
            cfg.gitignore() && !noGitignore, exclude, jobs, explain,
            noProgress ? Progress.OFF : Progress.forTerminal(err, true), skipUnknown, stdinName), PolicyCommand.Stdin.get(), timings);
        if (timings != null) {
            err.println("profile: " + engine.buildTimes().render());
            err.print(timings.render(15));
        }
        if (verbose) {
            scan.skipped().forEach(s -> err.println("policy: skipped " + s + ": not a known kind of input"));
            scan.excluded().forEach(s -> err.println("policy: excluded " + s));
            if (scan.secondPass()) {
                err.println("policy: cross-document rules ran in a second pass over the files (the documents waiting for them"
                    + " passed the memory budget)");
            }
        }

        List<Diagnostic> diagnostics = new ArrayList<>(setup);
        diagnostics.addAll(engine.policyDiagnostics().stream().filter(d -> d.isError() || verbose).toList());
        diagnostics.addAll(scan.report().diagnostics());
        Optional<Baseline> accepted = Optional.empty();
        if (baseline != null) {
            Baseline.Read read = Baseline.read(baseline);
            diagnostics.addAll(read.diagnostics());
            accepted = read.baseline();
        }
        Report scanned = scan.report();
        Report report = new Report(scanned.findings(), diagnostics, scanned.sources(), scanned.filesScanned(), scanned.documentsChecked());
        Results results = Triage.triage(report, scan.ignoreAnnotations(), engine.rules(),
            new Triage.Options(cfg, accepted, LocalDate.now(), failOn, softFail));

        Path workingDir = Path.of("").toAbsolutePath(); // SARIF locations are relative to it
        int failedWrites = 0;
        if (writeBaseline != null && !write(writeBaseline, Baseline.render(results), err)) failedWrites++;
        for (OutputTarget t : targets) {
            String rendered = render(t, results, useColor && t.file().isEmpty(), workingDir);
            if (t.file().isPresent()) {
                if (!write(t.file().get(), rendered, err)) failedWrites++;
            } else {
                spec.commandLine().getOut().print(rendered);
            }
        }
        spec.commandLine().getOut().flush();
        String problems = TextReport.diagnostics(report, verbose);
        if (!problems.isEmpty()) err.print(problems);
        err.print(TextReport.summary(results));
        err.flush();
        return failedWrites > 0 ? 2 : results.exitCode();
    }

    /** The name given to standard input; a usage error when there is no {@code -} to name, or the name is not one. */
    private Optional<String> stdinName() {
        if (stdinFilename == null) return Optional.empty();
        if (stdinFilename.isBlank() || stdinFilename.equals("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--stdin-filename needs a file name, not '" + stdinFilename + "'");
        }
        if (!paths.contains("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--stdin-filename names standard input, but no PATH is -; give - to read standard input");
        }
        return Optional.of(stdinFilename);
    }

    private ImageLimits imageLimits() {
        ImageLimits defaults = ImageLimits.defaults();
        return defaults.withMaxUncompressedBytes(maxImageBytes).withMaxEntries(maxImageEntries)
            .withCompressionRatio(maxImageRatio, defaults.ratioFloorBytes());
    }

    /** The formats asked for, with --output given to the one without a file; two documents cannot share stdout. */
    private List<OutputTarget> targets() {
        List<OutputTarget> given = formats.isEmpty() ? List.of(new OutputTarget("text", Optional.empty())) : formats;
        List<OutputTarget> out = new ArrayList<>();
        boolean outputUsed = false;
        for (OutputTarget t : given) {
            if (t.file().isEmpty() && output != null) {
                if (outputUsed) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--output names one file, but several formats have no =FILE");
                }
                outputUsed = true;
                out.add(new OutputTarget(t.format(), Optional.of(output)));
            } else {
                out.add(t);
            }
        }
        long documentsOnStdout = out.stream().filter(t -> t.file().isEmpty() && t.isDocument()).count();
        long onStdout = out.stream().filter(t -> t.file().isEmpty()).count();
        if (documentsOnStdout > 0 && onStdout > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "json, sarif and junit cannot share standard output with another format; write one to a file with FORMAT=FILE");
        }
        return out;
    }

    private String render(OutputTarget t, Results results, boolean color, Path workingDir) {
        return switch (t.format()) {
            case "json" -> JsonReport.render(results, showSuppressed);
            case "sarif" -> SarifReport.render(results, PolicyCommand.version(), workingDir);
            case "junit" -> JunitReport.render(results);
            case "github" -> GithubReport.render(results);
            case "summary" -> SummaryTable.render(results);
            default -> {
                String text = TextReport.render(results, new TextReport.Style(color, showSuppressed));
                // In a file, the text report is whole: findings, then errors, then the summary line.
                yield t.file().isEmpty() ? text : text + TextReport.diagnostics(results.report(), verbose) + TextReport.summary(results);
            }
        };
    }

    private static boolean write(Path file, String text, PrintWriter err) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("policy: cannot write " + file + ": " + e.getMessage());
            return false;
        }
    }
}
