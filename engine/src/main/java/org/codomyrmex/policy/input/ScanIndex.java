package org.codomyrmex.policy.input;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.dockerfile.DockerfileLoader;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.runtime.builtins.BuiltinRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@code scan} view (see {@code scan.schema}): one pass over the scan's documents fills indexes
 * by namespace, subject, role, path and image reference, so a cross-document rule does a lookup instead of
 * comparing every pair of documents.
 */
public final class ScanIndex {
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "Node",
        "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "PriorityClass", "RuntimeClass", "IngressClass", "APIService",
        "CertificateSigningRequest", "PodSecurityPolicy", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");

    private final Set<String> namespaces = new TreeSet<>();
    private final Map<String, Value> namespaceObjects = new LinkedHashMap<>();
    private final Map<String, List<Value>> networkPolicies = new LinkedHashMap<>();
    private final Map<String, List<Value>> resourceQuotas = new LinkedHashMap<>();
    private final Map<String, List<Value>> limitRanges = new LinkedHashMap<>();
    private final Map<String, Value> roles = new LinkedHashMap<>();
    private final Map<String, Value> serviceAccounts = new LinkedHashMap<>();
    private final List<Value> bindings = new ArrayList<>();
    private final Map<String, List<Value>> bindingsBySubject = new LinkedHashMap<>();
    private final List<Value> workloads = new ArrayList<>();
    private final Map<String, List<Value>> workloadsByNamespace = new LinkedHashMap<>();
    private final Map<String, List<Value>> workloadsByLabel = new LinkedHashMap<>();
    private final Map<String, Value> dockerfiles = new LinkedHashMap<>();
    private final Map<String, Value> images = new LinkedHashMap<>();

    private ScanIndex() {
    }

    /** The scan view of these documents; Dockerfiles that compose files build are read too when they exist. */
    public static Value build(List<Document> documents, LoadOptions options) {
        Builder b = new Builder(options);
        documents.forEach(b::add);
        return b.build();
    }

    /**
     * Builds the scan view one document at a time, so a scan can index its documents while it streams over its
     * files instead of keeping them all: only what the view holds (and the compose documents, whose builds are
     * followed at the end) stays in memory. Not thread-safe.
     */
    public static final class Builder {
        private final ScanIndex index = new ScanIndex();
        private final List<Document> composeDocuments = new ArrayList<>();
        private final LoadOptions options;

        public Builder(LoadOptions options) {
            this.options = options;
        }

        public void add(Document d) {
            switch (d.kind()) {
                case KUBERNETES -> index.kubernetes(d);
                case DOCKERFILE -> index.dockerfile(d);
                case IMAGE -> index.image(d);
                case COMPOSE -> composeDocuments.add(d);
            }
        }

        /** The view; Dockerfiles built by compose files and not seen yet are read from disk now. */
        public Value build() {
            for (Document d : composeDocuments) index.followBuilds(d, options);
            return index.toValue();
        }
    }

    private Value toValue() {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("namespaces", Values.list(namespaces.stream().map(Values::string).toList()));
        m.put("namespaceObjects", Values.map(namespaceObjects));
        m.put("networkPolicies", lists(networkPolicies));
        m.put("resourceQuotas", lists(resourceQuotas));
        m.put("limitRanges", lists(limitRanges));
        m.put("roles", Values.map(roles));
        m.put("serviceAccounts", Values.map(serviceAccounts));
        m.put("bindings", Values.list(bindings));
        m.put("bindingsBySubject", lists(bindingsBySubject));
        m.put("workloads", Values.list(workloads));
        m.put("workloadsByNamespace", lists(workloadsByNamespace));
        m.put("workloadsByLabel", lists(workloadsByLabel));
        m.put("dockerfiles", Values.map(dockerfiles));
        m.put("images", Values.map(images));
        return Values.map(m);
    }

    /** An index of lists as a map value of list values. */
    private static Value lists(Map<String, List<Value>> objects) {
        Map<String, Value> out = new LinkedHashMap<>();
        objects.forEach((k, v) -> out.put(k, Values.list(v)));
        return Values.map(out);
    }

    private static String str(Value v) {
        return v instanceof Value.Str s ? s.value() : "";
    }

    private static Value field(Value map, String key) {
        return map instanceof Value.MapV m ? m.get(key) : Values.NULL;
    }

    private Map<String, Value> object(Document d) {
        String kind = str(d.view("kind"));
        String namespace = str(d.view("namespace"));
        if (namespace.isEmpty() && !CLUSTER_SCOPED.contains(kind)) namespace = "default";
        Map<String, Value> o = new LinkedHashMap<>();
        o.put("kind", new Value.Str(kind, d.resource().span()));
        o.put("name", new Value.Str(str(d.view("name")), d.resource().span()));
        o.put("namespace", Values.string(namespace));
        o.put("metadata", d.view("metadata"));
        o.put("file", Values.string(d.source().name()));
        return o;
    }

    private void kubernetes(Document d) {
        Map<String, Value> o = object(d);
        String kind = str(o.get("kind"));
        String name = str(o.get("name"));
        String namespace = str(o.get("namespace"));
        if (!namespace.isEmpty()) namespaces.add(namespace);
        Value self = new Value.MapV(o, Map.of(), d.resource().span());
        switch (kind) {
            case "Namespace" -> {
                namespaces.add(name);
                namespaceObjects.put(name, self);
            }
            case "NetworkPolicy" -> {
                o.put("spec", d.view("networkPolicy"));
                networkPolicies.computeIfAbsent(namespace, k -> new ArrayList<>()).add(new Value.MapV(o, Map.of(), d.resource().span()));
            }
            case "ResourceQuota" -> resourceQuotas.computeIfAbsent(namespace, k -> new ArrayList<>()).add(self);
            case "LimitRange" -> limitRanges.computeIfAbsent(namespace, k -> new ArrayList<>()).add(self);
            case "Role", "ClusterRole" -> {
                o.put("rules", d.view("rbacRules"));
                String key = kind.equals("Role") ? "Role:" + namespace + "/" + name : "ClusterRole:" + name;
                roles.put(key, new Value.MapV(o, Map.of(), d.resource().span()));
            }
            case "RoleBinding", "ClusterRoleBinding" -> binding(d, o, kind, namespace);
            case "ServiceAccount" -> {
                // Its own automountServiceAccountToken is what pods that set none of theirs get.
                o.put("automountServiceAccountToken", field(d.view("serviceAccount"), "automountServiceAccountToken"));
                o.put("automountDefaulted", field(d.view("serviceAccount"), "automountDefaulted"));
                serviceAccounts.put(namespace + "/" + name, new Value.MapV(o, Map.of(), d.resource().span()));
            }
            default -> {
                if (!(d.view("pod") instanceof Value.Null)) workload(d, o);
            }
        }
    }

    private void binding(Document d, Map<String, Value> o, String kind, String namespace) {
        Value roleRef = d.view("roleRef");
        Value subjects = d.view("subjects");
        o.put("roleRef", roleRef);
        o.put("subjects", subjects);
        String roleKind = str(field(roleRef, "kind"));
        String roleName = str(field(roleRef, "name"));
        o.put("roleKey", Values.string(roleKind.equals("Role") ? "Role:" + namespace + "/" + roleName : "ClusterRole:" + roleName));
        Value b = new Value.MapV(o, Map.of(), d.resource().span());
        bindings.add(b);
        if (subjects instanceof Value.ListV list) {
            for (Value s : list.items()) {
                String sk = str(field(s, "kind"));
                String sn = str(field(s, "name"));
                String key = sk.equals("ServiceAccount")
                    ? "ServiceAccount:" + (str(field(s, "namespace")).isEmpty() ? namespace : str(field(s, "namespace"))) + "/" + sn
                    : sk + ":" + sn;
                bindingsBySubject.computeIfAbsent(key, k -> new ArrayList<>()).add(b);
            }
        }
    }

    private void workload(Document d, Map<String, Value> o) {
        Value podMeta = d.view("podMetadata");
        o.put("podLabels", field(podMeta, "labels"));
        o.put("serviceAccount", field(d.view("serviceAccount"), "name"));
        List<Value> imgs = new ArrayList<>();
        if (d.view("containers") instanceof Value.ListV cs) {
            for (Value c : cs.items()) if (field(c, "image") instanceof Value.Str s) imgs.add(s);
        }
        o.put("images", Values.list(imgs));
        Value workload = new Value.MapV(o, Map.of(), d.resource().span());
        workloads.add(workload);
        String namespace = str(o.get("namespace"));
        workloadsByNamespace.computeIfAbsent(namespace, k -> new ArrayList<>()).add(workload);
        if (o.get("podLabels") instanceof Value.MapV labels) {
            labels.entries().forEach((key, value) -> {
                if (value instanceof Value.Str v) {
                    workloadsByLabel.computeIfAbsent(namespace + "/" + key + "=" + v.value(), k -> new ArrayList<>()).add(workload);
                }
            });
        }
    }

    private void dockerfile(Document d) {
        Value containers = d.view("containers");
        if (containers instanceof Value.ListV l && !l.items().isEmpty()) {
            dockerfiles.put(Path.of(d.source().name()).toAbsolutePath().normalize().toString(), l.items().get(0));
        }
    }

    private void image(Document d) {
        Value containers = d.view("containers");
        if (!(containers instanceof Value.ListV l) || l.items().isEmpty()) return;
        Value container = l.items().get(0);
        Set<String> refs = new HashSet<>();
        if (field(container, "image") instanceof Value.Str s) refs.add(s.value());
        Value info = d.view("image");
        if (field(info, "reference") instanceof Value.Str s) refs.add(s.value());
        if (field(info, "repoTags") instanceof Value.ListV tags) {
            for (Value t : tags.items()) if (t instanceof Value.Str s) refs.add(s.value());
        }
        for (String ref : refs) {
            images.putIfAbsent(ref, container);
            String normalized = normalize(ref);
            if (!normalized.isEmpty()) images.putIfAbsent(normalized, container);
        }
    }

    /** docker.io/library/nginx:latest for nginx, by the image() builtin's reading of references. */
    static String normalize(String ref) {
        Value parsed = BuiltinRegistry.standard().lookup("image").orElseThrow().impl().apply(new Value[] {Values.string(ref)});
        Value full = field(parsed, "full");
        return full instanceof Value.Str s ? s.value() : "";
    }

    /**
     * Reads the Dockerfiles a compose project builds, when they are inside the project's folder: a compose file
     * from elsewhere must not make the scan read arbitrary files of this machine.
     */
    private void followBuilds(Document compose, LoadOptions options) {
        if (!(compose.view("services") instanceof Value.ListV services)) return;
        Path projectDir = Path.of(compose.source().name()).toAbsolutePath().normalize().getParent();
        if (projectDir == null) return;
        for (Value s : services.items()) {
            Value path = field(field(s, "build"), "dockerfilePath");
            if (!(path instanceof Value.Str p)) continue;
            Path dockerfile = Path.of(p.value()).toAbsolutePath().normalize();
            String key = dockerfile.toString();
            if (!dockerfile.startsWith(projectDir)) continue;
            if (dockerfiles.containsKey(key) || !Files.isRegularFile(dockerfile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            LoadResult r = new DockerfileLoader().load(InputSource.ofPath(key, Path.of(key)), options);
            r.documents().forEach(this::dockerfile);
            if (r.documents().isEmpty()) dockerfiles.put(key, Values.NULL.at(Span.NONE));
        }
    }
}
