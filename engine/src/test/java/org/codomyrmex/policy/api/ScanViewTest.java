package org.codomyrmex.policy.api;

import org.codomyrmex.policy.input.InputSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Cross-document rules through the scan view: each index, and a compose build followed to its Dockerfile. */
class ScanViewTest {
    static final String POLICY = """
        package cross

        rule NET-900 "Namespace without default-deny" {
          severity medium
          threat network-security
          on kubernetes(Namespace)
          where none p in scan.networkPolicies[name]: p.spec.podSelector == {} and "Ingress" in p.spec.policyTypes
          report "namespace {name} has no default-deny ingress policy" at resource.metadata.name
        }

        rule NET-901 "Workload no NetworkPolicy selects" {
          severity low
          threat network-security
          on kubernetes
          let w = [x for x in scan.workloads if x.name == name and x.kind == kind]
          where len(w) == 1
          where none p in scan.networkPolicies[w[0].namespace]: selects(p.spec.podSelector, w[0].podLabels)
          report "{kind} {name} is selected by no NetworkPolicy" at resource.metadata.name
        }

        rule K8S-900 "Service account bound to cluster-admin" {
          severity high
          threat kubernetes-security
          on kubernetes
          let sa = serviceAccount.name
          where pod != null
          where any b in scan.bindingsBySubject["ServiceAccount:" + namespace + "/" + sa]: b.roleRef.name == "cluster-admin"
          report "pods of {name} run as {sa}, which is bound to cluster-admin" at pod
        }

        rule ESC-900 "Compose builds an image that runs as root" {
          severity medium
          threat container-escape
          on compose
          for s in services
          let df = scan.dockerfiles[s.build.dockerfilePath]
          where df != null and (df.user == null or df.user == "root" or df.user == "0")
          report "service {s.name} builds an image that runs as root" at s.build
        }
        """;

    static final String K8S = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: locked}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: locked}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: worker, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: worker}}
            spec:
              serviceAccountName: robot
              containers: [{name: w, image: "busybox:1.36"}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: robot-admin}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: ServiceAccount, name: robot, namespace: shop}]
        """;

    @Test
    void crossDocumentRulesUseTheIndexes(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("api"));
        Files.writeString(dir.resolve("api/Dockerfile"), "FROM alpine:3.20\nRUN apk add --no-cache curl\n");
        Files.createDirectories(dir.resolve("ui"));
        Files.writeString(dir.resolve("ui/Dockerfile"), "FROM alpine:3.20\nUSER 1000\n");
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, """
            services:
              api:
                build: ./api
              ui:
                build:
                  context: ./ui
            """);
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("cross.policy", POLICY).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        Report r = engine.check(List.of(InputSource.ofText("all.yaml", K8S), InputSource.ofPath(compose.toString(), compose)),
            Optional.empty());
        assertFalse(r.hasErrors(), r.diagnostics().toString());
        List<String> got = r.findings().stream().map(f -> f.ruleId() + " " + f.location().line() + " " + f.message()).toList();
        // Findings are ordered by file: the compose file's absolute path sorts before "all.yaml".
        assertEquals(List.of(
            "ESC-900 3 service api builds an image that runs as root",
            "NET-900 3 namespace shop has no default-deny ingress policy",
            "NET-901 34 Deployment worker is selected by no NetworkPolicy",
            "K8S-900 39 pods of worker run as robot, which is bound to cluster-admin"), got);
    }

    @Test
    void dockerfilesOutsideTheComposeProjectAreNotRead(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/Dockerfile"), "FROM alpine:3.20\n");
        Path project = Files.createDirectories(dir.resolve("project"));
        Path compose = project.resolve("compose.yaml");
        Files.writeString(compose, "services:\n  api:\n    build: ../outside\n");
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("cross.policy", POLICY).build();
        Report r = engine.check(List.of(InputSource.ofPath(compose.toString(), compose)), Optional.empty());
        assertEquals(List.of(), r.findings().stream().map(f -> f.ruleId()).toList());
    }
}
