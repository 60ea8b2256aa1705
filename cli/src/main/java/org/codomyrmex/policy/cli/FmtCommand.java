package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.syntax.Parser;
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
import java.util.stream.Stream;

/** {@code policy fmt}: rewrites policy files in the canonical layout. */
@Command(name = "fmt", mixinStandardHelpOptions = true,
    description = "Rewrite policy files in the one canonical layout (indentation, spacing, blank lines); comments are kept.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy fmt my-rules/                 format every .policy file under my-rules/",
        "  policy fmt --check my-rules/         in CI: exit 1 and list the files that are not formatted",
        "  policy fmt - < team.policy           format standard input to standard output",
        "",
        "Exit codes: 0 formatted (or already formatted); 1 --check found unformatted files; 2 syntax or read errors."})
final class FmtCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Policy files or folders of them; - formats standard input.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--check", description = "Change nothing; exit 1 when a file is not in the canonical layout.")
    boolean check;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int errors = 0;
        int unformatted = 0;
        for (String p : paths) {
            if (p.equals("-")) {
                byte[] bytes = PolicyCommand.Stdin.get().readNBytes(PolicyEngine.MAX_POLICY_FILE_BYTES + 1);
                if (bytes.length > PolicyEngine.MAX_POLICY_FILE_BYTES) {
                    err.println("policy: -: standard input is larger than " + PolicyEngine.MAX_POLICY_FILE_BYTES + " bytes; not a policy file");
                    errors++;
                    continue;
                }
                String text = new String(bytes, StandardCharsets.UTF_8);
                Optional<String> formatted = formatOne("-", text, err);
                if (formatted.isEmpty()) {
                    errors++;
                } else if (check) {
                    if (!formatted.get().equals(text)) {
                        out.println("-");
                        unformatted++;
                    }
                } else {
                    out.print(formatted.get());
                }
                continue;
            }
            if (!Files.exists(Path.of(p))) {
                err.println("policy: " + p + ": no such file or directory");
                errors++;
                continue;
            }
            for (Path file : files(Path.of(p), err)) {
                String text;
                try {
                    if (Files.size(file) > PolicyEngine.MAX_POLICY_FILE_BYTES) {
                        err.println("policy: " + file + ": larger than " + PolicyEngine.MAX_POLICY_FILE_BYTES + " bytes; not formatted");
                        errors++;
                        continue;
                    }
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException | java.io.UncheckedIOException e) {
                    err.println("policy: cannot read " + file + ": " + e.getMessage());
                    errors++;
                    continue;
                }
                Optional<String> formatted = formatOne(file.toString(), text, err);
                if (formatted.isEmpty()) {
                    errors++;
                } else if (!formatted.get().equals(text)) {
                    unformatted++;
                    if (check) {
                        out.println(file);
                    } else {
                        Files.writeString(file, formatted.get(), StandardCharsets.UTF_8);
                        out.println("formatted " + file);
                    }
                }
            }
        }
        if (check && unformatted > 0) err.println(unformatted + (unformatted == 1 ? " file is" : " files are") + " not formatted; run policy fmt");
        if (errors > 0) return 2;
        return check && unformatted > 0 ? 1 : 0;
    }

    /** Files that do not parse are left alone: their errors are shown instead. */
    private static Optional<String> formatOne(String name, String text, PrintWriter err) {
        SourceFile source = new SourceFile(name, text);
        List<Diagnostic> problems = Parser.parseModule(source).diagnostics().stream().filter(Diagnostic::isError).toList();
        if (!problems.isEmpty()) {
            DiagnosticRenderer r = new DiagnosticRenderer(n -> Optional.of(source));
            problems.forEach(d -> err.print(r.render(d)));
            return Optional.empty();
        }
        Optional<String> formatted = PolicyFormatter.format(text);
        if (formatted.isEmpty()) err.println("policy: " + name + ": cannot be formatted without changing its meaning; left as it is");
        return formatted;
    }

    private static List<Path> files(Path p, PrintWriter err) {
        if (!Files.isDirectory(p)) return List.of(p);
        try (Stream<Path> walk = Files.walk(p)) {
            return walk.filter(f -> f.toString().endsWith(".policy") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println("policy: cannot read " + p + ": " + e.getMessage());
            return List.of();
        }
    }
}
