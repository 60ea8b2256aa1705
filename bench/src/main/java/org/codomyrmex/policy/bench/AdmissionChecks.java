package org.codomyrmex.policy.bench;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The same ten admission checks three ways, each counting violations in one pod spec (the {@code pod} view of a
 * Kubernetes workload): in our language ({@code admission.policy}), in CEL (as a ValidatingAdmissionPolicy
 * would write them, each compiled once), and in plain Java. The unit of each check is the same in all three:
 * one per container (per pod for host namespaces, per volume for hostPath), so the counts must agree, and
 * {@link #countsAgree} checks that they do before anything is timed.
 */
public final class AdmissionChecks {
    static final String POLICY_RESOURCE = "org/codomyrmex/policy/bench/admission.policy";

    /** CEL versions, over a variable {@code pod}: a map with absent fields left out (see {@link #toJava}). */
    static final List<String> CEL = List.of(
        "pod.containers.filter(c, has(c.securityContext) && has(c.securityContext.privileged)"
            + " && c.securityContext.privileged == true).size()",
        "pod.containers.filter(c, !(has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation)"
            + " && c.securityContext.allowPrivilegeEscalation == false)).size()",
        "pod.containers.filter(c, !(has(c.securityContext) && has(c.securityContext.runAsNonRoot)"
            + " && c.securityContext.runAsNonRoot == true) && !(has(pod.securityContext)"
            + " && has(pod.securityContext.runAsNonRoot) && pod.securityContext.runAsNonRoot == true)).size()",
        "(has(pod.hostNetwork) && pod.hostNetwork == true) || (has(pod.hostPID) && pod.hostPID == true)"
            + " || (has(pod.hostIPC) && pod.hostIPC == true) ? 1 : 0",
        "has(pod.volumes) ? pod.volumes.filter(v, has(v.hostPath)).size() : 0",
        "pod.containers.filter(c, has(c.securityContext) && has(c.securityContext.capabilities)"
            + " && has(c.securityContext.capabilities.add)"
            + " && c.securityContext.capabilities.add.exists(x, !(x in ['NET_BIND_SERVICE', 'CHOWN']))).size()",
        "pod.containers.filter(c, !c.image.contains('@') && (!c.image.matches(':[^/:]+$')"
            + " || c.image.endsWith(':latest'))).size()",
        "pod.containers.filter(c, !(has(c.resources) && has(c.resources.limits) && has(c.resources.limits.cpu)"
            + " && has(c.resources.limits.memory))).size()",
        "pod.containers.filter(c, !(has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem)"
            + " && c.securityContext.readOnlyRootFilesystem == true)).size()",
        "pod.containers.filter(c, has(c.env) && c.env.exists(e, has(e.value)"
            + " && e.name.matches('(?i)(password|secret|token|key)'))).size()");

    private AdmissionChecks() {
    }

    // ---- our language ----

    /** An engine with only the ten checks (no standard library). */
    static PolicyEngine engine() {
        try (InputStream in = AdmissionChecks.class.getClassLoader().getResourceAsStream(POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("admission.policy", text).build();
            if (engine.hasPolicyErrors()) throw new IllegalStateException("admission.policy: " + engine.policyDiagnostics());
            return engine;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- CEL ----

    /** The ten CEL programs, compiled and planned once. */
    static List<CelRuntime.Program> celPrograms() {
        Cel cel = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("pod", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();
        List<CelRuntime.Program> programs = new ArrayList<>();
        for (String expr : CEL) {
            try {
                programs.add(cel.createProgram(cel.compile(expr).getAst()));
            } catch (CelValidationException | CelEvaluationException e) {
                throw new IllegalStateException("CEL: " + expr + ": " + e.getMessage(), e);
            }
        }
        return programs;
    }

    static long celCount(List<CelRuntime.Program> programs, Map<String, Object> activation) {
        long n = 0;
        try {
            for (CelRuntime.Program p : programs) n += (Long) p.eval(activation);
        } catch (CelEvaluationException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    /**
     * A value as CEL's Java runtime takes it: maps, lists, strings, longs, doubles, booleans; null entries are
     * left out so that {@code has(x.f)} means what {@code x.f != null} means in our language.
     */
    static Object toJava(Value v) {
        if (v instanceof Value.MapV m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.entries().forEach((k, x) -> {
                if (!(x instanceof Value.Null)) out.put(k, toJava(x));
            });
            return out;
        }
        if (v instanceof Value.ListV l) {
            List<Object> out = new ArrayList<>();
            for (Value x : l.items()) out.add(x instanceof Value.Null ? com.google.protobuf.NullValue.NULL_VALUE : toJava(x));
            return out;
        }
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Int i) return i.value();
        if (v instanceof Value.Float f) return f.value();
        if (v instanceof Value.Bool b) return b.value();
        return com.google.protobuf.NullValue.NULL_VALUE;
    }

    // ---- plain Java ----

    private static final Set<String> ALLOWED_CAPS = Set.of("NET_BIND_SERVICE", "CHOWN");
    private static final Pattern TAGGED = Pattern.compile(":[^/:]+$");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(password|secret|token|key)");

    /** The ten checks written by hand over the same tree; returns the number of violations. */
    static long javaCount(Value pod) {
        long n = 0;
        boolean podNonRoot = isTrue(get(get(pod, "securityContext"), "runAsNonRoot"));
        if (isTrue(get(pod, "hostNetwork")) || isTrue(get(pod, "hostPID")) || isTrue(get(pod, "hostIPC"))) n++;
        if (get(pod, "volumes") instanceof Value.ListV volumes) {
            for (Value v : volumes.items()) if (!(get(v, "hostPath") instanceof Value.Null)) n++;
        }
        if (!(get(pod, "containers") instanceof Value.ListV containers)) return n;
        for (Value c : containers.items()) {
            Value sc = get(c, "securityContext");
            if (isTrue(get(sc, "privileged"))) n++;
            if (!(get(sc, "allowPrivilegeEscalation") instanceof Value.Bool b && !b.value())) n++;
            if (!isTrue(get(sc, "runAsNonRoot")) && !podNonRoot) n++;
            if (get(get(sc, "capabilities"), "add") instanceof Value.ListV add) {
                for (Value cap : add.items()) {
                    if (!(cap instanceof Value.Str s && ALLOWED_CAPS.contains(s.value()))) {
                        n++;
                        break;
                    }
                }
            }
            if (get(c, "image") instanceof Value.Str img) {
                String ref = img.value();
                if (ref.indexOf('@') < 0 && (!TAGGED.matcher(ref).find() || ref.endsWith(":latest"))) n++;
            }
            Value limits = get(get(c, "resources"), "limits");
            if (get(limits, "cpu") instanceof Value.Null || get(limits, "memory") instanceof Value.Null) n++;
            if (!isTrue(get(sc, "readOnlyRootFilesystem"))) n++;
            if (get(c, "env") instanceof Value.ListV env) {
                for (Value e : env.items()) {
                    if (!(get(e, "value") instanceof Value.Null) && get(e, "name") instanceof Value.Str name
                        && SECRET_NAME.matcher(name.value()).find()) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }

    private static Value get(Value v, String key) {
        if (v instanceof Value.MapV m) {
            Value x = m.entries().get(key);
            return x == null ? Values.NULL : x;
        }
        return Values.NULL;
    }

    private static boolean isTrue(Value v) {
        return v instanceof Value.Bool b && b.value();
    }
}
