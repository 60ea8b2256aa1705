package org.codomyrmex.policy.golden;

import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden files for the messages users read: each {@code golden/{syntax,check}/NAME.policy} is parsed and
 * checked, and everything reported (rendered with excerpt and caret, then the formats of each rule) must
 * equal {@code NAME.expected}. Regenerate after a deliberate change with
 * {@code ./mvnw -q test -pl engine -Dtest=GoldenDiagnosticsTest -Dpolicy.updateGolden=true} and review the diff.
 */
class GoldenDiagnosticsTest {
    static final Path ROOT = Path.of("src/test/resources/golden");

    @TestFactory
    Stream<DynamicTest> golden() throws IOException {
        List<Path> cases = new ArrayList<>();
        for (String dir : List.of("syntax", "check")) {
            try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".policy")).sorted().forEach(cases::add);
            }
        }
        return cases.stream().map(p -> DynamicTest.dynamicTest(ROOT.relativize(p).toString(), () -> check(p)));
    }

    static String render(Path file) throws IOException {
        String name = ROOT.relativize(file).toString();
        SourceFile source = new SourceFile(name, Files.readString(file, StandardCharsets.UTF_8));
        DiagnosticRenderer renderer = new DiagnosticRenderer(n -> n.equals(name) ? Optional.of(source) : Optional.empty());
        StringBuilder out = new StringBuilder();
        Parser.Result<Module> parsed = Parser.parseModule(source);
        List<Diagnostic> all = new ArrayList<>(parsed.diagnostics());
        CheckedProgram program = null;
        if (parsed.value().isPresent()) {
            program = Checker.check(List.of(parsed.value().get()));
            all.addAll(program.diagnostics());
        }
        for (Diagnostic d : all) out.append(renderer.render(d));
        if (program != null) {
            program.rules().forEach(r -> out.append("rule ").append(r.id()).append(" applies to ")
                .append(r.formats().stream().sorted().map(InputKind::id).toList()).append('\n'));
        }
        return out.length() == 0 ? "(no diagnostics)\n" : out.toString();
    }

    static void check(Path file) throws IOException {
        Path expectedFile = Path.of(file.toString().replace(".policy", ".expected"));
        String actual = render(file);
        if (Boolean.getBoolean("policy.updateGolden")) Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        String expected = Files.exists(expectedFile) ? Files.readString(expectedFile, StandardCharsets.UTF_8) : "(missing)";
        assertEquals(expected, actual, "golden file " + expectedFile);
    }
}
