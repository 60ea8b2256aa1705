package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.report.ModelJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

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
        List<Document> documents = new ArrayList<>();
        Map<String, SourceFile> sources = new HashMap<>();
        for (LoadResult r : Inputs.loadAll(collected.sources(), Optional.ofNullable(kind), LoadOptions.defaults())) {
            documents.addAll(r.documents());
            r.documents().forEach(d -> sources.put(d.source().name(), d.source()));
            diagnostics.addAll(r.diagnostics());
        }
        spec.commandLine().getOut().print(ModelJson.render(documents, views));
        DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(sources.get(n)));
        diagnostics.forEach(d -> spec.commandLine().getErr().print(renderer.render(d)));
        return diagnostics.stream().anyMatch(Diagnostic::isError) ? 2 : 0;
    }
}
