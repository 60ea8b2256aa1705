package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The views of one Kubernetes object (see {@code kubernetes.schema}). Every typed sub-tree is normalized to its
 * schema type when the object is read, so the problems Kubernetes would reject are reported at load time;
 * the views are then plain values.
 */
final class KubeViews {
    /** Kinds whose pod spec is {@code spec.template.spec}. */
    private static final Set<String> TEMPLATE_KINDS =
        Set.of("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job");

    /** The fields of the Kubernetes Container (and EphemeralContainer) API type. */
    private static final Set<String> RAW_CONTAINER_FIELDS = Set.of("name", "image", "command", "args", "workingDir",
        "ports", "env", "envFrom", "resources", "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices",
        "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
        "targetContainerName");
    private static final Set<String> SECURITY_CONTEXT_FIELDS = Set.of("runAsUser", "runAsGroup", "runAsNonRoot",
        "privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "seccompProfile", "appArmorProfile",
        "seLinuxOptions", "capabilities");

    private static final String APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
    private static final String SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";
    private static final String SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod";

    private final Value.MapV object;
    private final String kind;
    private final boolean builtin;
    private final SchemaNormalizer normalizer;
    private final List<Diagnostic> diagnostics;
    private final Map<String, Value> views = new HashMap<>();
    private final List<Value.MapV> containers = new ArrayList<>();
    /** A StatefulSet's volumeClaimTemplates, as the persistentVolumeClaim volumes its controller adds to each pod. */
    private final Map<String, Value.MapV> claimTemplateVolumes = new HashMap<>();

    private KubeViews(Value.MapV object, String kind, String apiVersion, SourceFile source, List<Diagnostic> diagnostics) {
        this.object = object;
        this.kind = kind;
        this.builtin = isBuiltinApi(apiVersion);
        this.diagnostics = diagnostics;
        this.normalizer = new SchemaNormalizer(source, diagnostics);
    }

    /** Computes every view of {@code object}, adding what Kubernetes would reject to {@code diagnostics}. */
    static KubeViews of(Value.MapV object, String kind, String apiVersion, SourceFile source, List<Diagnostic> diagnostics) {
        KubeViews v = new KubeViews(object, kind, apiVersion, source, diagnostics);
        v.build();
        return v;
    }

    /** A view by name; null for names the schema does not declare. */
    Value view(String name) {
        return views.get(name);
    }

    /** The merged containers, for the document's parts. */
    List<Value.MapV> containers() {
        return containers;
    }

    /**
     * Built-in API groups: the core group ({@code v1}), groups without a dot ({@code apps}, {@code batch}) and
     * the {@code *.k8s.io} groups. Custom resources live in dotted groups of their own.
     */
    static boolean isBuiltinApi(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        if (slash < 0) return true;
        String group = apiVersion.substring(0, slash);
        return !group.contains(".") || group.endsWith(".k8s.io");
    }

    private static ObjectType type(String name) {
        return Schemas.standard().type(name)
            .orElseThrow(() -> new IllegalStateException("kubernetes.schema lacks type " + name));
    }

    /**
     * {@code metadata.name}; for an object the API server names at creation ({@code generateName: web-}), the
     * prefix and a star ({@code web-*}), so messages and resource identities never say "null".
     */
    private static Value displayName(Value.MapV metadata) {
        Value name = metadata.get("name");
        if (name instanceof Value.Str) return name;
        if (metadata.get("generateName") instanceof Value.Str prefix) return new Value.Str(prefix.value() + "*", prefix.span());
        return name;
    }

    private void build() {
        Value.MapV resource = resourceView();
        views.put("resource", resource);
        views.put("object", object);
        views.put("kind", object.get("kind"));
        views.put("apiVersion", object.get("apiVersion"));
        Value metadata = resource.get("metadata");
        views.put("metadata", metadata);
        views.put("name", metadata instanceof Value.MapV m ? displayName(m) : Values.NULL);
        Value ns = metadata instanceof Value.MapV m ? m.get("namespace") : Values.NULL;
        views.put("namespace", ns instanceof Value.Str ? ns : Values.EMPTY_STRING);

        buildPod(metadata);

        if (builtin && (kind.equals("Role") || kind.equals("ClusterRole"))) {
            Value rules = resource.get("rules");
            views.put("rbacRules", rules instanceof Value.ListV ? rules : Values.EMPTY_LIST);
        }
        if (builtin && (kind.equals("RoleBinding") || kind.equals("ClusterRoleBinding"))) {
            Value subjects = resource.get("subjects");
            views.put("subjects", subjects instanceof Value.ListV ? subjects : Values.EMPTY_LIST);
            views.put("roleRef", resource.get("roleRef"));
        }
        if (builtin && (kind.equals("ValidatingWebhookConfiguration") || kind.equals("MutatingWebhookConfiguration"))) {
            Value webhooks = resource.get("webhooks");
            views.put("webhooks", webhooks instanceof Value.ListV ? webhooks : Values.EMPTY_LIST);
        }
        if (builtin && kind.equals("Service")) views.put("service", spec(type("ServiceSpec")));
        if (builtin && kind.equals("Ingress")) views.put("ingress", spec(type("IngressSpec")));
        if (builtin && kind.equals("NetworkPolicy")) views.put("networkPolicy", spec(type("NetworkPolicySpec")));
        if (builtin && kind.equals("Secret")) views.put("secret", secretView(resource));
        if (builtin && kind.equals("ConfigMap")) {
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("data", stringMap(object.get("data")));
            m.put("binaryData", resource.get("binaryData"));
            m.put("immutable", resource.get("immutable"));
            views.put("configMap", new Value.MapV(m, Map.of(), resource.span()));
        }
        if (builtin && kind.equals("ServiceAccount")) {
            Value automount = resource.get("automountServiceAccountToken");
            views.put("serviceAccount", serviceAccountUse(views.get("name"), false, automount, resource.span()));
        }
    }

    /**
     * The object typed as KubeObject. For built-in kinds an unknown top-level field is reported; for custom
     * resources only the fields every object shares are typed (the rest is in the {@code object} view), since a
     * custom kind's {@code data} or {@code rules} may have any shape.
     */
    private Value.MapV resourceView() {
        if (builtin) return (Value.MapV) normalizer.normalize(object, type("KubeObject"), "", true);
        Map<String, Value> common = new LinkedHashMap<>();
        Map<String, Span> keySpans = new LinkedHashMap<>();
        for (String key : List.of("apiVersion", "kind", "metadata", "spec", "status")) {
            if (object.entries().containsKey(key)) {
                common.put(key, object.get(key));
                keySpans.put(key, object.keySpan(key));
            }
        }
        return (Value.MapV) normalizer.normalize(new Value.MapV(common, keySpans, object.span()), type("KubeObject"), "");
    }

    /** ConfigMap and Secret data: a map of strings (typed here, as KubeObject leaves data untyped for other kinds). */
    private Value stringMap(Value data) {
        return normalizer.normalize(data, Type.map(Type.STRING), "data");
    }

    private Value spec(ObjectType specType) {
        return normalizer.normalize(object.get("spec"), specType, "spec");
    }

    // ---- pods and containers ----

    private void buildPod(Value objectMetadata) {
        String[] templatePath;
        if (!builtin) {
            templatePath = null;
        } else if (kind.equals("Pod")) {
            templatePath = new String[0];
        } else if (TEMPLATE_KINDS.contains(kind)) {
            templatePath = new String[] {"spec", "template"};
        } else if (kind.equals("CronJob")) {
            templatePath = new String[] {"spec", "jobTemplate", "spec", "template"};
        } else if (kind.equals("PodTemplate")) {
            templatePath = new String[] {"template"};
        } else {
            templatePath = null;
        }
        Value template = templatePath == null ? Values.NULL : walk(templatePath);
        Value podSpec = template instanceof Value.MapV t ? t.get("spec") : Values.NULL;
        Value podMeta = templatePath != null && templatePath.length == 0 ? objectMetadata
            : template instanceof Value.MapV t ? t.get("metadata") : Values.NULL;
        String path = templatePath == null ? "" : String.join(".", templatePath) + (templatePath.length == 0 ? "spec" : ".spec");
        if (templatePath != null && template instanceof Value.MapV && podSpec instanceof Value.Null) {
            diagnostics.add(Diagnostic.warning("K2007", kind + " has no pod spec at '" + path
                + "'; Kubernetes rejects it, and rules see no containers", object.span()));
        }
        if (!(podSpec instanceof Value.MapV)) {
            if (!(podSpec instanceof Value.Null)) normalizer.normalize(podSpec, type("PodSpec"), path);
            views.put("containers", Values.EMPTY_LIST);
            views.put("volumes", Values.EMPTY_LIST);
            return;
        }
        if (podMeta != objectMetadata) {
            podMeta = normalizer.normalize(podMeta, type("ObjectMeta"), path.replaceFirst("spec$", "metadata"));
        }
        Value.MapV pod = (Value.MapV) normalizer.normalize(podSpec, type("PodSpec"), path);
        if (kind.equals("StatefulSet")) readClaimTemplates();
        Value.MapV podMetaMap = podMeta instanceof Value.MapV m ? m : Values.EMPTY_MAP;
        Value.MapV objectMeta = objectMetadata instanceof Value.MapV m ? m : Values.EMPTY_MAP;

        Map<String, Value> podEntries = new LinkedHashMap<>(pod.entries());
        List<Value> all = new ArrayList<>();
        for (String[] list : new String[][] {{"initContainers", "initContainer"}, {"containers", "container"},
            {"ephemeralContainers", "ephemeralContainer"}}) {
            if (!(pod.get(list[0]) instanceof Value.ListV raw)) continue;
            List<Value> merged = new ArrayList<>();
            for (int i = 0; i < raw.items().size(); i++) {
                if (!(raw.items().get(i) instanceof Value.MapV cm)) continue; // reported by the normalizer
                String at = path + "." + list[0] + "[" + i + "]";
                reportDerivedFieldsWritten(cm, at);
                Value.MapV m = container(cm, list[1], pod, podMetaMap, objectMeta, at);
                merged.add(m);
                containers.add(m);
            }
            podEntries.put(list[0], new Value.ListV(merged, raw.span()));
        }
        // Rules see containers in the order Kubernetes starts them: init containers first.
        all.addAll(containers);
        Value.MapV mergedPod = new Value.MapV(podEntries, pod.keySpans(), pod.span());
        views.put("pod", mergedPod);
        views.put("podMetadata", podMeta);
        views.put("containers", new Value.ListV(all, pod.span()));
        Value volumes = pod.get("volumes");
        views.put("volumes", volumes instanceof Value.ListV ? volumes : Values.EMPTY_LIST);
        views.put("serviceAccount", podServiceAccount(pod));
    }

    private Value podServiceAccount(Value.MapV pod) {
        Value name = pod.get("serviceAccountName");
        if (!(name instanceof Value.Str)) name = pod.get("serviceAccount");
        return serviceAccountUse(name, true, pod.get("automountServiceAccountToken"), pod.span());
    }

    private static Value serviceAccountUse(Value name, boolean defaultable, Value automount, Span span) {
        Map<String, Value> m = new LinkedHashMap<>();
        boolean nameDefaulted = !(name instanceof Value.Str s) || s.value().isEmpty();
        m.put("name", nameDefaulted && defaultable ? Values.string("default") : name);
        m.put("nameDefaulted", Values.bool(nameDefaulted && defaultable));
        boolean automountDefaulted = !(automount instanceof Value.Bool);
        m.put("automountServiceAccountToken", automountDefaulted ? Values.TRUE : automount);
        m.put("automountDefaulted", Values.bool(automountDefaulted));
        return new Value.MapV(m, Map.of(), span);
    }

    /**
     * The raw pod spec is typed with KubeContainer, which also declares the unified fields derived below; a
     * manifest that writes one of them ({@code runAsUser} beside {@code securityContext} instead of in it, a
     * {@code cpuLimit} in resources) would otherwise be overwritten silently. Kubernetes rejects such fields.
     */
    private void reportDerivedFieldsWritten(Value.MapV c, String path) {
        for (String key : c.entries().keySet()) {
            if (!RAW_CONTAINER_FIELDS.contains(key)) {
                String hint = SECURITY_CONTEXT_FIELDS.contains(key) ? "it belongs under securityContext" : null;
                diagnostics.add(Diagnostic.warning("K2001", "unknown field '" + path + "." + key
                    + "': a Kubernetes container has no field '" + key + "'; Kubernetes rejects or drops it, and rules do not see it",
                    c.keySpan(key), hint));
            }
        }
        nested(c.get("resources"), Set.of("limits", "requests", "claims"), path + ".resources");
        if (c.get("env") instanceof Value.ListV env) {
            for (int i = 0; i < env.items().size(); i++) {
                nested(env.items().get(i), Set.of("name", "value", "valueFrom"), path + ".env[" + i + "]");
            }
        }
    }

    private void nested(Value v, Set<String> known, String path) {
        if (!(v instanceof Value.MapV m)) return;
        for (String key : m.entries().keySet()) {
            if (!known.contains(key)) {
                diagnostics.add(Diagnostic.warning("K2001", "unknown field '" + path + "." + key + "'; Kubernetes rejects"
                    + " or drops it, and rules do not see it", m.keySpan(key), org.codomyrmex.policy.diag.Suggestions.hint(key, known)));
            }
        }
    }

    /** One container: its raw fields, then the unified fields of Container derived from it and its pod. */
    private Value.MapV container(Value.MapV c, String containerKind, Value.MapV pod, Value.MapV podMeta,
                                Value.MapV objectMeta, String path) {
        Map<String, Value> m = new LinkedHashMap<>(c.entries());
        Value.MapV sc = c.get("securityContext") instanceof Value.MapV x ? x : Values.EMPTY_MAP;
        Value.MapV podSc = pod.get("securityContext") instanceof Value.MapV x ? x : Values.EMPTY_MAP;
        String name = c.get("name") instanceof Value.Str s ? s.value() : "";
        Map<String, Value> annotations = podMeta.get("annotations") instanceof Value.MapV a ? a.entries() : Map.of();

        m.put("kind", new Value.Str(containerKind, c.span()));
        Value runAsUser = either(sc.get("runAsUser"), podSc.get("runAsUser"));
        m.put("runAsUser", runAsUser);
        m.put("user", runAsUser instanceof Value.Int i ? new Value.Str(Long.toString(i.value()), i.span()) : Values.NULL);
        m.put("runAsGroup", either(sc.get("runAsGroup"), podSc.get("runAsGroup")));
        m.put("runAsNonRoot", either(sc.get("runAsNonRoot"), podSc.get("runAsNonRoot")));
        m.put("privileged", sc.get("privileged"));
        m.put("allowPrivilegeEscalation", sc.get("allowPrivilegeEscalation"));
        m.put("readOnlyRootFilesystem", sc.get("readOnlyRootFilesystem"));
        Value caps = sc.get("capabilities");
        m.put("capAdd", capabilities(caps instanceof Value.MapV cm ? cm.get("add") : Values.NULL));
        m.put("capDrop", capabilities(caps instanceof Value.MapV cm ? cm.get("drop") : Values.NULL));
        m.put("hostNetwork", pod.get("hostNetwork"));
        m.put("hostPID", pod.get("hostPID"));
        m.put("hostIPC", pod.get("hostIPC"));
        m.put("hostUTS", Values.NULL);
        m.put("hostUsers", pod.get("hostUsers"));
        Value ownSeccomp = firstKnown(profile(sc.get("seccompProfile")), annotationProfile(annotations.get(SECCOMP_CONTAINER_PREFIX + name)));
        Value ownAppArmor = firstKnown(profile(sc.get("appArmorProfile")), annotationProfile(annotations.get(APPARMOR_PREFIX + name)));
        m.put("seccompProfile", firstKnown(ownSeccomp, profile(podSc.get("seccompProfile")), annotationProfile(annotations.get(SECCOMP_POD))));
        m.put("appArmorProfile", firstKnown(ownAppArmor, profile(podSc.get("appArmorProfile"))));
        m.put("seLinuxOptions", either(sc.get("seLinuxOptions"), podSc.get("seLinuxOptions")));
        // Which of those the container takes from its pod, so a message can name the pod, whose one setting is
        // reported once for every container inheriting it, rather than the first of them.
        List<Value> fromPod = new ArrayList<>();
        for (String field : List.of("runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions")) {
            if (sc.get(field) instanceof Value.Null && !(podSc.get(field) instanceof Value.Null)) fromPod.add(new Value.Str(field, Span.NONE));
        }
        if (ownSeccomp instanceof Value.Null && !(m.get("seccompProfile") instanceof Value.Null)) fromPod.add(new Value.Str("seccompProfile", Span.NONE));
        if (ownAppArmor instanceof Value.Null && !(m.get("appArmorProfile") instanceof Value.Null)) fromPod.add(new Value.Str("appArmorProfile", Span.NONE));
        m.put("fromPod", new Value.ListV(fromPod, Span.NONE));
        m.put("securityOpts", Values.NULL);
        List<Value> devices = new ArrayList<>();
        m.put("mounts", mounts(c, pod, path, devices));
        m.put("devices", new Value.ListV(devices, Span.NONE));
        m.put("ports", ports(c.get("ports")));
        m.put("env", env(c.get("env")));
        m.put("resources", resources(c.get("resources")));
        Value sysctls = podSc.get("sysctls");
        m.put("sysctls", sysctls instanceof Value.ListV ? sysctls : Values.EMPTY_LIST);
        m.put("healthchecks", healthchecks(c));
        m.put("labels", objectMeta.get("labels"));
        return new Value.MapV(m, c.keySpans(), c.span());
    }

    private static Value either(Value first, Value second) {
        return first instanceof Value.Null ? second : first;
    }

    private static Value firstKnown(Value... candidates) {
        for (Value v : candidates) if (!(v instanceof Value.Null)) return v;
        return Values.NULL;
    }

    /** Capability names as Docker and Kubernetes both accept them: upper case, without CAP_, at their spans. */
    private static Value capabilities(Value written) {
        if (!(written instanceof Value.ListV l)) return Values.EMPTY_LIST;
        List<Value> out = new ArrayList<>();
        for (Value v : l.items()) {
            if (!(v instanceof Value.Str s)) continue;
            String n = s.value().strip().toUpperCase(Locale.ROOT);
            if (n.startsWith("CAP_")) n = n.substring(4);
            out.add(new Value.Str(n, s.span()));
        }
        return new Value.ListV(out, l.span());
    }

    /** {@code {type: Localhost, localhostProfile: p}} as {@code Localhost/p}; RuntimeDefault and Unconfined as is. */
    private static Value profile(Value written) {
        if (!(written instanceof Value.MapV m) || !(m.get("type") instanceof Value.Str type)) return Values.NULL;
        if (type.value().equals("Localhost") && m.get("localhostProfile") instanceof Value.Str p) {
            return new Value.Str("Localhost/" + p.value(), type.span());
        }
        return type;
    }

    /** The old annotation values ({@code runtime/default}, {@code localhost/p}) in the field's spelling. */
    private static Value annotationProfile(Value written) {
        if (!(written instanceof Value.Str s)) return Values.NULL;
        String v = s.value().strip();
        String out;
        if (v.equals("runtime/default") || v.equals("docker/default")) {
            out = "RuntimeDefault";
        } else if (v.equals("unconfined")) {
            out = "Unconfined";
        } else if (v.startsWith("localhost/")) {
            out = "Localhost/" + v.substring("localhost/".length());
        } else {
            out = v;
        }
        return new Value.Str(out, s.span());
    }

    /**
     * A StatefulSet's pods get one persistentVolumeClaim volume per claim template, named after it (and taking
     * precedence over a pod volume of the same name), so mounts of those names are valid.
     */
    private void readClaimTemplates() {
        if (!(object.get("spec") instanceof Value.MapV spec)
            || !(spec.get("volumeClaimTemplates") instanceof Value.ListV templates)) {
            return;
        }
        for (Value t : templates.items()) {
            if (!(t instanceof Value.MapV tm) || !(tm.get("metadata") instanceof Value.MapV meta)
                || !(meta.get("name") instanceof Value.Str n)) {
                continue;
            }
            Map<String, Value> claim = new LinkedHashMap<>();
            claim.put("claimName", n);
            Map<String, Value> volume = new LinkedHashMap<>();
            volume.put("name", n);
            volume.put("persistentVolumeClaim", new Value.MapV(claim, Map.of(), tm.span()));
            claimTemplateVolumes.put(n.value(), new Value.MapV(volume, Map.of("persistentVolumeClaim", tm.span()), tm.span()));
        }
    }

    private Value mounts(Value.MapV c, Value.MapV pod, String path, List<Value> devices) {
        if (!(c.get("volumeMounts") instanceof Value.ListV mountList)) return Values.EMPTY_LIST;
        Map<String, Value.MapV> volumes = new HashMap<>();
        if (pod.get("volumes") instanceof Value.ListV vl) {
            for (Value v : vl.items()) {
                if (v instanceof Value.MapV vm && vm.get("name") instanceof Value.Str n) volumes.putIfAbsent(n.value(), vm);
            }
        }
        volumes.putAll(claimTemplateVolumes);
        List<Value> out = new ArrayList<>();
        for (Value item : mountList.items()) {
            if (!(item instanceof Value.MapV vm)) continue;
            Value volumeName = vm.get("name");
            Value.MapV volume = volumeName instanceof Value.Str n ? volumes.get(n.value()) : null;
            Map<String, Value> mount = new LinkedHashMap<>();
            Value type = Values.NULL;
            Value source = volumeName;
            boolean hostPath = false;
            Value readOnly = vm.get("readOnly");
            if (volume == null) {
                if (volumeName instanceof Value.Str n) {
                    diagnostics.add(Diagnostic.error("K2005", "volume mount refers to volume '" + n.value()
                        + "', which the pod does not define; Kubernetes rejects it", n.span()));
                }
            } else {
                for (Map.Entry<String, Value> e : volume.entries().entrySet()) {
                    if (e.getKey().equals("name")) continue;
                    type = new Value.Str(e.getKey(), volume.keySpan(e.getKey()));
                    source = volumeSource(e.getKey(), e.getValue(), volumeName);
                    hostPath = e.getKey().equals("hostPath");
                    if (readOnly instanceof Value.Null && e.getValue() instanceof Value.MapV src
                        && src.get("readOnly") instanceof Value.Bool b) {
                        readOnly = b;
                    }
                    if (hostPath && e.getValue() instanceof Value.MapV hp && hp.get("type") instanceof Value.Str t
                        && (t.value().equals("CharDevice") || t.value().equals("BlockDevice"))) {
                        devices.add(source);
                    }
                    break;
                }
            }
            mount.put("type", type);
            mount.put("source", source);
            mount.put("target", vm.get("mountPath"));
            mount.put("readOnly", readOnly);
            mount.put("hostPath", Values.bool(hostPath));
            out.add(new Value.MapV(mount, Map.of(), vm.span()));
        }
        return new Value.ListV(out, mountList.span());
    }

    private static Value volumeSource(String type, Value src, Value volumeName) {
        if (!(src instanceof Value.MapV m)) return volumeName;
        Value v = switch (type) {
            case "hostPath" -> m.get("path");
            case "secret" -> m.get("secretName");
            case "configMap" -> m.get("name");
            case "persistentVolumeClaim" -> m.get("claimName");
            case "nfs" -> m.get("path");
            case "image" -> m.get("reference");
            default -> Values.NULL;
        };
        return v instanceof Value.Str ? v : volumeName;
    }

    private static Value ports(Value written) {
        if (!(written instanceof Value.ListV l)) return Values.EMPTY_LIST;
        List<Value> out = new ArrayList<>();
        for (Value v : l.items()) {
            if (!(v instanceof Value.MapV p)) continue;
            Map<String, Value> m = new LinkedHashMap<>(p.entries());
            Value protocol = p.get("protocol");
            m.put("protocol", protocol instanceof Value.Str s
                ? new Value.Str(s.value().toUpperCase(Locale.ROOT), s.span())
                : Values.string("TCP")); // the Kubernetes default
            out.add(new Value.MapV(m, p.keySpans(), p.span()));
        }
        return new Value.ListV(out, l.span());
    }

    private static Value env(Value written) {
        if (!(written instanceof Value.ListV l)) return Values.EMPTY_LIST;
        List<Value> out = new ArrayList<>();
        for (Value v : l.items()) {
            if (!(v instanceof Value.MapV e)) continue;
            Map<String, Value> m = new LinkedHashMap<>(e.entries());
            Value from = e.get("valueFrom");
            boolean secret = from instanceof Value.MapV f && f.get("secretKeyRef") instanceof Value.MapV;
            m.put("fromSecret", new Value.Bool(secret, secret ? from.span() : Span.NONE));
            out.add(new Value.MapV(m, e.keySpans(), e.span()));
        }
        return new Value.ListV(out, l.span());
    }

    private static Value resources(Value written) {
        Value.MapV r = written instanceof Value.MapV m ? m : Values.EMPTY_MAP;
        Value.MapV limits = r.get("limits") instanceof Value.MapV m ? m : Values.EMPTY_MAP;
        Value.MapV requests = r.get("requests") instanceof Value.MapV m ? m : Values.EMPTY_MAP;
        Map<String, Value> out = new LinkedHashMap<>(r.entries());
        out.put("cpuLimit", limits.get("cpu"));
        out.put("memoryLimit", limits.get("memory"));
        out.put("cpuRequest", requests.get("cpu"));
        out.put("memoryRequest", requests.get("memory"));
        out.put("ephemeralStorageLimit", limits.get("ephemeral-storage"));
        out.put("pidsLimit", Values.NULL);
        return new Value.MapV(out, r.keySpans(), r.span());
    }

    private static Value healthchecks(Value.MapV c) {
        List<Value> out = new ArrayList<>();
        for (String[] probe : new String[][] {{"livenessProbe", "liveness"}, {"readinessProbe", "readiness"},
            {"startupProbe", "startup"}}) {
            Value p = c.get(probe[0]);
            if (p instanceof Value.Null) continue;
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("kind", new Value.Str(probe[1], c.keySpan(probe[0])));
            m.put("test", p);
            m.put("disabled", Values.FALSE);
            out.add(new Value.MapV(m, Map.of(), p.span()));
        }
        return new Value.ListV(out, Span.NONE);
    }

    // ---- secrets ----

    private Value secretView(Value.MapV resource) {
        Map<String, Value> data = new LinkedHashMap<>();
        Map<String, Value> values = new LinkedHashMap<>();
        List<Value> binaryKeys = new ArrayList<>();
        Map<String, Span> dataKeySpans = new LinkedHashMap<>();
        Value writtenData = stringMap(object.get("data"));
        if (writtenData instanceof Value.MapV written) {
            for (Map.Entry<String, Value> e : written.entries().entrySet()) {
                dataKeySpans.put(e.getKey(), written.keySpan(e.getKey()));
                if (!(e.getValue() instanceof Value.Str s)) {
                    data.put(e.getKey(), e.getValue());
                    continue;
                }
                Value decoded = decodeBase64(e.getKey(), s, binaryKeys, written.keySpan(e.getKey()));
                data.put(e.getKey(), decoded);
                values.put(e.getKey(), decoded);
            }
        }
        Value stringData = resource.get("stringData");
        if (stringData instanceof Value.MapV sd) values.putAll(sd.entries());
        Map<String, Value> m = new LinkedHashMap<>();
        Value type = resource.get("type");
        m.put("type", type instanceof Value.Str ? type : Values.string("Opaque"));
        m.put("data", new Value.MapV(data, dataKeySpans, writtenData.span()));
        m.put("stringData", stringData);
        m.put("values", new Value.MapV(values, Map.of(), resource.span()));
        m.put("binaryKeys", new Value.ListV(binaryKeys, Span.NONE));
        m.put("immutable", resource.get("immutable"));
        return new Value.MapV(m, Map.of(), resource.span());
    }

    /** The decoded text at the encoded value's span; binary content stays base64 and its key is listed. */
    private Value decodeBase64(String key, Value.Str s, List<Value> binaryKeys, Span keySpan) {
        byte[] bytes;
        try {
            // Go's decoder (which Kubernetes uses) skips line breaks inside the encoded text, and, unlike Java's,
            // requires the '=' padding: "YWJjZA" is refused.
            String encoded = s.value().replace("\n", "").replace("\r", "");
            if (encoded.length() % 4 != 0) throw new IllegalArgumentException("unpadded");
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            diagnostics.add(Diagnostic.error("K2006", "Secret data '" + key + "' is not valid base64; Kubernetes rejects it",
                s.span(), "put plain text under stringData instead of data"));
            binaryKeys.add(new Value.Str(key, keySpan));
            return s;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
            return new Value.Str(text, s.span());
        } catch (CharacterCodingException binary) {
            binaryKeys.add(new Value.Str(key, keySpan));
            return s;
        }
    }

    // ---- helpers ----

    /**
     * The object's value at {@code path} (the pod template), reporting where the path is missing or is not a
     * mapping: a workload whose template cannot be read must not look like a workload without containers.
     */
    private Value walk(String[] path) {
        Value cur = object;
        StringBuilder at = new StringBuilder();
        for (String p : path) {
            Value.MapV m = (Value.MapV) cur;
            cur = m.get(p);
            at.append(at.length() == 0 ? "" : ".").append(p);
            if (cur instanceof Value.Null) {
                diagnostics.add(Diagnostic.warning("K2007", kind + " has no '" + at + "'; Kubernetes rejects it,"
                    + " and rules see no containers", m.keySpans().containsKey(p) ? m.keySpan(p) : m.span()));
                return Values.NULL;
            }
            if (!(cur instanceof Value.MapV)) {
                diagnostics.add(Diagnostic.error("K2004", "'" + at + "' must be a mapping, found "
                    + cur.typeName() + "; Kubernetes rejects it, and rules see no containers", cur.span()));
                return Values.NULL;
            }
        }
        return cur;
    }

}
