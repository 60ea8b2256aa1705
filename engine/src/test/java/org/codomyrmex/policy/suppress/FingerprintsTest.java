package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Threat;
import org.codomyrmex.policy.report.Results;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

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
    }

    @Test
    void theSameProblemTwiceGetsTwoFingerprintsTheFirstBeingThePublicOne() {
        Resource r = new Resource(InputKind.DOCKERFILE, "Dockerfile", "", "Dockerfile", Span.of("Dockerfile", 1, 1));
        Finding first = new Finding("T-1", "t", Severity.LOW, Threat.IMAGE_SECURITY, "curl piped into sh", Span.of("Dockerfile", 3, 5),
            r, Optional.empty(), List.of());
        Finding second = new Finding("T-1", "t", Severity.LOW, Threat.IMAGE_SECURITY, "curl piped into sh", Span.of("Dockerfile", 7, 5),
            r, Optional.empty(), List.of());
        List<String> fps = Fingerprints.of(List.of(first, second));
        assertEquals(Report.fingerprint(first), fps.get(0));
        assertNotEquals(fps.get(0), fps.get(1));
        assertTrue(fps.get(1).matches("[0-9a-f]{32}"));
        assertEquals(fps, Fingerprints.of(List.of(first, second)));
    }
}
