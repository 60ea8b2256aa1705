package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.input.compose.ComposeFixtures.at;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.file;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.lineOf;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.named;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -f compose.yaml -f compose.override.yaml: the merge rules, and spans that name the file that set a value. */
class ComposeMergeTest {
    private static final String BASE = "webapp/compose.yaml";
    private static final String OVERRIDE = "webapp/compose.override.yaml";

    private static Document merged() {
        LoadResult r = ComposeFixtures.load(Map.of(), BASE, OVERRIDE);
        assertEquals(List.of(), ComposeFixtures.errors(r), ComposeFixtures.dump(r));
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        return doc;
    }

    private static List<String> strings(Value list) {
        return ((Value.ListV) list).items().stream().map(Values::display).toList();
    }

    private static void assertFrom(String fixture, String snippet, Value v) {
        assertEquals(file(fixture), v.span().file(), "file of " + Values.literal(v));
        assertEquals(lineOf(fixture, snippet), v.span().line(), "line of " + Values.literal(v));
    }

    @Test
    void aValueSetByTheOverrideKeepsTheOverrideFileAndLine() {
        Value.MapV api = named(merged(), "containers", "api");
        assertEquals("0", str(api.get("user")));
        assertFrom(OVERRIDE, "user: \"0\"", api.get("user"));
        assertEquals(0, ((Value.Int) api.get("runAsUser")).value());
        assertFrom(OVERRIDE, "user: \"0\"", api.get("runAsUser"));
        assertTrue(api.get("runAsGroup") instanceof Value.Null);
        // The image was not overridden: it still points at the base file.
        assertFrom(BASE, "image: registry.example.com/shop/api", api.get("image"));
        assertEquals(List.of(file(BASE), file(OVERRIDE)), strings(at(merged().view("project"), "files")));
        // The document's resource and the service's part stay where the service is first defined.
        assertEquals(file(BASE), merged().parts().get(1).span().file());
    }

    @Test
    void commandIsReplacedNotAppended() {
        Value.MapV api = named(merged(), "containers", "api");
        assertEquals(List.of("flask", "run", "--debug", "--host", "0.0.0.0"), strings(api.get("args")));
        assertFrom(OVERRIDE, "command: [\"flask\"", ((Value.ListV) api.get("args")).items().get(0));
    }

    @Test
    void environmentMergesByNameAndLabelsByKey() {
        Value.MapV api = named(merged(), "containers", "api");
        Map<String, Value> env = new java.util.LinkedHashMap<>();
        for (Value v : ((Value.ListV) api.get("env")).items()) env.put(str(((Value.MapV) v).get("name")), ((Value.MapV) v).get("value"));
        assertEquals("trace", str(env.get("LOG_LEVEL")));
        assertFrom(OVERRIDE, "LOG_LEVEL: trace", env.get("LOG_LEVEL"));
        assertEquals("1", str(env.get("DEBUGPY")));
        assertFrom(BASE, "DATABASE_URL=", env.get("DATABASE_URL"));
        assertFrom("webapp/api.env", "WORKERS=4", env.get("WORKERS"));

        assertEquals("dev", str(at(api, "labels", "com.example.tier")));
        assertFrom(OVERRIDE, "com.example.tier=dev", at(api, "labels", "com.example.tier"));
        assertEquals("payments", str(at(api, "labels", "com.example.team")));
        assertFrom(BASE, "com.example.team: payments", at(api, "labels", "com.example.team"));
    }

    @Test
    void portsAreAppendedWithoutDuplicatesAndInterpolatedFromDotEnv() {
        Document doc = merged();
        Value.ListV proxyPorts = (Value.ListV) named(doc, "containers", "proxy").get("ports");
        assertEquals(List.of(80, 443, 8080), proxyPorts.items().stream().map(p -> (int) ((Value.Int) ((Value.MapV) p).get("containerPort")).value()).toList());
        assertFrom(OVERRIDE, "- \"8080:8080\"", at(proxyPorts, 2, "hostPort"));
        Value.ListV apiPorts = (Value.ListV) named(doc, "containers", "api").get("ports");
        assertEquals(8080, ((Value.Int) at(apiPorts, 0, "hostPort")).value()); // ${WEB_PORT} from .env
        assertFrom(OVERRIDE, "${WEB_PORT}:8000", at(apiPorts, 0, "hostPort"));
        assertEquals(5432, ((Value.Int) at(named(doc, "containers", "db"), "ports", 0, "hostPort")).value());
    }

    @Test
    void volumesMergeByTarget() {
        Value.ListV mounts = (Value.ListV) named(merged(), "containers", "proxy").get("mounts");
        List<String> targets = mounts.items().stream().map(m -> str(((Value.MapV) m).get("target"))).toList();
        assertEquals(List.of("/etc/nginx/nginx.conf", "/usr/share/nginx/html", "/var/cache/nginx", "/run"), targets);
        assertTrue(str(at(mounts, 0, "source")).endsWith("/webapp/nginx/dev.conf"));
        assertFrom(OVERRIDE, "dev.conf", at(mounts, 0, "source"));
    }

    @Test
    void healthcheckTestIsReplacedAndOtherFieldsKept() {
        Value.MapV health = (Value.MapV) named(merged(), "services", "api").get("healthcheck");
        assertEquals(List.of("CMD", "true"), strings(health.get("test")));
        assertEquals("30s", str(health.get("interval")));
        assertFrom(BASE, "interval: 30s", health.get("interval"));
    }

    @Test
    void deployResourcesMergeRecursively() {
        Value.MapV resources = (Value.MapV) named(merged(), "containers", "api").get("resources");
        assertEquals("2G", str(resources.get("memoryLimit")));
        assertFrom(OVERRIDE, "memory: 2G", resources.get("memoryLimit"));
        assertEquals("1.5", str(resources.get("cpuLimit")));
        assertFrom(BASE, "cpus: \"1.5\"", resources.get("cpuLimit"));
    }

    @Test
    void aScalarAddedByTheOverridePointsThere() {
        Value privileged = named(merged(), "containers", "cache").get("privileged");
        assertEquals(true, ((Value.Bool) privileged).value());
        assertFrom(OVERRIDE, "privileged: true", privileged);
    }

    private static Document fromText(String... texts) {
        List<InputSource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) sources.add(InputSource.ofText("f" + i + ".yaml", texts[i]));
        LoadResult r = ComposeLoader.loadProject(sources, ComposeFixtures.options(Map.of()));
        assertEquals(List.of(), r.diagnostics(), ComposeFixtures.dump(r)); // no "tag ignored" warning for !reset
        return ComposeFixtures.only(r);
    }

    @Test
    void listAndMapFormsMergeAndSecretsMergeByTarget() {
        Document doc = fromText("""
            services:
              s:
                image: alpine
                environment: [A=1, B=2]
                secrets: [token, {source: cert, target: /certs/a.pem}]
                cap_add: [NET_ADMIN]
                dns: 8.8.8.8
                entrypoint: /bin/sh -c
            """, """
            services:
              s:
                environment:
                  B: "3"
                secrets:
                  - source: other_cert
                    target: /certs/a.pem
                cap_add: [NET_ADMIN, SYS_TIME]
                dns: [1.1.1.1]
                entrypoint: ["/entry.sh"]
                networks: [front]
            networks:
              front: {}
            """);
        Value.MapV s = named(doc, "services", "s");
        assertEquals(List.of("A", "B"), ((Value.ListV) s.get("environment")).items().stream().map(v -> str(((Value.MapV) v).get("name"))).toList());
        assertEquals("3", str(at(s, "environment", 1, "value")));
        assertEquals("f1.yaml", at(s, "environment", 1, "value").span().file());
        assertEquals(List.of("token", "other_cert"), ((Value.ListV) s.get("secrets")).items().stream().map(v -> str(((Value.MapV) v).get("source"))).toList());
        assertEquals(List.of("NET_ADMIN", "SYS_TIME"), strings(s.get("capAdd")));
        assertEquals(List.of("8.8.8.8", "1.1.1.1"), strings(s.get("dns")));
        assertEquals(List.of("/entry.sh"), strings(s.get("entrypoint")));
        assertEquals(List.of("front"), strings(s.get("networks")));
        assertEquals(List.of("/entry.sh"), strings(named(doc, "containers", "s").get("command")));
    }

    @Test
    void extraHostsWrittenHostColonIpMergeByHost() {
        // "db:10.0.0.1" was taken as a host named "db:10.0.0.1" without an address: the view held
        // "db:10.0.0.1=null" beside the override's "db=10.0.0.9".
        Document doc = fromText("""
            services:
              s:
                image: alpine
                extra_hosts: ["db:10.0.0.1", "cache=10.0.0.2", "v6:::1"]
            """, """
            services:
              s:
                extra_hosts:
                  db: 10.0.0.9
            """);
        Value.MapV s = named(doc, "services", "s");
        assertEquals(List.of("db=10.0.0.9", "cache=10.0.0.2", "v6=::1"), strings(s.get("extraHosts")));
        assertEquals("f1.yaml", at(s, "extraHosts", 0).span().file());
    }

    @Test
    void aServiceOnlyInTheOverrideIsAdded() {
        Document doc = fromText("services:\n  a:\n    image: alpine\n", "services:\n  b:\n    image: busybox\n");
        assertEquals(List.of("a", "b"), doc.parts().stream().map(p -> p.name()).toList());
        assertEquals("f1.yaml", doc.parts().get(1).span().file());
    }

    @Test
    void resetRemovesAndOverrideReplaces() {
        Document doc = fromText("""
            services:
              s:
                image: alpine
                ports: ["80:80", "443:443"]
                user: "1000"
                environment: {A: "1", B: "2"}
                cap_add: [NET_ADMIN]
            """, """
            services:
              s:
                ports: !reset []
                user: !reset null
                environment: !override
                  C: "3"
                cap_add: !override [SYS_TIME]
            """);
        Value.MapV s = named(doc, "containers", "s");
        assertEquals(List.of(), ((Value.ListV) s.get("ports")).items());
        assertTrue(s.get("user") instanceof Value.Null);
        assertEquals(List.of("C"), ((Value.ListV) s.get("env")).items().stream().map(v -> str(((Value.MapV) v).get("name"))).toList());
        assertEquals(List.of("SYS_TIME"), strings(s.get("capAdd")));
        assertEquals("f1.yaml", at(s, "capAdd", 0).span().file());
    }

    @Test
    void resetNullOnASectionOrAServiceDropsIt() {
        // "!reset null" was checked as a section or service of the wrong type (a string) before the merge: it was
        // reported as an error and dropped, so what the earlier file set stayed.
        LoadResult r = ComposeLoader.loadProject(List.of(InputSource.ofText("f0.yaml", """
            services:
              web:
                image: nginx
                privileged: true
              db:
                image: postgres
            networks:
              n1: {}
            """), InputSource.ofText("f1.yaml", """
            services:
              web: !reset null
            networks: !reset null
            """)), ComposeFixtures.options(Map.of()));
        assertEquals(List.of(), r.diagnostics(), ComposeFixtures.dump(r));
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of("db"), doc.parts().stream().map(p -> p.name()).toList());
        assertEquals(List.of(), ((Value.ListV) doc.view("networks")).items());
    }

    @Test
    void resetInASingleFileLeavesTheFieldUnset() {
        Document doc = fromText("services:\n  s:\n    image: alpine\n    user: !reset null\n    dns: !reset []\n");
        Value.MapV s = named(doc, "services", "s");
        assertTrue(s.get("user") instanceof Value.Null);
        assertEquals(List.of(), ((Value.ListV) s.get("dns")).items());
    }
}
