package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertConforms;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertNoDiagnostics;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.headlines;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.load;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-document streams, lists, JSON, Helm output on standard input, directories. */
class StreamsTest {

    private static List<String> names(LoadResult r) {
        return r.documents().stream().map(d -> d.resource().display()).toList();
    }

    @Test
    void multiDocumentStreamGivesOneDocumentPerObjectWithItsSpan() {
        String text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: prod}
            ---
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: b
            """;
        LoadResult r = load("stream.yaml", text);
        assertNoDiagnostics(r);
        assertEquals(List.of("ConfigMap/prod/a", "Secret/b"), names(r));
        Document b = r.documents().get(1);
        assertEquals(8, b.resource().span().line());
        assertEquals(1, b.resource().span().column());
        assertEquals("", b.resource().namespace(), "absent namespace stays empty");
        assertEquals("", str(b.view("namespace")));
        assertEquals("prod", str(r.documents().get(0).view("namespace")));
    }

    @Test
    void listAndAnyStarListKindGiveOneDocumentPerItem() {
        String text = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: one}
              - apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleList
                items:
                  - apiVersion: rbac.authorization.k8s.io/v1
                    kind: Role
                    metadata: {name: nested, namespace: ns}
                    rules: []
            ---
            apiVersion: v1
            kind: PodList
            metadata: {resourceVersion: "12"}
            items:
              - apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: c, image: nginx}]
            """;
        LoadResult r = load("lists.yaml", text);
        assertNoDiagnostics(r);
        assertConforms(r);
        assertEquals(List.of("Service/one", "Role/ns/nested", "Pod/p"), names(r));
        assertEquals(4, r.documents().get(0).resource().span().line());
        assertEquals(5, r.documents().get(0).resource().span().column());
        assertEquals("nginx", str(get(r.documents().get(2).view("containers"), 0, "image")));
    }

    @Test
    void itemsOfATypedListTakeTheirKindFromTheList() {
        // The API server writes a PodList (kubectl get --raw /api/v1/pods) without each item's kind and
        // apiVersion; kubectl gives them the list's. The items were skipped with K1011, and their pods unchecked.
        String json = "{\"kind\": \"PodList\", \"apiVersion\": \"v1\", \"metadata\": {\"resourceVersion\": \"1\"}, \"items\": ["
            + "{\"metadata\": {\"name\": \"a\", \"namespace\": \"n\"}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"x\","
            + " \"securityContext\": {\"privileged\": true}}]}},"
            + "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}, \"spec\": {\"containers\": []}}]}";
        LoadResult r = load("pods.json", json);
        assertEquals(1, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals("K1011", r.diagnostics().get(0).code(), "an item with a kind but no apiVersion is not completed");
        Document pod = only(r);
        assertEquals("Pod", pod.resource().kind());
        assertEquals("a", pod.resource().name());
        assertEquals("v1", str(pod.view("apiVersion")));
        assertTrue(get(pod.view("containers"), 0, "privileged") instanceof Value.Bool b && b.value());
        LoadResult plain = load("l.yaml", "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n");
        assertEquals("K1011", plain.diagnostics().get(0).code(), "kind: List says nothing of its items");
    }

    @Test
    void aListKindWithoutItemsIsAnObject() {
        Document d = only(load("allow.yaml", "apiVersion: ops.example.com/v1\nkind: AllowList\nmetadata: {name: a}\nspec: {hosts: [x]}\n"));
        assertEquals("AllowList", d.resource().kind());
    }

    @Test
    void badListItemsAreReportedAndTheOthersKept() {
        LoadResult r = load("l.yaml", """
            apiVersion: v1
            kind: List
            items:
              - just a string
              - metadata: {name: no-kind}
              - apiVersion: v1
                kind: ConfigMap
                metadata: {name: ok}
            """);
        assertEquals(List.of("ConfigMap/ok"), names(r));
        assertEquals(2, r.diagnostics().size(), KubeTesting.headlines(r.diagnostics()));
        Diagnostic notMap = r.diagnostics().get(0);
        assertEquals("K1010", notMap.code());
        assertEquals(Span.of("l.yaml", 4, 5).line(), notMap.span().line());
        assertEquals(5, notMap.span().column());
        assertTrue(notMap.message().contains("List item 1"), notMap.message());
        assertEquals("K1011", r.diagnostics().get(1).code());
        assertEquals(5, r.diagnostics().get(1).span().line());
    }

    @Test
    void jsonIsReadWithExactSpansWhateverItsIndentation() {
        String json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"j\", \"labels\": {\"on\": \"yes\"}},\n"
            + "\t\"spec\": {\"hostNetwork\": true, \"containers\": [\n\t\t{\"name\": \"c\", \"image\": \"nginx:1.27\", \"ports\": [{\"containerPort\": 80}]}\n\t]}\n}\n";
        for (String name : List.of("pod.json", "-")) {
            LoadResult r = load(name, json);
            assertNoDiagnostics(r);
            assertConforms(r);
            Document d = only(r);
            Value image = get(d.view("containers"), 0, "image");
            assertEquals("nginx:1.27", str(image));
            String line6 = json.split("\n")[5];
            int col = line6.indexOf("\"nginx:1.27\"") + 1;
            assertEquals(new Span(name, 6, col, 6, col + "\"nginx:1.27\"".length() - 1), image.span());
            assertEquals("yes", str(get(d.view("metadata"), "labels", "on")), "quoted JSON strings stay strings");
        }
    }

    @Test
    void jsonListFixtureKeepsServerFieldsAndDecodesTheSecret() {
        LoadResult r = KubeTesting.loadFixture("realworld/pods-list.json");
        assertEquals(List.of("Pod/default/debug-shell-7c9f", "Secret/default/registry-auth"), names(r));
        Document pod = r.documents().get(0);
        Value shell = get(pod.view("containers"), 0);
        assertEquals(List.of("SYS_ADMIN", "NET_ADMIN"), KubeTesting.strings(get(shell, "capAdd")));
        assertTrue(org.codomyrmex.policy.model.Values.isTrue(get(shell, "hostPID")));
        assertEquals("/", str(get(shell, "mounts", 0, "source")));
        assertEquals("projected", str(get(shell, "mounts", 1, "type")));
        assertEquals("ReplicaSet", str(get(pod.view("metadata"), "ownerReferences", 0, "kind")));
        Document secret = r.documents().get(1);
        assertEquals("{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}}}",
            str(get(secret.view("secret"), "data", ".dockerconfigjson")));
    }

    @Test
    void helmOutputOnStandardInputReadsLikeTheFile() throws IOException {
        String text = Files.readString(KubeTesting.fixture("realworld/helm-output.yaml"));
        LoadResult stdin = new KubernetesLoader().load(InputSource.ofBytes("-", text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            LoadOptions.defaults());
        assertNoDiagnostics(stdin);
        assertEquals(List.of("ServiceAccount/shop-db", "Secret/shop-db", "ConfigMap/shop-web", "Service/shop-web",
            "Deployment/shop-web", "StatefulSet/shop-db", "CronJob/shop-cleanup", "PodDisruptionBudget/shop-web",
            "HorizontalPodAutoscaler/shop-web", "Ingress/shop-web"), names(stdin));
        assertEquals("-", stdin.documents().get(0).resource().span().file());
        Document web = stdin.documents().get(4);
        Value init = get(web.view("containers"), 1);
        assertEquals("log-shipper", str(get(init, "name")));
        assertEquals("Always", str(get(init, "restartPolicy")), "sidecar init container");
        assertEquals("Localhost/profiles/shop-web.json", str(get(init, "seccompProfile")));
    }

    @Test
    void aByteOrderMarkIsSkipped() {
        byte[] body = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        LoadResult r = new KubernetesLoader().load(InputSource.ofBytes("bom.yaml", withBom), LoadOptions.defaults());
        assertNoDiagnostics(r);
        assertEquals("Namespace/ns1", only(r).resource().display());
    }

    @Test
    void aDirectoryIsReadLikeKubectlApplyDashF(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
        Files.writeString(dir.resolve("a.json"), "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}");
        Files.writeString(dir.resolve("notes.txt"), "not a manifest");
        LoadResult r = new KubernetesLoader().load(InputSource.ofPath("manifests", dir), LoadOptions.defaults());
        assertNoDiagnostics(r);
        assertEquals(List.of("ConfigMap/a", "ConfigMap/b"), names(r));
        assertEquals("manifests/a.json", r.documents().get(0).resource().span().file());
    }
}
