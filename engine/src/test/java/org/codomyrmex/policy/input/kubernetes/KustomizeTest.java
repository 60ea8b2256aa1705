package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertConforms;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertNoDiagnostics;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.headlines;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Kustomization directories are rendered with kubectl kustomize, within a time limit. */
class KustomizeTest {

    private static void writeKustomization(Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: staging
            namePrefix: staging-
            labels:
              - pairs: {team: payments}
                includeSelectors: false
            resources:
              - deployment.yaml
            """);
        Files.writeString(dir.resolve("deployment.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/api:3.1
                      securityContext:
                        privileged: true
            """);
    }

    @Test
    void rendersWithKubectlAndNamesTheRenderedStream(@TempDir Path dir) throws IOException {
        assumeTrue(Kustomize.onPath("kubectl", System.getenv("PATH")).isPresent(), "kubectl is not installed");
        writeKustomization(dir);
        LoadResult r = new KubernetesLoader().load(InputSource.ofPath("overlay", dir), LoadOptions.defaults());
        assertNoDiagnostics(r);
        assertConforms(r);
        assertEquals(1, r.documents().size());
        Document d = r.documents().get(0);
        assertEquals("Deployment/staging/staging-api", d.resource().display());
        assertEquals("kustomize:" + dir, d.resource().span().file());
        assertEquals("payments", str(get(d.view("metadata"), "labels", "team")));
        assertTrue(org.codomyrmex.policy.model.Values.isTrue(get(d.view("containers"), 0, "privileged")));
        // The span points into the rendered text, which the document's source holds.
        int line = get(d.view("containers"), 0, "privileged").span().line();
        assertTrue(d.source().line(line).contains("privileged: true"), d.source().line(line));

        LoadResult direct = KubernetesLoader.loadKustomization(dir, LoadOptions.defaults());
        assertEquals(1, direct.documents().size());
    }

    @Test
    void aFailingRenderIsReportedAtTheKustomization(@TempDir Path dir) throws IOException {
        assumeTrue(Kustomize.onPath("kubectl", System.getenv("PATH")).isPresent(), "kubectl is not installed");
        Files.writeString(dir.resolve("kustomization.yml"), "resources:\n  - missing.yaml\n");
        LoadResult r = KubernetesLoader.loadKustomization(dir, LoadOptions.defaults());
        assertEquals(0, r.documents().size());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals("K3005", d.code(), headlines(r.diagnostics()));
        assertEquals(dir.resolve("kustomization.yml").toString(), d.span().file());
        assertTrue(d.message().contains("missing.yaml"), d.message());
    }

    @Test
    void missingKubectlIsAClearDiagnostic(@TempDir Path dir) throws IOException {
        writeKustomization(dir);
        LoadResult r = Kustomize.render(dir, LoadOptions.defaults(), Duration.ofSeconds(5), dir.resolve("no-bin").toString());
        assertEquals(0, r.documents().size());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals("K3002", d.code());
        assertTrue(d.message().contains("neither kubectl nor kustomize is on the PATH"), d.message());
        assertTrue(d.hint().orElseThrow().contains("kubectl kustomize"), d.hint().orElseThrow());
    }

    @Test
    void aRendererThatHangsIsStopped(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        writeKustomization(dir);
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path fake = bin.resolve("kubectl");
        Files.writeString(fake, "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        long start = System.nanoTime();
        LoadResult r = Kustomize.render(dir, LoadOptions.defaults(), Duration.ofMillis(800), bin.toString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("K3004", r.diagnostics().get(0).code(), headlines(r.diagnostics()));
        // Stopped rather than waited for: well before the fake's 30 s, with room for a loaded machine to start and
        // end a process.
        assertTrue(millis < 20_000, "stopped after " + millis + " ms");
    }

    @Test
    void aDirectoryWithoutKustomizationIsNotRendered(@TempDir Path dir) {
        LoadResult r = KubernetesLoader.loadKustomization(dir, LoadOptions.defaults());
        assertEquals(List.of("K3001"), r.diagnostics().stream().map(Diagnostic::code).toList());
    }
}
