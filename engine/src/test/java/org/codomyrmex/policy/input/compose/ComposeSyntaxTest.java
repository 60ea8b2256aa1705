package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.input.compose.ComposeFixtures.at;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.lineOf;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.named;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short and long syntaxes of ports, volumes, devices, environment, security options and profiles. */
class ComposeSyntaxTest {
    private static final String SYNTAX_DIR = Path.of("src/test/resources/compose/syntax").toAbsolutePath().toString();

    private static Document load(String fixture, Map<String, String> env) {
        LoadResult r = ComposeFixtures.load(env, fixture);
        assertEquals(List.of(), r.diagnostics(), ComposeFixtures.dump(r));
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        return doc;
    }

    /** Each port as "hostIP|published|target|protocol". */
    private static List<String> ports(Value.MapV container) {
        List<String> out = new ArrayList<>();
        for (Value v : ((Value.ListV) container.get("ports")).items()) {
            Value.MapV p = (Value.MapV) v;
            out.add(Values.display(p.get("hostIP")) + "|" + Values.display(p.get("hostPort")) + "|"
                + Values.display(p.get("containerPort")) + "|" + Values.display(p.get("protocol")));
        }
        return out;
    }

    @Test
    void portsInEveryForm() {
        Document doc = load("syntax/ports.yaml", Map.of());
        assertEquals(List.of(
            "null|0|3000|TCP",            // 3000: published on a random host port, all interfaces
            "null|8080|80|TCP",
            "127.0.0.1|8443|443|UDP",
            "null|9090|8080|TCP", "null|9091|8081|TCP",
            "::1|6000|6000|TCP",
            "null|5000|5000|TCP",         // host range 5000-5010 to one container port
            "127.0.0.1|0|7000|TCP",
            "null|1053|53|UDP",
            "null|0|9000|TCP",            // long form without published
            "null|null|4000|TCP", "null|null|4001|UDP"), // expose: not published
            ports(named(doc, "containers", "p")));
        Value.ListV mappings = (Value.ListV) named(doc, "services", "p").get("ports");
        assertEquals("5000-5010", str(at(mappings, 6, "publishedRange")));
        assertEquals("dns", str(at(mappings, 8, "name")));
        assertEquals("ingress", str(at(mappings, 8, "mode")));
        assertEquals(lineOf("syntax/ports.yaml", "\"9090-9091:8080-8081\""), at(mappings, 4, "target").span().line());
        assertEquals(lineOf("syntax/ports.yaml", "target: 53"), at(mappings, 8, "target").span().line());
        assertEquals(lineOf("syntax/ports.yaml", "published: \"1053\""), at(mappings, 8, "published").span().line());
    }

    @Test
    void volumesDevicesAndBuildPaths() {
        Document doc = load("syntax/volumes.yaml", Map.of());
        Value.ListV volumes = (Value.ListV) named(doc, "services", "v").get("volumes");
        List<String> rows = new ArrayList<>();
        for (Value v : volumes.items()) {
            Value.MapV m = (Value.MapV) v;
            rows.add(Values.display(m.get("type")) + "|" + Values.display(m.get("source")) + "|" + Values.display(m.get("target"))
                + "|" + Values.display(m.get("readOnly")));
        }
        assertEquals(List.of("volume|data|/data|false", "bind|/srv/www|/var/www|true", "bind|./conf|/etc/app|false",
            "bind|~/cache|/cache|false", "volume|null|/anonymous|false", "tmpfs|null|/scratch|null",
            "bind|../outside|/outside|null"), rows);
        assertEquals("ro,z", str(at(volumes, 1, "mode")));
        assertEquals(SYNTAX_DIR + "/conf", str(at(volumes, 2, "sourcePath")));
        assertEquals(Path.of(SYNTAX_DIR).getParent().resolve("outside").toString(), str(at(volumes, 6, "sourcePath")));
        assertEquals("Z", str(at(volumes, 6, "selinux")));
        assertEquals(false, ((Value.Bool) at(volumes, 6, "createHostPath")).value());
        assertEquals("64m", str(at(volumes, 5, "tmpfsSize")));

        Value.MapV container = named(doc, "containers", "v");
        List<Boolean> hostPaths = ((Value.ListV) container.get("mounts")).items().stream()
            .map(m -> Values.isTrue(((Value.MapV) m).get("hostPath"))).toList();
        assertEquals(List.of(false, true, true, true, false, false, true), hostPaths);
        assertEquals(List.of("/dev/fuse", "/dev/dri", "nvidia.com/gpu=all"),
            ((Value.ListV) container.get("devices")).items().stream().map(Values::display).toList());
        assertEquals(List.of("/dev/fuse", "/dev/dri:/dev/dri:rwm", "nvidia.com/gpu=all"),
            ((Value.ListV) named(doc, "services", "v").get("devices")).items().stream().map(Values::display).toList());
        assertEquals(List.of("audio", "44"), ((Value.ListV) container.get("groupAdd")).items().stream().map(Values::display).toList());
        assertEquals(List.of("other:ro"), ((Value.ListV) container.get("volumesFrom")).items().stream().map(Values::display).toList());
        assertEquals(SYNTAX_DIR + "/images/v/Dockerfile", str(at(container, "build", "dockerfilePath")));
    }

    @Test
    void interpolationFormsInEnvironment() {
        Document doc = load("syntax/options.yaml", Map.of("HOME", "/home/tester", "EMPTY", "", "FROM_SHELL", "shell-value"));
        Map<String, String> env = new LinkedHashMap<>();
        for (Value v : ((Value.ListV) named(doc, "containers", "s").get("env")).items()) {
            env.put(str(((Value.MapV) v).get("name")), Values.display(((Value.MapV) v).get("value")));
        }
        assertEquals(Map.of("HOME_DIR", "/home/tester", "LITERAL", "$HOME", "ALT", "set", "ALT_UNSET", "",
            "NESTED", "/home/tester/fallback", "EMPTY_DEFAULT", "was-empty", "EMPTY_DASH", "", "FROM_SHELL", "shell-value",
            "NUMBER", "42"), env);
    }

    @Test
    void securityOptionsUserAndNamespaces() {
        Value.MapV s = named(load("syntax/options.yaml", Map.of("HOME", "/h", "EMPTY", "")), "containers", "s");
        assertEquals(0, ((Value.Int) s.get("runAsUser")).value()); // user: root
        assertEquals(false, ((Value.Bool) s.get("privileged")).value()); // ${PRIVILEGED:-false}, converted
        assertEquals(true, ((Value.Bool) s.get("readOnlyRootFilesystem")).value()); // "true" as a string
        assertEquals(false, ((Value.Bool) s.get("allowPrivilegeEscalation")).value());
        assertEquals("/etc/docker/seccomp/strict.json", str(s.get("seccompProfile")));
        assertTrue(s.get("appArmorProfile") instanceof Value.Null);
        assertEquals("svirt_apache_t", str(at(s, "seLinuxOptions", "type")));
        assertEquals(false, ((Value.Bool) s.get("hostNetwork")).value()); // bridge
        assertEquals(false, ((Value.Bool) s.get("hostPID")).value());     // container:other
        assertEquals("container:other", str(s.get("pidMode")));
        assertEquals(false, ((Value.Bool) s.get("hostIPC")).value());
        assertTrue(s.get("hostUTS") instanceof Value.Null);
        assertEquals("1", str(at(s, "sysctls", 0, "value")));
        assertEquals(List.of("host.docker.internal=host-gateway"), ((Value.ListV) named(load("syntax/options.yaml",
            Map.of("HOME", "/h", "EMPTY", "")), "services", "s").get("extraHosts")).items().stream().map(Values::display).toList());
        Value.MapV priv = named(load("syntax/options.yaml", Map.of("HOME", "/h", "EMPTY", "", "PRIVILEGED", "true")), "containers", "s");
        assertEquals(true, ((Value.Bool) priv.get("privileged")).value());
        assertEquals(lineOf("syntax/options.yaml", "privileged: ${PRIVILEGED"), priv.get("privileged").span().line());
    }

    @Test
    void profilesAreMatchedAgainstComposeProfiles() {
        Document doc = load("syntax/options.yaml", Map.of("HOME", "/h", "EMPTY", "", "COMPOSE_PROFILES", "debug"));
        assertEquals(true, ((Value.Bool) named(doc, "services", "debug-only").get("active")).value());
        assertEquals(false, ((Value.Bool) named(doc, "services", "ops-only").get("active")).value());
        assertEquals(true, ((Value.Bool) named(doc, "services", "s").get("active")).value());
        assertEquals(List.of("debug"), ((Value.ListV) at(doc.view("project"), "enabledProfiles")).items().stream().map(Values::display).toList());
    }
}
