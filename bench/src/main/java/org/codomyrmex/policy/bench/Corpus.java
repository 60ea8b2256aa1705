package org.codomyrmex.policy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic corpus of realistic inputs: the same seed and size always give the same bytes. Kubernetes
 * streams of five objects per file (every workload kind, RBAC, NetworkPolicies, Services, ConfigMaps), compose
 * projects and Dockerfiles, in the proportions of a typical platform repository. Workloads are 60–150 lines:
 * one to three containers with env, ports, probes, resources, mounts and a security context, and now and then
 * a bad setting (privileged, hostPath, latest tag, a literal secret...) so rules have something to find.
 *
 * <p>{@code java -cp benchmarks.jar org.codomyrmex.policy.bench.Corpus DIR DOCUMENTS [SEED]}
 */
public final class Corpus {
    public static final long DEFAULT_SEED = 20261129L;
    /** Kubernetes objects per manifest file. */
    static final int OBJECTS_PER_FILE = 5;

    private static final String[] WORKLOAD_KINDS = {"Deployment", "Deployment", "Deployment", "StatefulSet",
        "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet", "ReplicationController"};
    private static final String[] IMAGES = {"registry.example.com/shop/api", "ghcr.io/example/worker", "nginx",
        "docker.io/library/redis", "quay.io/prometheus/node-exporter", "registry.example.com/payments/ledger",
        "postgres", "ghcr.io/example/frontend"};
    private static final String[] WORDS = {"alpha", "bravo", "cart", "delta", "edge", "feed", "gate", "hub",
        "index", "jobs", "kv", "ledger", "mail", "notify", "orders", "pay", "queue", "report", "search", "user"};
    private static final String[] CAPS = {"NET_BIND_SERVICE", "NET_ADMIN", "SYS_ADMIN", "CHOWN", "SYS_PTRACE"};

    /** What was written: the files and how many documents the engine will count in them. */
    public record Written(Path root, List<Path> files, int documents, long bytes) {
    }

    private final SplittableRandom random;
    private final StringBuilder out = new StringBuilder(16 * 1024);

    private Corpus(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Corpus DIR DOCUMENTS [SEED]");
            System.exit(2);
        }
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        Written w = write(Path.of(args[0]), Integer.parseInt(args[1]), seed);
        System.out.printf("%d documents in %d files, %d bytes, under %s%n", w.documents(), w.files().size(), w.bytes(), w.root());
    }

    /**
     * Writes about {@code documents} documents under {@code dir} (created; existing files of the same names are
     * replaced): 84% Kubernetes objects, 8% compose projects, 8% Dockerfiles.
     */
    public static Written write(Path dir, int documents, long seed) throws IOException {
        Files.createDirectories(dir.resolve("k8s"));
        Files.createDirectories(dir.resolve("compose"));
        Files.createDirectories(dir.resolve("docker"));
        Corpus c = new Corpus(seed);
        List<Path> files = new ArrayList<>();
        int written = 0;
        long bytes = 0;
        int n = 0;
        while (written < documents) {
            n++;
            int slot = n % 25;
            Path file;
            String text;
            int docs;
            if (slot == 7 || slot == 19) {
                file = dir.resolve("compose").resolve(String.format("compose-%06d.yaml", n));
                text = c.compose(n);
                docs = 1;
            } else if (slot == 11 || slot == 23) {
                file = dir.resolve("docker").resolve(String.format("app-%06d.dockerfile", n));
                text = c.dockerfile(n);
                docs = 1;
            } else {
                file = dir.resolve("k8s").resolve(String.format("app-%06d.yaml", n));
                docs = Math.min(OBJECTS_PER_FILE, documents - written);
                text = c.kubernetes(n, docs);
            }
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            Files.write(file, b);
            files.add(file);
            bytes += b.length;
            written += docs;
        }
        return new Written(dir, files, written, bytes);
    }

    /** The text of one manifest file holding {@code count} objects, without writing it. */
    public static String kubernetesText(long seed, int n, int count) {
        return new Corpus(seed).kubernetes(n, count);
    }

    // ---- Kubernetes ----

    private String kubernetes(int n, int count) {
        out.setLength(0);
        String app = word() + "-" + n;
        String ns = "team-" + WORDS[n % 7];
        for (int i = 0; i < count; i++) {
            if (i > 0) out.append("---\n");
            int pick = (n * OBJECTS_PER_FILE + i) % 20;
            if (pick < 10) workload(WORKLOAD_KINDS[(n + i) % WORKLOAD_KINDS.length], app + "-" + i, ns);
            else if (pick < 12) service(app + "-" + i, ns);
            else if (pick < 14) networkPolicy(app + "-" + i, ns);
            else if (pick < 16) role(app + "-" + i, ns, pick == 15);
            else if (pick < 18) binding(app + "-" + i, ns, pick == 17);
            else if (pick == 18) serviceAccount(app + "-" + i, ns);
            else configMap(app + "-" + i, ns);
        }
        return out.toString();
    }

    private void meta(String name, String ns, String indent, boolean clusterScoped) {
        line(indent + "metadata:");
        line(indent + "  name: " + name);
        if (!clusterScoped) line(indent + "  namespace: " + ns);
        line(indent + "  labels:");
        line(indent + "    app.kubernetes.io/name: " + name);
        line(indent + "    app.kubernetes.io/part-of: " + ns);
        line(indent + "    tier: " + (random.nextBoolean() ? "backend" : "frontend"));
    }

    private void workload(String kind, String name, String ns) {
        String api = switch (kind) {
            case "Pod", "ReplicationController" -> "v1";
            case "Job", "CronJob" -> "batch/v1";
            default -> "apps/v1";
        };
        line("apiVersion: " + api);
        line("kind: " + kind);
        meta(name, ns, "", false);
        String podIndent;
        if (kind.equals("Pod")) {
            podIndent = "";
        } else {
            line("spec:");
            String in = "  ";
            if (kind.equals("CronJob")) {
                line("  schedule: \"*/" + (5 + random.nextInt(50)) + " * * * *\"");
                line("  jobTemplate:");
                line("    spec:");
                in = "      ";
            }
            if (kind.equals("Deployment") || kind.equals("StatefulSet") || kind.equals("ReplicaSet")) {
                line(in + "replicas: " + (1 + random.nextInt(5)));
            }
            if (kind.equals("StatefulSet")) line(in + "serviceName: " + name);
            if (!kind.equals("Job") && !kind.equals("CronJob")) {
                line(in + "selector:");
                if (!kind.equals("ReplicationController")) line(in + "  matchLabels:");
                line(in + (kind.equals("ReplicationController") ? "  " : "    ") + "app.kubernetes.io/name: " + name);
            }
            line(in + "template:");
            line(in + "  metadata:");
            line(in + "    labels:");
            line(in + "      app.kubernetes.io/name: " + name);
            line(in + "    annotations:");
            line(in + "      prometheus.io/scrape: \"true\"");
            line(in + "      prometheus.io/port: \"9090\"");
            podIndent = in + "  ";
        }
        podSpec(podIndent, name, kind.equals("Job") || kind.equals("CronJob"));
    }

    private void podSpec(String in, String name, boolean batch) {
        line(in + "spec:");
        String s = in + "  ";
        line(s + "serviceAccountName: " + name);
        if (batch) line(s + "restartPolicy: OnFailure");
        if (chance(4)) line(s + "hostNetwork: true");
        if (chance(5)) line(s + "hostPID: true");
        if (chance(2)) line(s + "automountServiceAccountToken: false");
        line(s + "securityContext:");
        line(s + "  fsGroup: 2000");
        if (!chance(5)) line(s + "  runAsNonRoot: true");
        line(s + "  seccompProfile:");
        line(s + "    type: RuntimeDefault");
        int count = chance(3) ? 2 : 1;
        if (count == 1 && chance(2)) {
            line(s + "initContainers:");
            container(s, name + "-init", true);
        }
        line(s + "containers:");
        for (int i = 0; i < count; i++) container(s, i == 0 ? name : name + "-side" + i, false);
        line(s + "volumes:");
        line(s + "  - name: config");
        line(s + "    configMap:");
        line(s + "      name: " + name + "-config");
        line(s + "  - name: cache");
        line(s + "    emptyDir:");
        line(s + "      sizeLimit: 512Mi");
        if (chance(6)) {
            line(s + "  - name: host");
            line(s + "    hostPath:");
            line(s + "      path: " + (random.nextBoolean() ? "/var/run/docker.sock" : "/var/log"));
        }
    }

    private void container(String s, String name, boolean init) {
        line(s + "  - name: " + name);
        line(s + "    image: " + image());
        line(s + "    imagePullPolicy: " + (random.nextBoolean() ? "IfNotPresent" : "Always"));
        if (!init) {
            line(s + "    args:");
            line(s + "      - --port=8080");
            line(s + "      - --log-level=" + (random.nextBoolean() ? "info" : "debug"));
            line(s + "    ports:");
            line(s + "      - name: http");
            line(s + "        containerPort: 8080");
            line(s + "        protocol: TCP");
        } else {
            line(s + "    command: [\"sh\", \"-c\", \"until nc -z db 5432; do sleep 1; done\"]");
        }
        line(s + "    env:");
        int env = 2 + random.nextInt(init ? 2 : 4);
        for (int i = 0; i < env; i++) {
            int k = random.nextInt(10);
            if (k == 0) {
                line(s + "      - name: DB_PASSWORD");
                if (chance(3)) {
                    line(s + "        value: \"s3cr3t-" + random.nextInt(100000) + "\"");
                } else {
                    line(s + "        valueFrom:");
                    line(s + "          secretKeyRef:");
                    line(s + "            name: db");
                    line(s + "            key: password");
                }
            } else if (k == 1) {
                line(s + "      - name: POD_NAME");
                line(s + "        valueFrom:");
                line(s + "          fieldRef:");
                line(s + "            fieldPath: metadata.name");
            } else {
                line(s + "      - name: " + word().toUpperCase() + "_SETTING_" + i);
                line(s + "        value: \"" + word() + "-" + random.nextInt(1000) + "\"");
            }
        }
        if (!chance(5)) {
            line(s + "    resources:");
            line(s + "      requests:");
            line(s + "        cpu: " + (50 + random.nextInt(400)) + "m");
            line(s + "        memory: " + (64 << random.nextInt(4)) + "Mi");
            if (!chance(4)) {
                line(s + "      limits:");
                line(s + "        cpu: \"" + (1 + random.nextInt(2)) + "\"");
                line(s + "        memory: " + (256 << random.nextInt(3)) + "Mi");
            }
        }
        if (!init) {
            line(s + "    livenessProbe:");
            line(s + "      httpGet:");
            line(s + "        path: /healthz");
            line(s + "        port: http");
            line(s + "      initialDelaySeconds: 10");
            line(s + "      periodSeconds: 15");
        }
        line(s + "    volumeMounts:");
        line(s + "      - name: config");
        line(s + "        mountPath: /etc/app");
        line(s + "        readOnly: true");
        line(s + "      - name: cache");
        line(s + "        mountPath: /var/cache/app");
        line(s + "    securityContext:");
        if (chance(10)) line(s + "      privileged: true");
        line(s + "      allowPrivilegeEscalation: " + (chance(6) ? "true" : "false"));
        if (!chance(4)) line(s + "      readOnlyRootFilesystem: true");
        if (!chance(6)) line(s + "      runAsUser: " + (1000 + random.nextInt(9000)));
        line(s + "      capabilities:");
        line(s + "        drop: [\"ALL\"]");
        if (chance(5)) line(s + "        add: [\"" + CAPS[random.nextInt(CAPS.length)] + "\"]");
    }

    private void service(String name, String ns) {
        line("apiVersion: v1");
        line("kind: Service");
        meta(name, ns, "", false);
        line("spec:");
        line("  type: " + (chance(5) ? "NodePort" : "ClusterIP"));
        line("  selector:");
        line("    app.kubernetes.io/name: " + name);
        line("  ports:");
        line("    - name: http");
        line("      port: 80");
        line("      targetPort: http");
    }

    private void networkPolicy(String name, String ns) {
        line("apiVersion: networking.k8s.io/v1");
        line("kind: NetworkPolicy");
        meta(name, ns, "", false);
        line("spec:");
        line("  podSelector:");
        line("    matchLabels:");
        line("      app.kubernetes.io/name: " + name);
        line("  policyTypes: [Ingress, Egress]");
        line("  ingress:");
        line("    - from:");
        line("        - namespaceSelector:");
        line("            matchLabels:");
        line("              kubernetes.io/metadata.name: ingress");
        line("      ports:");
        line("        - port: 8080");
        line("  egress:");
        line("    - to:");
        line("        - ipBlock:");
        line("            cidr: " + (chance(4) ? "0.0.0.0/0" : "10.0.0.0/8"));
    }

    private void role(String name, String ns, boolean cluster) {
        line("apiVersion: rbac.authorization.k8s.io/v1");
        line("kind: " + (cluster ? "ClusterRole" : "Role"));
        meta(name, ns, "", cluster);
        line("rules:");
        line("  - apiGroups: [\"\"]");
        line("    resources: [\"configmaps\", \"pods\"]");
        line("    verbs: [\"get\", \"list\", \"watch\"]");
        if (chance(4)) {
            line("  - apiGroups: [\"\"]");
            line("    resources: [\"secrets\"]");
            line("    verbs: [\"" + (chance(2) ? "*" : "get") + "\"]");
        }
    }

    private void binding(String name, String ns, boolean cluster) {
        line("apiVersion: rbac.authorization.k8s.io/v1");
        line("kind: " + (cluster ? "ClusterRoleBinding" : "RoleBinding"));
        meta(name, ns, "", cluster);
        line("subjects:");
        line("  - kind: ServiceAccount");
        line("    name: " + name);
        line("    namespace: " + ns);
        line("roleRef:");
        line("  apiGroup: rbac.authorization.k8s.io");
        line("  kind: " + (cluster ? "ClusterRole" : "Role"));
        line("  name: " + (cluster && chance(8) ? "cluster-admin" : name));
    }

    private void serviceAccount(String name, String ns) {
        line("apiVersion: v1");
        line("kind: ServiceAccount");
        meta(name, ns, "", false);
        line("automountServiceAccountToken: false");
    }

    private void configMap(String name, String ns) {
        line("apiVersion: v1");
        line("kind: ConfigMap");
        meta(name, ns, "", false);
        line("data:");
        for (int i = 0; i < 6; i++) line("  " + word() + "." + i + ": \"" + word() + "\"");
    }

    // ---- compose and Dockerfiles ----

    private String compose(int n) {
        out.setLength(0);
        line("name: project-" + n);
        line("services:");
        int services = 2 + random.nextInt(3);
        for (int i = 0; i < services; i++) {
            line("  " + word() + i + ":");
            line("    image: " + image());
            if (chance(6)) line("    privileged: true");
            if (chance(8)) line("    network_mode: host");
            line("    read_only: " + (chance(3) ? "false" : "true"));
            line("    user: \"" + (chance(4) ? "root" : "1000:1000") + "\"");
            line("    cap_drop: [ALL]");
            if (chance(5)) line("    cap_add: [" + CAPS[random.nextInt(CAPS.length)] + "]");
            line("    security_opt:");
            line("      - no-new-privileges:true");
            line("    environment:");
            line("      LOG_LEVEL: info");
            if (chance(3)) line("      API_TOKEN: tok-" + random.nextInt(1_000_000));
            line("    ports:");
            line("      - \"127.0.0.1:" + (8000 + i) + ":8080\"");
            line("    volumes:");
            line("      - " + (chance(6) ? "/var/run/docker.sock:/var/run/docker.sock" : "data" + i + ":/data"));
            line("    deploy:");
            line("      resources:");
            line("        limits:");
            line("          cpus: \"0.5\"");
            line("          memory: 256M");
        }
        line("volumes:");
        for (int i = 0; i < services; i++) line("  data" + i + ": {}");
        return out.toString();
    }

    private String dockerfile(int n) {
        out.setLength(0);
        line("# syntax=docker/dockerfile:1");
        line("FROM golang:1.22 AS build");
        line("WORKDIR /src");
        line("COPY go.mod go.sum ./");
        line("RUN go mod download");
        line("COPY . .");
        line("RUN CGO_ENABLED=0 go build -o /out/app-" + n + " ./cmd/app");
        line("");
        line("FROM " + (chance(4) ? "alpine:latest" : "gcr.io/distroless/static:nonroot"));
        if (chance(3)) line("ENV API_KEY=key-" + random.nextInt(1_000_000));
        line("COPY --from=build /out/app-" + n + " /app");
        line("EXPOSE 8080");
        if (!chance(4)) line("USER 65532:65532");
        line("HEALTHCHECK CMD [\"/app\", \"healthcheck\"]");
        line("ENTRYPOINT [\"/app\"]");
        return out.toString();
    }

    // ---- helpers ----

    private String image() {
        String repo = IMAGES[random.nextInt(IMAGES.length)];
        int k = random.nextInt(10);
        if (k == 0) return repo + ":latest";
        if (k == 1) return repo;
        if (k == 2) return repo + "@sha256:" + hex(64);
        return repo + ":" + (1 + random.nextInt(3)) + "." + random.nextInt(20) + "." + random.nextInt(10);
    }

    private String hex(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.append(Character.forDigit(random.nextInt(16), 16));
        return b.toString();
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** True once in {@code n} times. */
    private boolean chance(int n) {
        return random.nextInt(n) == 0;
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
