package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What findings say, where in-language tests can only check where they are: a message must be true of what it
 * is reported at, including a pod-level setting shared by several containers and reported once for all.
 */
class FindingMessagesTest {
    private static List<String> messages(String name, String text, InputKind kind, String ruleId) {
        Report report = StandardLibraryTest.ENGINE.check(name, text, kind);
        return report.findings().stream().filter(f -> f.ruleId().equals(ruleId)).map(Finding::message).toList();
    }

    @Test
    void hostNamespacesOfAPodNameThePodNotItsFirstContainer() {
        String pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: agent, namespace: ops}
            spec:
              hostNetwork: true
              hostPID: true
              hostIPC: true
              initContainers:
                - {name: setup, image: busybox:1.36}
              containers:
                - {name: agent, image: example/agent:1.0}
            """;
        assertEquals(List.of("the pod uses the host's network namespace"), messages("pod.yaml", pod, InputKind.KUBERNETES, "ESC-002"));
        assertEquals(List.of("the pod uses the host's PID namespace"), messages("pod.yaml", pod, InputKind.KUBERNETES, "ESC-003"));
        assertEquals(List.of("the pod uses the host's IPC namespace"), messages("pod.yaml", pod, InputKind.KUBERNETES, "ESC-004"));
    }

    @Test
    void hostNamespacesOfAComposeServiceNameTheService() {
        String compose = """
            services:
              agent:
                image: example/agent:1.0
                network_mode: host
                pid: host
            """;
        assertEquals(List.of("service agent uses the host's network namespace"),
            messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-002"));
        assertEquals(List.of("service agent uses the host's PID namespace"),
            messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-003"));
    }
}
