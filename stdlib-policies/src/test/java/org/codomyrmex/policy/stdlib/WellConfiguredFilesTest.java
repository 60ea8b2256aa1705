package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hardened, realistic Kubernetes manifests, a compose project and the Dockerfile it builds (see the folder's
 * README) checked together with the whole standard library: they load without errors and raise no finding of
 * high or critical severity. Lower findings are allowed (a log shipper does need a read-only hostPath).
 */
class WellConfiguredFilesTest {
    static final Path FOLDER = Path.of("src", "test", "resources", "well-configured");

    @Test
    void wellConfiguredFilesRaiseNoHighOrCriticalFinding() {
        FileCollector.Collected collected = FileCollector.collect(List.of(FOLDER.toString()), System.in);
        assertEquals(List.of(), collected.diagnostics().stream().map(Diagnostic::headline).toList());
        // README.md and the compose secret's file are not inputs; everything else is.
        assertTrue(collected.sources().size() >= 7, () -> "too few inputs found: " + collected.sources());

        Report report = StandardLibraryTest.ENGINE.check(collected.sources(), Optional.empty());
        assertEquals(List.of(), report.errors().stream().map(Diagnostic::headline).toList());
        assertTrue(report.documentsChecked() >= 25, () -> "expected every manifest to load, got " + report.documentsChecked() + " documents");

        List<String> severe = report.findings().stream()
            .filter(f -> f.severity().atLeast(Severity.HIGH))
            .map(WellConfiguredFilesTest::describe)
            .toList();
        assertEquals(List.of(), severe);
    }

    private static String describe(Finding f) {
        return f.location().file() + ":" + f.location().line() + " " + f.severity().id() + " " + f.ruleId() + " " + f.message();
    }
}
