package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertConforms;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.load;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The views of the kinds other than pods: RBAC, Service, Ingress, NetworkPolicy, Secret, ConfigMap, webhooks. */
class ObjectViewsTest {
    private static LoadResult ingressBundle;
    private static LoadResult helm;

    @BeforeAll
    static void loadFixtures() {
        ingressBundle = KubeTesting.loadFixture("realworld/ingress-controller.yaml");
        helm = KubeTesting.loadFixture("realworld/helm-output.yaml");
    }

    private static Document byKind(LoadResult r, String kind) {
        return r.documents().stream().filter(d -> d.resource().kind().equals(kind)).findFirst().orElseThrow();
    }

    @Test
    void rbacRulesOfRolesAndClusterRoles() {
        Document cr = byKind(ingressBundle, "ClusterRole");
        Value rules = cr.view("rbacRules");
        assertEquals(8, ((Value.ListV) rules).items().size());
        assertEquals(List.of(""), strings(get(rules, 0, "apiGroups")));
        assertEquals(List.of("list", "watch"), strings(get(rules, 0, "verbs")));
        assertEquals(List.of("configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"), strings(get(rules, 0, "resources")));
        Document role = byKind(ingressBundle, "Role");
        assertEquals(List.of("edge-ingress-leader"), strings(get(role.view("rbacRules"), 2, "resourceNames")));
        assertTrue(cr.view("subjects") instanceof Value.Null);

        Document nonResource = only(load("cr.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: metrics-reader}
            rules:
              - nonResourceURLs: ["/metrics"]
                verbs: ["get"]
            """));
        assertEquals(List.of("/metrics"), strings(get(nonResource.view("rbacRules"), 0, "nonResourceURLs")));
        Document aggregated = only(load("agg.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: monitoring}
            aggregationRule:
              clusterRoleSelectors:
                - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
            """));
        assertEquals(0, ((Value.ListV) aggregated.view("rbacRules")).items().size());
        assertConforms(new LoadResult(List.of(nonResource, aggregated), List.of()));
    }

    @Test
    void bindingsGiveSubjectsAndRoleRef() {
        Document crb = byKind(ingressBundle, "ClusterRoleBinding");
        assertEquals("ServiceAccount", str(get(crb.view("subjects"), 0, "kind")));
        assertEquals("edge-ingress", str(get(crb.view("subjects"), 0, "namespace")));
        assertEquals("ClusterRole", str(get(crb.view("roleRef"), "kind")));
        assertEquals(70, get(crb.view("roleRef"), "kind").span().line());
        assertTrue(crb.view("rbacRules") instanceof Value.Null);
    }

    @Test
    void serviceIngressAndNetworkPolicy() {
        Document svc = byKind(ingressBundle, "Service");
        Value spec = svc.view("service");
        assertEquals("LoadBalancer", str(get(spec, "type")));
        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16"), strings(get(spec, "loadBalancerSourceRanges")));
        assertEquals(443L, ((Value.Int) get(spec, "ports", 1, "port")).value());
        assertEquals("https", str(get(spec, "ports", 1, "targetPort")));

        Document ing = byKind(helm, "Ingress");
        assertEquals(List.of("shop.example.com", "www.shop.example.com"), strings(get(ing.view("ingress"), "tls", 0, "hosts")));
        assertEquals("shop.example.com", str(get(ing.view("ingress"), "rules", 0, "host")));

        Document np = byKind(ingressBundle, "NetworkPolicy");
        Value pol = np.view("networkPolicy");
        assertEquals(List.of("Ingress", "Egress"), strings(get(pol, "policyTypes")));
        assertEquals("10.0.0.0/8", str(get(pol, "ingress", 0, "from", 0, "ipBlock", "cidr")));
        assertEquals(8443L, ((Value.Int) get(pol, "ingress", 0, "ports", 0, "port")).value());
        assertEquals("https", str(get(pol, "ingress", 0, "ports", 2, "port")));
        assertEquals(32767L, ((Value.Int) get(pol, "egress", 0, "ports", 1, "endPort")).value());
        assertEquals(0, ((Value.MapV) get(pol, "egress", 0, "to", 0, "namespaceSelector")).entries().size());
        assertTrue(svc.view("networkPolicy") instanceof Value.Null);
    }

    @Test
    void secretDataIsDecodedAtItsSpans() {
        Document secret = byKind(helm, "Secret");
        Value s = secret.view("secret");
        assertEquals("Opaque", str(get(s, "type")));
        assertEquals("supersecret", str(get(s, "data", "postgres-password")));
        assertEquals(21, get(s, "data", "postgres-password").span().line());
        assertEquals("replicator", str(get(s, "data", "replication-password")));
        assertEquals(List.of("tls.p12"), strings(get(s, "binaryKeys")));
        assertEquals("MIIB/wIBAzCCAcUGCSqGSIb3DQEHAaCCAbYEggGy", str(get(s, "data", "tls.p12")), "binary stays base64");
        assertEquals("shop", str(get(s, "values", "POSTGRES_USER")));
        assertEquals("supersecret", str(get(s, "values", "postgres-password")));
        // The raw object keeps what was written.
        assertEquals("c3VwZXJzZWNyZXQ=", str(get(secret.view("resource"), "data", "postgres-password")));

        Document typed = only(load("s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: t}\ntype: kubernetes.io/tls\n"
            + "stringData: {tls.key: k}\n"));
        assertEquals("kubernetes.io/tls", str(get(typed.view("secret"), "type")));
        assertEquals("k", str(get(typed.view("secret"), "values", "tls.key")));
        assertTrue(typed.view("configMap") instanceof Value.Null);
    }

    @Test
    void configMapData() {
        Document cm = byKind(helm, "ConfigMap");
        Value data = get(cm.view("configMap"), "data");
        assertEquals("info", str(get(data, "LOG_LEVEL")));
        assertTrue(str(get(data, "nginx.conf")).startsWith("server {\n  listen 8080;"));
    }

    @Test
    void webhooks() {
        Document vwc = byKind(ingressBundle, "ValidatingWebhookConfiguration");
        Value hooks = vwc.view("webhooks");
        assertEquals("validate.edge-ingress.example.com", str(get(hooks, 0, "name")));
        assertEquals("Fail", str(get(hooks, 0, "failurePolicy")));
        assertEquals(10L, ((Value.Int) get(hooks, 0, "timeoutSeconds")).value());
        assertEquals("edge-ingress-admission", str(get(hooks, 0, "clientConfig", "service", "name")));
    }

    @Test
    void commonViewsOfEveryObject() {
        Document dep = byKind(ingressBundle, "Deployment");
        assertEquals("Deployment", str(dep.view("kind")));
        assertEquals("apps/v1", str(dep.view("apiVersion")));
        assertEquals("edge-ingress-controller", str(dep.view("name")));
        assertEquals("edge-ingress", str(dep.view("namespace")));
        assertEquals("controller", str(get(dep.view("metadata"), "labels", "app.kubernetes.io/component")));
        assertEquals("10254", str(get(dep.view("podMetadata"), "annotations", "prometheus.io/port")));
        assertEquals(2L, ((Value.Int) get(dep.view("resource"), "spec", "replicas")).value());
        assertEquals("Deployment/edge-ingress/edge-ingress-controller", dep.resource().display());
        assertEquals(155, dep.resource().span().line());
        assertEquals("controller", dep.parts().get(0).name());
        assertEquals(dep.parts().get(0), dep.partAt(get(dep.view("containers"), 0, "image").span()).orElseThrow());
    }

    @Test
    void customResourcesKeepTheirOwnFieldsInTheObjectView() {
        LoadResult r = KubeTesting.loadFixture("realworld/crd-and-custom-resource.yaml");
        Document backup = r.documents().get(1);
        assertFalse(((Value.MapV) backup.view("resource")).entries().containsKey("rules"), "typed view: only shared fields");
        assertEquals(List.of("postgres", "redis"), strings(get(backup.view("object"), "rules", "include")));
        assertEquals(14L, ((Value.Int) get(backup.view("resource"), "spec", "retention")).value());
        assertTrue(backup.view("rbacRules") instanceof Value.Null);
        assertTrue(Values.equal(backup.view("object"), backup.root()));
    }

    @Test
    void kindsWithTopLevelFieldsOfTheirOwnConform() {
        LoadResult r = load("misc.yaml", """
            apiVersion: apps/v1
            kind: ControllerRevision
            metadata: {name: web-5d8f}
            revision: 3
            data:
              spec:
                template:
                  spec:
                    containers: [{name: web, image: nginx}]
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high}
            value: 1000000
            globalDefault: false
            description: For the checkout path.
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast}
            provisioner: ebs.csi.aws.com
            parameters: {type: gp3}
            reclaimPolicy: Retain
            allowVolumeExpansion: true
            volumeBindingMode: WaitForFirstConsumer
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: robot}
            imagePullSecrets: [{name: registry}]
            """);
        KubeTesting.assertNoDiagnostics(r);
        assertConforms(r);
        assertEquals(4, r.documents().size());
        assertEquals(3L, ((Value.Int) get(r.documents().get(0).view("resource"), "revision")).value());
        assertTrue(r.documents().get(0).view("configMap") instanceof Value.Null);
    }
}
