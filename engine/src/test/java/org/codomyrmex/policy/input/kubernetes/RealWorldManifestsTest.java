package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.input.LoadResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertConforms;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertNoDiagnostics;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.loadFixture;

class RealWorldManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"realworld/ingress-controller.yaml", "realworld/node-exporter.yaml",
        "realworld/helm-output.yaml", "realworld/pods-list.json", "realworld/crd-and-custom-resource.yaml"})
    void readsWithoutDiagnosticsAndConforms(String fixture) {
        LoadResult r = loadFixture(fixture);
        assertNoDiagnostics(r);
        assertConforms(r);
    }
}
