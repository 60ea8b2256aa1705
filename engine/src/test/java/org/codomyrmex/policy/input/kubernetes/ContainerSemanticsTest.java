package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unified Container fields, derived with Kubernetes semantics from the shared pod spec (as a Pod). */
class ContainerSemanticsTest {
    private static Document pod;
    private static String text;

    @BeforeAll
    static void load() throws IOException {
        text = PodKindsTest.manifests().get("Pod");
        pod = only(KubeTesting.load("pod.yaml", text));
    }

    private static Value container(int i) {
        return get(pod.view("containers"), i);
    }

    private static int lineOf(String needle) {
        int offset = text.indexOf(needle);
        assertTrue(offset >= 0, needle);
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    @Test
    void containersComeInStartOrderWithTheirKind() {
        List<String> kinds = ((Value.ListV) pod.view("containers")).items().stream().map(c -> str(get(c, "kind"))).toList();
        assertEquals(List.of("initContainer", "container", "container", "ephemeralContainer"), kinds);
        assertEquals(List.of("init", "app", "sidecar", "debugger"),
            pod.parts().stream().map(p -> p.name()).toList());
        assertEquals("container", pod.parts().get(0).kind());
        assertEquals("app", str(get(container(3), "targetContainerName")));
        assertEquals(Values.TRUE, get(container(3), "stdin").at(org.codomyrmex.policy.diag.Span.NONE));
    }

    @Test
    void containerSecurityContextOverridesThePods() {
        Value app = container(1);
        assertEquals(0L, ((Value.Int) get(app, "runAsUser")).value());
        assertEquals("0", str(get(app, "user")));
        assertEquals(lineOf("runAsUser: 0"), get(app, "runAsUser").span().line());
        assertEquals(3000L, ((Value.Int) get(app, "runAsGroup")).value());
        assertEquals(lineOf("runAsGroup: 3000"), get(app, "runAsGroup").span().line());
        assertTrue(Values.isTrue(get(app, "runAsNonRoot")));
        assertEquals("Unconfined", str(get(app, "seccompProfile")));
        assertEquals("Localhost/k8s-apparmor-example", str(get(app, "appArmorProfile")));
        assertEquals("s0:c1,c2", str(get(app, "seLinuxOptions", "level")));
        assertTrue(Values.isTrue(get(app, "privileged")));
        assertTrue(Values.isTrue(get(app, "allowPrivilegeEscalation")));
        assertEquals(Values.FALSE, get(app, "readOnlyRootFilesystem").at(org.codomyrmex.policy.diag.Span.NONE));

        Value sidecar = container(2);
        assertEquals(1000L, ((Value.Int) get(sidecar, "runAsUser")).value());
        assertEquals("RuntimeDefault", str(get(sidecar, "seccompProfile")));
        assertTrue(get(sidecar, "privileged") instanceof Value.Null, "not written stays null");
        assertEquals(List.of(), strings(get(sidecar, "capAdd")));
    }

    @Test
    void capabilitiesAreNormalizedAtTheirSpans() {
        Value app = container(1);
        assertEquals(List.of("SYS_ADMIN", "NET_RAW"), strings(get(app, "capAdd")));
        assertEquals(List.of("ALL"), strings(get(app, "capDrop")));
        Value first = get(app, "capAdd", 0);
        int line = lineOf("add: [cap_sys_admin");
        assertEquals(line, first.span().line());
        assertEquals(text.split("\n")[line - 1].indexOf("cap_sys_admin") + 1, first.span().column());
        // The raw securityContext keeps what was written.
        assertEquals(List.of("cap_sys_admin", "NET_RAW"), strings(get(app, "securityContext", "capabilities", "add")));
    }

    @Test
    void hostNamespacesAreLiftedFromThePod() {
        Value app = container(1);
        assertTrue(Values.isTrue(get(app, "hostNetwork")));
        assertTrue(Values.isTrue(get(app, "hostIPC")), "YAML 1.1: yes is true");
        assertEquals(Values.FALSE, get(app, "hostPID").at(org.codomyrmex.policy.diag.Span.NONE));
        assertEquals(Values.FALSE, get(app, "hostUsers").at(org.codomyrmex.policy.diag.Span.NONE));
        assertTrue(get(app, "hostUTS") instanceof Value.Null);
        assertEquals(lineOf("hostIPC: yes"), get(container(0), "hostIPC").span().line());
    }

    @Test
    void mountsJoinVolumeMountsWithPodVolumes() {
        Value mounts = get(container(1), "mounts");
        assertEquals(5, ((Value.ListV) mounts).items().size());
        assertEquals("hostPath", str(get(mounts, 0, "type")));
        assertEquals("/var/run/docker.sock", str(get(mounts, 0, "source")));
        assertEquals("/var/run/docker.sock", str(get(mounts, 0, "target")));
        assertTrue(Values.isTrue(get(mounts, 0, "hostPath")));
        assertEquals(lineOf("path: /var/run/docker.sock"), get(mounts, 0, "source").span().line());
        assertEquals("emptyDir", str(get(mounts, 2, "type")));
        assertEquals("cache", str(get(mounts, 2, "source")));
        assertFalse(Values.isTrue(get(mounts, 2, "hostPath")));
        assertEquals("secret", str(get(mounts, 3, "type")));
        assertEquals("registry-creds", str(get(mounts, 3, "source")));
        assertTrue(Values.isTrue(get(mounts, 3, "readOnly")));
        assertEquals("build-cache", str(get(mounts, 4, "source")));
        assertTrue(Values.isTrue(get(mounts, 4, "readOnly")), "readOnly of the claim applies");
        assertEquals(List.of("/dev/nvidia0"), strings(get(container(1), "devices")));
        // YAML 1.1 octal, as Kubernetes reads defaultMode: 0400
        assertEquals(256L, ((Value.Int) get(pod.view("volumes"), 3, "secret", "defaultMode")).value());
    }

    @Test
    void portsEnvResourcesSysctlsHealthchecksAndLabels() {
        Value app = container(1);
        assertEquals(8080L, ((Value.Int) get(app, "ports", 0, "containerPort")).value());
        assertEquals(80L, ((Value.Int) get(app, "ports", 0, "hostPort")).value());
        assertEquals("127.0.0.1", str(get(app, "ports", 0, "hostIP")));
        assertEquals("UDP", str(get(app, "ports", 0, "protocol")));
        assertEquals("TCP", str(get(app, "ports", 1, "protocol")), "Kubernetes' default");

        assertTrue(Values.isTrue(get(app, "env", 0, "fromSecret")));
        assertEquals("db", str(get(app, "env", 0, "valueFrom", "secretKeyRef", "name")));
        assertFalse(Values.isTrue(get(app, "env", 1, "fromSecret")));
        assertEquals("production", str(get(app, "env", 1, "value")));

        assertEquals("500m", str(get(app, "resources", "cpuLimit")));
        assertEquals("256Mi", str(get(app, "resources", "memoryLimit")));
        assertEquals(0.25, ((Value.Float) get(app, "resources", "cpuRequest")).value());
        assertEquals("128Mi", str(get(app, "resources", "memoryRequest")));
        assertEquals("2Gi", str(get(app, "resources", "ephemeralStorageLimit")));
        assertEquals("500m", str(get(app, "resources", "limits", "cpu")));
        assertTrue(get(container(2), "resources", "cpuLimit") instanceof Value.Null);

        assertEquals("net.core.somaxconn", str(get(app, "sysctls", 0, "name")));
        assertEquals("1024", str(get(app, "sysctls", 0, "value")));

        Value checks = get(app, "healthchecks");
        assertEquals(List.of("liveness", "readiness"), ((Value.ListV) checks).items().stream().map(c -> str(get(c, "kind"))).toList());
        assertEquals("/healthz", str(get(checks, 0, "test", "httpGet", "path")));

        assertEquals(Map.of("app", "demo"), Map.of("app", str(get(app, "labels", "app"))));
        assertEquals(1, ((Value.MapV) get(app, "labels")).entries().size());
    }

    @Test
    void serviceAccountUseShowsDefaults() {
        Value sa = pod.view("serviceAccount");
        assertEquals("builder", str(get(sa, "name")));
        assertFalse(Values.isTrue(get(sa, "nameDefaulted")));
        assertTrue(Values.isTrue(get(sa, "automountServiceAccountToken")));
        assertTrue(Values.isTrue(get(sa, "automountDefaulted")));

        Document bare = only(KubeTesting.load("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
            + "spec:\n  automountServiceAccountToken: false\n  containers: [{name: c, image: x}]\n"));
        Value use = bare.view("serviceAccount");
        assertEquals("default", str(get(use, "name")));
        assertTrue(Values.isTrue(get(use, "nameDefaulted")));
        assertFalse(Values.isTrue(get(use, "automountServiceAccountToken")));
        assertEquals(5, get(use, "automountServiceAccountToken").span().line());

        Document account = only(KubeTesting.load("sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot}\n"
            + "automountServiceAccountToken: false\n"));
        assertEquals("robot", str(get(account.view("serviceAccount"), "name")));
        assertFalse(Values.isTrue(get(account.view("serviceAccount"), "automountServiceAccountToken")));
    }

    @Test
    void oldAnnotationsFeedProfilesBelowTheFields() {
        Document ds = KubeTesting.loadFixture("realworld/node-exporter.yaml").documents().get(0);
        Value metrics = get(ds.view("containers"), 0);
        assertEquals("Unconfined", str(get(metrics, "appArmorProfile")));
        assertEquals("RuntimeDefault", str(get(metrics, "seccompProfile")), "the container annotation beats the pod's");
        assertEquals(List.of("SYS_TIME"), strings(get(metrics, "capAdd")));
        assertEquals("TCP", str(get(metrics, "ports", 0, "protocol")));
        Value proxy = get(ds.view("containers"), 1);
        assertEquals("Unconfined", str(get(proxy, "seccompProfile")), "the pod annotation applies");
        assertTrue(get(proxy, "appArmorProfile") instanceof Value.Null);
        assertEquals(65532L, ((Value.Int) get(proxy, "runAsUser")).value());

        Document fieldWins = only(KubeTesting.load("p.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              annotations:
                container.apparmor.security.beta.kubernetes.io/c: unconfined
                container.seccomp.security.alpha.kubernetes.io/c: localhost/profiles/audit.json
            spec:
              securityContext:
                seccompProfile: {type: RuntimeDefault}
              containers:
                - name: c
                  image: x
                  securityContext:
                    appArmorProfile: {type: RuntimeDefault}
            """));
        Value c = get(fieldWins.view("containers"), 0);
        assertEquals("RuntimeDefault", str(get(c, "appArmorProfile")));
        assertEquals("Localhost/profiles/audit.json", str(get(c, "seccompProfile")), "container annotation beats pod field");
        assertEquals(7, get(c, "seccompProfile").span().line());
    }
}
