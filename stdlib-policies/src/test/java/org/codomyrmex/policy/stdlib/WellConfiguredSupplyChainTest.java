package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hardened Dockerfiles and image metadata (under well-configured/dockerfile and well-configured/image) read
 * cleanly and raise no finding of high or critical severity from the standard library.
 */
class WellConfiguredSupplyChainTest {
    static final PolicyEngine ENGINE = PolicyEngine.builder().standardLibrary(true).build();

    static List<Path> files(String folder, String suffix) throws IOException, URISyntaxException {
        Path dir = Path.of(WellConfiguredSupplyChainTest.class.getResource("/well-configured/" + folder).toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void thereAreFixturesOfBothKinds() throws Exception {
        assertTrue(files("dockerfile", ".Dockerfile").size() >= 5);
        assertTrue(files("image", ".json").size() >= 3);
    }

    @TestFactory
    Stream<DynamicTest> dockerfilesRaiseNoHighOrCritical() throws Exception {
        return files("dockerfile", ".Dockerfile").stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
            () -> assertClean(p, InputKind.DOCKERFILE)));
    }

    @TestFactory
    Stream<DynamicTest> imageMetadataRaisesNoHighOrCritical() throws Exception {
        return files("image", ".json").stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
            () -> assertClean(p, InputKind.IMAGE)));
    }

    private static void assertClean(Path file, InputKind kind) {
        Report report = ENGINE.check(List.of(InputSource.ofPath(file.getFileName().toString(), file)), Optional.of(kind));
        assertEquals(List.of(), report.errors().stream().map(d -> d.headline()).toList(), "the file reads without errors");
        assertEquals(1, report.documentsChecked(), "one document");
        List<String> serious = report.findings().stream()
            .filter(f -> f.severity() == Severity.HIGH || f.severity() == Severity.CRITICAL)
            .map(WellConfiguredSupplyChainTest::describe).toList();
        assertEquals(List.of(), serious);
    }

    private static String describe(Finding f) {
        return f.ruleId() + " " + f.severity() + " line " + f.location().line() + ": " + f.message();
    }
}
