package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.input.compose.ComposeFixtures.at;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.file;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.lineOf;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.named;
import static org.codomyrmex.policy.input.compose.ComposeFixtures.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web shop fixture read as one file: every view, with .env interpolation and env files. */
class ComposeLoaderTest {
    private static final String COMPOSE = "webapp/compose.yaml";
    private static final String WEBAPP_DIR = Path.of("src/test/resources/compose/webapp").toAbsolutePath().toString();

    private static Document shop(Map<String, String> env) {
        LoadResult r = ComposeFixtures.load(env, COMPOSE);
        assertEquals(List.of(), ComposeFixtures.errors(r), ComposeFixtures.dump(r));
        Document doc = ComposeFixtures.only(r);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        return doc;
    }

    private static Document shop() {
        return shop(Map.of());
    }

    private static List<String> strings(Value list) {
        return ((Value.ListV) list).items().stream().map(Values::display).toList();
    }

    @Test
    void kindIsCompose() {
        assertEquals(InputKind.COMPOSE, new ComposeLoader().kind());
    }

    @Test
    void oneDocumentNamedAfterTheProjectWithOnePartPerService() {
        Document doc = shop();
        assertEquals(InputKind.COMPOSE, doc.kind());
        Resource r = doc.resource();
        assertEquals(new Resource(InputKind.COMPOSE, "compose", "", "shop", r.span()), r);
        assertEquals(file(COMPOSE), r.span().file());
        assertEquals(List.of("proxy", "api", "db", "cache", "metrics", "toolbox"), doc.parts().stream().map(Resource::name).toList());
        assertTrue(doc.parts().stream().allMatch(p -> p.kind().equals("service")));
        Resource api = doc.parts().get(1);
        assertEquals(lineOf(COMPOSE, "  api:"), api.span().line());
        assertEquals(lineOf(COMPOSE, "com.example.tier: backend"), api.span().endLine());
        // A finding on a value of the api service falls inside that service's part, and only that one.
        Span user = at(named(doc, "services", "api"), "user").span();
        assertEquals(List.of("api"), doc.parts().stream().filter(p -> holds(p.span(), user)).map(Resource::name).toList());
        Value.MapV project = (Value.MapV) doc.view("project");
        assertEquals("shop", str(project.get("name")));
        assertEquals(List.of(file(COMPOSE)), strings(project.get("files")));
    }

    @Test
    void aServiceMadeOfAMergeKeyOrExtendsKeepsItsOwnTextAsItsPart() {
        // The part ended at the last value inside the service wherever it was written: the anchor's (before the
        // name) turned it around (5:3-3:18), so findings at the service name belonged to no service.
        LoadResult r = org.codomyrmex.policy.input.compose.ComposeLoader.loadProject(List.of(
            org.codomyrmex.policy.input.InputSource.ofText("m.yaml", """
                x-a: &a
                  image: alpine
                  privileged: true
                services:
                  three:
                    <<: *a
                  four:
                    image: x
                    <<: *a
                  five:
                    extends: later
                    user: "1000"
                  later:
                    image: busybox
                    read_only: true
                """)), ComposeFixtures.options(Map.of()));
        Document doc = ComposeFixtures.only(r);
        Map<String, Span> parts = new java.util.LinkedHashMap<>();
        doc.parts().forEach(p -> parts.put(p.name(), p.span()));
        assertEquals(new Span("m.yaml", 5, 3, 5, 7), parts.get("three"));
        assertEquals(new Span("m.yaml", 7, 3, 8, 12), parts.get("four"));
        assertEquals(new Span("m.yaml", 10, 3, 12, 16), parts.get("five"));
        for (Span p : parts.values()) {
            assertTrue(p.endLine() > p.line() || (p.endLine() == p.line() && p.endColumn() >= p.column()), p.toString());
        }
        assertEquals("three", doc.partAt(Span.of("m.yaml", 5, 3)).orElseThrow().name());
        assertEquals("five", doc.partAt(at(named(doc, "services", "five"), "user").span()).orElseThrow().name());
    }

    @Test
    void aUserWrittenInOtherDigitsIsANameNotAnId() {
        // "٠" (ARABIC-INDIC DIGIT ZERO) passed Character.isDigit and became uid 0: a "runs as root" finding.
        LoadResult r = org.codomyrmex.policy.input.compose.ComposeLoader.loadProject(List.of(
            org.codomyrmex.policy.input.InputSource.ofText("u.yaml",
                "services:\n  a:\n    image: x\n    user: \"\u0660\"\n  b:\n    image: x\n    user: \"1000:\u0661\"\n")),
            ComposeFixtures.options(Map.of()));
        Document doc = ComposeFixtures.only(r);
        assertTrue(named(doc, "containers", "a").get("runAsUser") instanceof Value.Null);
        Value.MapV b = named(doc, "containers", "b");
        assertEquals(1000, ((Value.Int) b.get("runAsUser")).value());
        assertTrue(b.get("runAsGroup") instanceof Value.Null);
    }

    @Test
    void aModeWrittenWithALeadingZeroIsOctalAsComposeReadsIt() {
        // go-yaml v3 reads 0440 as octal (288), as the Compose Specification's own secrets example means it; it was 440.
        LoadResult r = org.codomyrmex.policy.input.compose.ComposeLoader.loadProject(List.of(
            org.codomyrmex.policy.input.InputSource.ofText("o.yaml", """
                services:
                  a:
                    image: x
                    secrets:
                      - {source: s, mode: 0440}
                      - {source: t, mode: 0o440}
                      - {source: u, mode: 440}
                secrets:
                  s: {environment: S}
                  t: {environment: T}
                  u: {environment: U}
                """)), ComposeFixtures.options(Map.of()));
        Value.ListV grants = (Value.ListV) at(named(ComposeFixtures.only(r), "services", "a"), "secrets");
        List<Long> modes = grants.items().stream().map(g -> ((Value.Int) ((Value.MapV) g).get("mode")).value()).toList();
        assertEquals(List.of(288L, 288L, 440L), modes);
    }

    @Test
    void aValueInAnEnvironmentListPointsAtTheValue() {
        // The value of "- DB_PASSWORD=x" carried the whole item's span: a finding underlined (and masked) the name too.
        LoadResult r = org.codomyrmex.policy.input.compose.ComposeLoader.loadProject(List.of(
            org.codomyrmex.policy.input.InputSource.ofText("e.yaml", """
                services:
                  a:
                    image: x
                    environment:
                      - DB_PASSWORD=hunter2
                      - "API_TOKEN=abc"
                      - EMPTY=
                      - TAG=${UNSET_FOR_TEST:-v1}
                """)), ComposeFixtures.options(Map.of()));
        Value.ListV env = (Value.ListV) named(ComposeFixtures.only(r), "containers", "a").get("env");
        Value.MapV password = (Value.MapV) env.items().get(0);
        assertEquals(new Span("e.yaml", 5, 9, 5, 19), password.get("name").span());
        assertEquals(new Span("e.yaml", 5, 21, 5, 27), password.get("value").span());
        Value.MapV token = (Value.MapV) env.items().get(1);
        assertEquals(new Span("e.yaml", 6, 10, 6, 18), token.get("name").span());
        assertEquals(new Span("e.yaml", 6, 20, 6, 22), token.get("value").span());
        // Nothing to point at, or not written as read: the item.
        assertEquals(new Span("e.yaml", 7, 9, 7, 14), ((Value.MapV) env.items().get(2)).get("value").span());
        assertEquals(new Span("e.yaml", 8, 9, 8, 33), ((Value.MapV) env.items().get(3)).get("value").span());
        assertEquals("v1", str(((Value.MapV) env.items().get(3)).get("value")));
    }

    @Test
    void projectNameFromTheEnvironmentWins() {
        assertEquals("other", shop(Map.of("COMPOSE_PROJECT_NAME", "other")).resource().name());
    }

    @Test
    void dotEnvBesideTheFileIsInterpolatedAndTheEnvironmentWins() {
        Value image = at(named(shop(), "services", "proxy"), "image");
        assertEquals("nginx:1.27.3-alpine", str(image)); // export NGINX_TAG=... in .env
        assertEquals(file(COMPOSE), image.span().file());
        assertEquals(lineOf(COMPOSE, "image: nginx:${NGINX_TAG"), image.span().line());
        assertEquals("registry.example.com/shop/api:1.4.2", str(at(named(shop(), "services", "api"), "image")));
        assertEquals("registry.example.com/shop/api:2.0.0",
            str(at(named(shop(Map.of("TAG", "2.0.0")), "services", "api"), "image")));
        // The :? expression is satisfied by .env; a top-level config is interpolated too.
        assertEquals("Welcome to shop\n", str(at(named(shop(), "configs", "motd"), "content")));
    }

    @Test
    void environmentMergesEnvFilesThenTheServiceEnvironment() {
        Value.MapV api = named(shop(), "containers", "api");
        Value.ListV env = (Value.ListV) api.get("env");
        Map<String, Value.MapV> byName = new java.util.LinkedHashMap<>();
        for (Value v : env.items()) byName.put(str(((Value.MapV) v).get("name")), (Value.MapV) v);
        assertEquals(List.of("WORKERS", "SESSION_SECRET", "GREETING", "CACHE_URL", "DATABASE_URL", "LOG_LEVEL", "FEATURE_FLAGS"),
            List.copyOf(byName.keySet()));
        // Values from api.env point at api.env's own lines.
        Value workers = byName.get("WORKERS").get("value");
        assertEquals("4", str(workers));
        assertEquals(file("webapp/api.env"), workers.span().file());
        assertEquals(lineOf("webapp/api.env", "WORKERS=4"), workers.span().line());
        assertEquals("s3cr3t value", str(byName.get("SESSION_SECRET").get("value")));
        assertEquals("Hello, ${TAG}", str(byName.get("GREETING").get("value")));
        assertEquals("redis://cache:6379/0", str(byName.get("CACHE_URL").get("value")));
        // environment: wins over env_file; .env fills ${LOG_LEVEL-info}.
        Value logLevel = byName.get("LOG_LEVEL").get("value");
        assertEquals("debug", str(logLevel));
        assertEquals(file(COMPOSE), logLevel.span().file());
        assertEquals(lineOf(COMPOSE, "LOG_LEVEL=${LOG_LEVEL-info}"), logLevel.span().line());
        assertEquals("postgres://shop:dev-only-password@db:5432/shop", str(byName.get("DATABASE_URL").get("value")));
        assertTrue(byName.get("FEATURE_FLAGS").get("value") instanceof Value.Null);
        assertEquals("on", str(((Value.MapV) ((Value.ListV) named(shop(Map.of("FEATURE_FLAGS", "on")), "containers", "api")
            .get("env")).items().get(6)).get("value")));

        Value.ListV envFiles = (Value.ListV) named(shop(), "services", "api").get("envFiles");
        assertEquals(Values.TRUE.value(), ((Value.Bool) at(envFiles, 0, "found")).value());
        assertEquals(WEBAPP_DIR + "/api.env", str(at(envFiles, 0, "resolvedPath")));
        assertFalse(((Value.Bool) at(envFiles, 1, "found")).value()); // optional and absent: no error
        assertFalse(((Value.Bool) at(envFiles, 1, "required")).value());
    }

    @Test
    void proxyIsHardened() {
        Value.MapV proxy = named(shop(), "containers", "proxy");
        assertEquals(List.of("NET_BIND_SERVICE", "CHOWN"), strings(proxy.get("capAdd")));
        assertEquals(List.of("ALL"), strings(proxy.get("capDrop")));
        Value noNewPrivileges = proxy.get("allowPrivilegeEscalation");
        assertEquals(Values.FALSE.value(), ((Value.Bool) noNewPrivileges).value());
        assertEquals(lineOf(COMPOSE, "no-new-privileges:true"), noNewPrivileges.span().line());
        assertEquals(true, ((Value.Bool) proxy.get("readOnlyRootFilesystem")).value());
        assertTrue(proxy.get("hostNetwork") instanceof Value.Null); // not said: null, not false
        assertTrue(proxy.get("privileged") instanceof Value.Null);

        Value.ListV ports = (Value.ListV) proxy.get("ports");
        assertEquals(2, ports.items().size());
        assertEquals(80, ((Value.Int) at(ports, 0, "hostPort")).value());
        assertTrue(at(ports, 0, "hostIP") instanceof Value.Null); // all interfaces
        assertEquals("127.0.0.1", str(at(ports, 1, "hostIP")));
        assertEquals(443, ((Value.Int) at(ports, 1, "containerPort")).value());
        assertEquals("TCP", str(at(ports, 1, "protocol")));

        Value.ListV mounts = (Value.ListV) proxy.get("mounts");
        assertEquals(List.of("bind", "volume", "tmpfs", "tmpfs"), mounts.items().stream().map(m -> str(((Value.MapV) m).get("type"))).toList());
        assertEquals(WEBAPP_DIR + "/nginx/nginx.conf", str(at(mounts, 0, "source")));
        assertEquals(true, ((Value.Bool) at(mounts, 0, "readOnly")).value());
        assertEquals(true, ((Value.Bool) at(mounts, 0, "hostPath")).value());
        assertEquals("static", str(at(mounts, 1, "source")));
        assertEquals(false, ((Value.Bool) at(mounts, 1, "hostPath")).value());
        assertEquals("/run", str(at(mounts, 3, "target")));
    }

    @Test
    void apiBuildUserCommandResourcesAndHealthcheck() {
        Document doc = shop();
        Value.MapV api = named(doc, "containers", "api");
        assertEquals(1000, ((Value.Int) api.get("runAsUser")).value());
        assertEquals(1000, ((Value.Int) api.get("runAsGroup")).value());
        assertEquals(List.of("gunicorn", "-w", "4", "app:create_app()", "--bind", "0.0.0.0:8000"), strings(api.get("args")));
        assertTrue(api.get("command") instanceof Value.Null);
        Value.MapV resources = (Value.MapV) api.get("resources");
        assertEquals("1.5", str(resources.get("cpuLimit")));
        assertEquals("512M", str(resources.get("memoryLimit")));
        assertEquals("0.25", str(resources.get("cpuRequest")));
        assertEquals("128M", str(resources.get("memoryRequest")));
        assertEquals(200, ((Value.Int) resources.get("pidsLimit")).value());
        assertEquals(lineOf(COMPOSE, "memory: 512M"), resources.get("memoryLimit").span().line());
        Value.MapV health = (Value.MapV) ((Value.ListV) api.get("healthchecks")).items().get(0);
        assertEquals("healthcheck", str(health.get("kind")));
        assertEquals(List.of("CMD", "curl", "-fsS", "http://localhost:8000/health"), strings(health.get("test")));
        assertEquals(false, ((Value.Bool) health.get("disabled")).value());
        // expose: published nowhere, so no host port.
        Value.ListV ports = (Value.ListV) api.get("ports");
        assertEquals(1, ports.items().size());
        assertEquals(8000, ((Value.Int) at(ports, 0, "containerPort")).value());
        assertTrue(at(ports, 0, "hostPort") instanceof Value.Null);

        Value.MapV build = (Value.MapV) named(doc, "services", "api").get("build");
        assertEquals(WEBAPP_DIR + "/api", str(build.get("contextPath")));
        assertEquals(WEBAPP_DIR + "/api/docker/Dockerfile.prod", str(build.get("dockerfilePath")));
        assertEquals(lineOf(COMPOSE, "dockerfile: docker/Dockerfile.prod"), build.get("dockerfilePath").span().line());
        assertEquals("3.12", str(at(build, "args", "PYTHON_VERSION")));
        assertTrue(at(build, "args", "GIT_SHA") instanceof Value.Null);
        assertEquals("runtime", str(build.get("target")));

        Value.ListV secrets = (Value.ListV) named(doc, "services", "api").get("secrets");
        assertEquals("db_password", str(at(secrets, 0, "source")));
        assertEquals("/run/secrets/stripe", str(at(secrets, 1, "target")));
        assertEquals(0440, ((Value.Int) at(secrets, 1, "mode")).value());
        assertEquals(Map.of("com.example.team", "payments", "com.example.tier", "backend"), stringMap(api.get("labels")));
    }

    @Test
    void dbAndCacheNormalizeListAndMapForms() {
        Document doc = shop();
        Value.MapV db = named(doc, "containers", "db");
        Value.MapV resources = (Value.MapV) db.get("resources");
        assertEquals("1g", str(resources.get("memoryLimit")));
        assertEquals(2, ((Value.Int) resources.get("cpuLimit")).value());
        assertEquals(100, ((Value.Int) resources.get("pidsLimit")).value());
        assertEquals("net.core.somaxconn", str(at(db, "sysctls", 0, "name")));
        assertEquals("1024", str(at(db, "sysctls", 0, "value")));
        assertEquals("data", str(at(db, "labels", "com.example.team")));
        assertTrue(at(db, "labels", "com.example.backup") instanceof Value.Null);
        assertEquals("/run/secrets/db_password", str(at(db, "env", 2, "value")));
        assertEquals(true, ((Value.Bool) at(named(doc, "services", "db"), "volumes", 0, "nocopy")).value());

        Value.MapV cache = named(doc, "containers", "cache");
        assertEquals("redis", str(cache.get("user")));
        assertTrue(cache.get("runAsUser") instanceof Value.Null); // a name other than root: uid unknown
        assertEquals("127.0.0.1", str(at(cache, "ports", 0, "hostIP")));
        assertEquals(6379, ((Value.Int) at(cache, "ports", 0, "hostPort")).value());
        assertEquals(lineOf(COMPOSE, "published: \"6379\""), at(cache, "ports", 0, "hostPort").span().line());
        assertEquals("host", str(at(named(doc, "services", "cache"), "ports", 0, "mode")));
        assertEquals("511", str(at(cache, "sysctls", 0, "value")));
        assertEquals("redis-cli ping", str(at(cache, "healthchecks", 0, "test")));
        assertEquals(List.of("redis-server", "--appendonly", "yes"), strings(cache.get("args")));
        assertEquals(true, ((Value.Bool) cache.get("init")).value());
    }

    @Test
    void metricsAgentSharesEveryHostNamespace() {
        Value.MapV metrics = named(shop(), "containers", "metrics");
        for (String[] flag : new String[][] {{"hostNetwork", "network_mode: host"}, {"hostPID", "pid: host"}, {"hostIPC", "ipc: host"},
            {"hostUTS", "uts: host"}, {"hostUsers", "userns_mode: host"}}) {
            Value v = metrics.get(flag[0]);
            assertEquals(true, ((Value.Bool) v).value(), flag[0]);
            assertEquals(new Span(file(COMPOSE), lineOf(COMPOSE, flag[1]), v.span().column(), v.span().endLine(), v.span().endColumn()), v.span());
        }
        assertEquals(true, ((Value.Bool) metrics.get("privileged")).value());
        assertEquals("Unconfined", str(metrics.get("seccompProfile")));
        assertEquals("Unconfined", str(metrics.get("appArmorProfile")));
        assertEquals("true", str(at(metrics, "seLinuxOptions", "disable")));
        assertEquals(List.of("/dev/kmsg"), strings(metrics.get("devices")));
        Value.ListV mounts = (Value.ListV) metrics.get("mounts");
        assertEquals(List.of("/", "/var/run/docker.sock", "/sys"), mounts.items().stream().map(m -> str(((Value.MapV) m).get("source"))).toList());
        assertTrue(mounts.items().stream().allMatch(m -> Values.isTrue(((Value.MapV) m).get("hostPath"))));
        assertEquals(false, ((Value.Bool) at(mounts, 1, "readOnly")).value());
        assertEquals(lineOf(COMPOSE, "- /var/run/docker.sock:/var/run/docker.sock"), at(mounts, 1, "source").span().line());
        assertEquals("rslave", str(at(named(shop(), "services", "metrics"), "volumes", 2, "propagation")));
    }

    @Test
    void profilesMarkServicesInactiveUnlessEnabled() {
        Value.MapV toolbox = named(shop(), "containers", "toolbox");
        assertEquals(false, ((Value.Bool) toolbox.get("active")).value());
        assertEquals(List.of("debug"), strings(toolbox.get("profiles")));
        assertEquals(true, ((Value.Bool) named(shop(), "containers", "api").get("active")).value());
        assertEquals(true, ((Value.Bool) named(shop(Map.of("COMPOSE_PROFILES", "ops, debug")), "containers", "toolbox").get("active")).value());
        assertEquals(true, ((Value.Bool) named(shop(Map.of("COMPOSE_PROFILES", "*")), "services", "toolbox").get("active")).value());
        assertEquals(false, ((Value.Bool) toolbox.get("hostNetwork")).value()); // service:api is not the host
        assertEquals("service:api", str(toolbox.get("networkMode")));
        assertEquals(List.of("sleep", "infinity"), strings(toolbox.get("command")));
        assertEquals(true, ((Value.Bool) at(toolbox, "healthchecks", 0, "disabled")).value());
    }

    @Test
    void topLevelSections() {
        Document doc = shop();
        assertEquals("shop_net", str(named(doc, "networks", "default").get("externalName")));
        assertEquals(true, ((Value.Bool) named(doc, "networks", "backend").get("internal")).value());
        assertEquals(List.of("static", "pgdata", "shared"), names(doc.view("volumes")));
        assertEquals(true, ((Value.Bool) named(doc, "volumes", "shared").get("external")).value());
        assertEquals(WEBAPP_DIR + "/secrets/db_password.txt", str(named(doc, "secrets", "db_password").get("filePath")));
        assertEquals("STRIPE_KEY", str(named(doc, "secrets", "stripe_key").get("environment")));
        assertEquals(List.of("nginx_conf", "motd"), names(doc.view("configs")));
    }

    private static List<String> names(Value list) {
        return ((Value.ListV) list).items().stream().map(v -> str(((Value.MapV) v).get("name"))).toList();
    }

    private static Map<String, String> stringMap(Value v) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        ((Value.MapV) v).entries().forEach((k, x) -> out.put(k, Values.display(x)));
        return out;
    }

    private static boolean holds(Span outer, Span inner) {
        boolean startsAfter = inner.line() > outer.line() || (inner.line() == outer.line() && inner.column() >= outer.column());
        boolean endsBefore = inner.line() < outer.endLine() || (inner.line() == outer.endLine() && inner.column() <= outer.endColumn());
        return outer.file().equals(inner.file()) && startsAfter && endsBefore;
    }

    /** SnakeYAML's default limit of 100 aliases ended a compose file whose 150 services share one anchor. */
    @Test
    void aFileSharingAnAnchorMoreThanAHundredTimesIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder("x-base: &base\n  image: nginx:1.27\n  read_only: true\nservices:\n");
        for (int i = 0; i < 150; i++) yaml.append("  s").append(i).append(": *base\n");
        java.nio.file.Path file = dir.resolve("compose.yaml");
        java.nio.file.Files.writeString(file, yaml);
        org.codomyrmex.policy.input.LoadResult r = new ComposeLoader().load(
            org.codomyrmex.policy.input.InputSource.ofPath("compose.yaml", file), org.codomyrmex.policy.input.LoadOptions.defaults());
        assertEquals(java.util.List.of(), r.diagnostics().stream().filter(d -> d.isError()).map(d -> d.headline()).toList());
        assertEquals(150, r.documents().get(0).parts().size());
    }
}
