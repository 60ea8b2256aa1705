package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.report.ModelJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code policy parse}: the document model of inputs, with positions. */
@Command(name = "parse", mixinStandardHelpOptions = true,
    description = "Print the document model of inputs as JSON, each value with the position it came from.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy parse deploy.yaml", "  policy parse --views Dockerfile      also show the views rules see (containers, stages, ...)",
        "  cat pod.json | policy parse - --kind kubernetes"})
final class ParseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders; - reads standard input.")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-k", "--kind"}, paramLabel = "KIND", converter = Options.KindConverter.class,
        description = "Read as this kind: kubernetes, compose, dockerfile or image.")
    InputKind kind;

    @Option(names = "--views", description = "Also print the views rules see for each document.")
    boolean views;

    @Override
    public Integer call() {
        FileCollector.Collected collected = FileCollector.collect(paths, PolicyCommand.Stdin.get());
        List<Diagnostic> diagnostics = new ArrayList<>(collected.diagnostics());
        // Only the sources a diagnostic points into are kept, for its excerpt; documents go once written.
        Map<String, SourceFile> sources = new HashMap<>();
        PrintWriter out = spec.commandLine().getOut();
        try (ModelJson.DocumentArray array = ModelJson.open(out, views)) {
            Inputs.loadEach(collected.sources(), Optional.ofNullable(kind), LoadOptions.defaults(), r -> {
                diagnostics.addAll(r.diagnostics());
                Set<String> mentioned = r.diagnostics().stream().map(d -> d.span().file()).collect(Collectors.toSet());
                for (Document d : r.documents()) {
                    if (mentioned.contains(d.source().name())) sources.put(d.source().name(), d.source());
                    write(array, d);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            spec.commandLine().getErr().println("policy: cannot write the model: " + e.getMessage());
            return 2;
        }
        DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(sources.get(n)));
        diagnostics.forEach(d -> spec.commandLine().getErr().print(renderer.render(d)));
        return diagnostics.stream().anyMatch(Diagnostic::isError) ? 2 : 0;
    }

    private static void write(ModelJson.DocumentArray array, Document d) {
        try {
            array.write(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // out of the loader's callback, to the catch in call()
        }
    }
}
