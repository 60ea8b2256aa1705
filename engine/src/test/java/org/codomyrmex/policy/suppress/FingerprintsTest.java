package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.model.Fingerprints;


import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.report.Results;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FingerprintsTest {
    static final String TWO = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: a
              image: x:1
              securityContext: {privileged: true}
            - name: b
              image: x:1
              securityContext: {privileged: true}
        """;

    @Test
    void identicalLinesGetDistinctFingerprintsAndReindentingKeepsThem() {
        Results r = Scans.triage(Scans.check(InputKind.KUBERNETES, "p.yaml", TWO));
        assertEquals(2, r.results().size());
        assertNotEquals(r.results().get(0).fingerprint(), r.results().get(1).fingerprint());
        assertEquals(32, r.results().get(0).fingerprint().length());

        String shifted = "\n\n" + TWO.replace("metadata: {name: p}", "metadata:\n  name: p");
        Results s = Scans.triage(Scans.check(InputKind.KUBERNETES, "p.yaml", shifted));
        assertEquals(r.results().get(0).fingerprint(), s.results().get(0).fingerprint());
        assertEquals(r.results().get(1).fingerprint(), s.results().get(1).fingerprint());

        Results renamed = Scans.triage(Scans.check(InputKind.KUBERNETES, "other.yaml", TWO));
        assertNotEquals(r.results().get(0).fingerprint(), renamed.results().get(0).fingerprint());
        assertEquals(Fingerprints.normalizeFile("./a/b.yaml"), "a/b.yaml");
    }

    /** A baseline written by 'policy check .' matched nothing when the run named the folder by its absolute path. */
    @Test
    void anAbsolutePathUnderTheWorkingFolderFingerprintsAsTheRelativeOne() {
        String absolute = java.nio.file.Path.of("k8s/p.yaml").toAbsolutePath().toString();
        Results relative = Scans.triage(Scans.check(InputKind.KUBERNETES, "k8s/p.yaml", TWO));
        Results named = Scans.triage(Scans.check(InputKind.KUBERNETES, absolute, TWO));
        assertEquals(relative.results().get(0).fingerprint(), named.results().get(0).fingerprint());
        assertEquals("k8s/p.yaml", Fingerprints.normalizeFile("/work/repo/k8s/p.yaml", java.nio.file.Path.of("/work/repo")));
        assertEquals("/elsewhere/p.yaml", Fingerprints.normalizeFile("/elsewhere/p.yaml", java.nio.file.Path.of("/work/repo")));
        assertEquals("Pod/ns/p.json", Fingerprints.normalizeFile("Pod/ns/p.json", java.nio.file.Path.of("/work/repo")));
    }
}
