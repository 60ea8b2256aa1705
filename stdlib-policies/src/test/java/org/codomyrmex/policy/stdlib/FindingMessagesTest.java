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

    @Test
    void userSettingsOfThePodSayTheyComeFromThePodNotFromItsFirstContainer() {
        String pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: shop}
            spec:
              securityContext: {runAsNonRoot: false, runAsUser: 0, runAsGroup: 0}
              containers:
                - name: a
                  image: example/a:1.0
                  securityContext: {runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true}
                - {name: b, image: example/b:1.0}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: q, namespace: shop}
            spec:
              securityContext: {runAsUser: 70, runAsGroup: 70}
              containers:
                - {name: a, image: example/a:1.0, securityContext: {runAsNonRoot: false}}
                - {name: b, image: example/b:1.0, securityContext: {runAsUser: 80}}
            """;
        assertEquals(List.of("the pod's securityContext sets runAsNonRoot: false", "container a does not set runAsNonRoot: true",
            "container b does not set runAsNonRoot: true"), messages("pods.yaml", pod, InputKind.KUBERNETES, "ESC-042"));
        assertEquals(List.of("containers inheriting the pod's securityContext run as root"),
            messages("pods.yaml", pod, InputKind.KUBERNETES, "ESC-043"));
        assertEquals(List.of("containers inheriting the pod's securityContext run with group 0 (root)"),
            messages("pods.yaml", pod, InputKind.KUBERNETES, "ESC-045"));
        assertEquals(List.of("container a runs as user id 1000, below 10000",
            "containers inheriting the pod's securityContext run as user id 70, below 10000", "container b runs as user id 80, below 10000"),
            messages("pods.yaml", pod, InputKind.KUBERNETES, "K8S-019"));
        assertEquals(List.of("container a runs with group id 1000, below 10000",
            "containers inheriting the pod's securityContext run with group id 70, below 10000"),
            messages("pods.yaml", pod, InputKind.KUBERNETES, "K8S-020"));
    }

    @Test
    void userSettingsOfAComposeServiceNameTheService() {
        String compose = """
            services:
              app:
                image: example/app:1.0
                user: "0:0"
            """;
        assertEquals(List.of("service app runs as root"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-043"));
        assertEquals(List.of("service app runs with group 0 (root)"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-045"));
    }

    @Test
    void seLinuxOptionsOfThePodSayTheyComeFromThePod() {
        String pods = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: shop}
            spec:
              securityContext:
                seLinuxOptions: {type: spc_t, role: system_r}
              containers:
                - {name: a, image: example/a:1.0}
                - {name: b, image: example/b:1.0}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: q, namespace: shop}
            spec:
              containers:
                - name: a
                  image: example/a:1.0
                  securityContext: {seLinuxOptions: {type: unconfined_t, user: system_u}}
            """;
        assertEquals(List.of("containers inheriting the pod's securityContext use the SELinux type spc_t",
            "container a uses the SELinux type unconfined_t"), messages("pods.yaml", pods, InputKind.KUBERNETES, "ESC-036"));
        assertEquals(List.of("containers inheriting the pod's securityContext get the SELinux role system_r",
            "container a sets the SELinux user system_u"), messages("pods.yaml", pods, InputKind.KUBERNETES, "ESC-037"));
    }

    @Test
    void seccompAndAppArmorOfThePodSayTheyComeFromThePodNotFromItsFirstContainer() {
        String pods = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: shop}
            spec:
              securityContext:
                seccompProfile: {type: Unconfined}
                appArmorProfile: {type: Unconfined}
              initContainers:
                - {name: setup, image: example/setup:1.0}
              containers:
                - {name: a, image: example/a:1.0}
                - name: b
                  image: example/b:1.0
                  securityContext:
                    seccompProfile: {type: Unconfined}
                    appArmorProfile: {type: Localhost, localhostProfile: custom}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: shop}
            spec:
              template:
                metadata:
                  annotations:
                    seccomp.security.alpha.kubernetes.io/pod: unconfined
                    container.apparmor.security.beta.kubernetes.io/web: unconfined
                spec:
                  containers:
                    - {name: web, image: example/web:1.0}
                    - {name: side, image: example/side:1.0}
            """;
        assertEquals(List.of("containers inheriting the pod's profile run with seccomp unconfined",
            "container b runs with seccomp unconfined", "containers inheriting the pod's profile run with seccomp unconfined"),
            messages("pods.yaml", pods, InputKind.KUBERNETES, "ESC-033"));
        assertEquals(List.of("containers inheriting the pod's profile run with AppArmor unconfined",
            "container web runs with AppArmor unconfined"), messages("pods.yaml", pods, InputKind.KUBERNETES, "ESC-035"));
    }

    @Test
    void seccompAndAppArmorOfAComposeServiceNameTheService() {
        String compose = """
            services:
              app:
                image: example/app:1.0
                security_opt: ["seccomp=unconfined", "apparmor=unconfined"]
            """;
        assertEquals(List.of("service app runs with seccomp unconfined"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-033"));
        assertEquals(List.of("service app runs with AppArmor unconfined"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-035"));
    }

    @Test
    void unpinnedPackagesOfOneCommandAreAllNamedInItsFinding() {
        String dockerfile = """
            FROM debian:12.6-slim
            RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl nginx=1.22.1-9
            RUN apt-get install -y --no-install-recommends tini
            RUN pip install --no-cache-dir flask gunicorn==22.0.0 requests && npm install -g typescript pnpm@9.1.0 zx
            RUN go install golang.org/x/tools/gopls@latest honnef.co/go/tools/cmd/staticcheck@2023.1.7 github.com/a/b/cmd/c
            RUN gem install bundler rake && dnf install -y httpd-2.4.57 mod_ssl jq
            """;
        assertEquals(List.of("apt packages libpq5, curl are not pinned to a version", "apt package tini is not pinned to a version"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-015"));
        assertEquals(List.of("pip packages flask, requests are not pinned to a version"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-021"));
        assertEquals(List.of("npm packages typescript, zx are not pinned to a version"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-022"));
        assertEquals(List.of("go installs golang.org/x/tools/gopls@latest, github.com/a/b/cmd/c without a fixed version"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-050"));
        assertEquals(List.of("gems bundler, rake are installed without a version"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-024"));
        assertEquals(List.of("packages mod_ssl, jq are not pinned to a version"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-075"));
    }

    @Test
    void aPortPublishedOnEveryInterfaceIsNamedByTheHostPortItOpens() {
        String compose = """
            services:
              web:
                image: nginx:1.27.0
                ports: ["80:80", "8080:80", "443"]
            """;
        assertEquals(List.of("web publishes port 80 on every host interface",
            "web publishes container port 80 as host port 8080 on every host interface",
            "web publishes container port 443 on a random port of every host interface"),
            messages("compose.yaml", compose, InputKind.COMPOSE, "NET-001"));
        String pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop}
            spec:
              containers:
                - name: web
                  image: nginx:1.27.0
                  ports: [{containerPort: 443, hostPort: 8443}, {containerPort: 8080, hostPort: 0}]
            """;
        assertEquals(List.of("web publishes container port 443 as host port 8443 on every host interface"),
            messages("pod.yaml", pod, InputKind.KUBERNETES, "NET-001"));
    }

    @Test
    void aSecretInsideConfigurationTextIsNamedByItsKeyAndMasked() {
        String compose = """
            services:
              gitlab:
                image: gitlab/gitlab-ee:16.8.1-ee.0
                environment:
                  GITLAB_OMNIBUS_CONFIG: |
                    external_url 'https://gitlab.example.com'
                    gitlab_rails['smtp_password'] = "smtpPassw0rd"
                  APP_CONFIG: |
                    auth:
                      token: abcd1234efgh
            """;
        assertEquals(List.of("gitlab: GITLAB_OMNIBUS_CONFIG sets smtp_password to a literal secret (sm**********)",
            "gitlab: APP_CONFIG sets token to a literal secret (ab**********)"),
            messages("compose.yaml", compose, InputKind.COMPOSE, "SEC-002"));
    }

    @Test
    void containerSettingsOfAComposeServiceNameTheService() {
        String compose = """
            services:
              gitlab-runner:
                image: gitlab/gitlab-runner:alpine-v16.8.0
                privileged: true
                cap_add: [SYS_ADMIN]
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock
            """;
        assertEquals(List.of("service gitlab-runner runs privileged"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-001"));
        assertEquals(List.of("service gitlab-runner adds SYS_ADMIN"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-009"));
        assertEquals(List.of("service gitlab-runner mounts the container runtime socket /var/run/docker.sock"),
            messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-022"));
        assertEquals(List.of("service gitlab-runner has no memory limit"), messages("compose.yaml", compose, InputKind.COMPOSE, "ESC-047"));
        String pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ci}
            spec:
              containers:
                - {name: runner, image: example/runner:1.0, securityContext: {privileged: true}}
            """;
        assertEquals(List.of("container runner runs privileged"), messages("pod.yaml", pod, InputKind.KUBERNETES, "ESC-001"));
    }

    @Test
    void plainHttpDownloadsOfOneRunAreAllNamed() {
        String dockerfile = """
            FROM debian:12.6-slim
            RUN curl -fsSLo /tmp/a.tgz http://downloads.example.com/a.tgz \\
             && curl -fsSLo /tmp/b.tgz http://mirror.example.org/b.tgz
            """;
        assertEquals(List.of("downloads http://downloads.example.com/a.tgz, http://mirror.example.org/b.tgz over plain HTTP"),
            messages("Dockerfile", dockerfile, InputKind.DOCKERFILE, "IMG-010"));
    }

    @Test
    void anEmptySecurityContextIsCalledEmpty() {
        String pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop}
            spec:
              securityContext: {}
              containers:
                - {name: web, image: nginx:1.27.0, securityContext: {}}
                - {name: side, image: example/side:1.0}
            """;
        assertEquals(List.of("pod web has an empty securityContext"), messages("pod.yaml", pod, InputKind.KUBERNETES, "K8S-018"));
        assertEquals(List.of("container web has an empty securityContext", "container side has no securityContext"),
            messages("pod.yaml", pod, InputKind.KUBERNETES, "K8S-017"));
    }

    @Test
    void anObjectWithoutANamespaceIsNotSaidToBeInDefault() {
        String objects = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: api, namespace: default}
            """;
        assertEquals(List.of("ServiceAccount web names no namespace: it goes to the default namespace unless one is given when it is applied",
            "ServiceAccount api is in the default namespace"), messages("sa.yaml", objects, InputKind.KUBERNETES, "K8S-011"));
    }
}
