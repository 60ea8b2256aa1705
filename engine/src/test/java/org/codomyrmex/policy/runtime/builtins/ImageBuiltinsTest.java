package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.codomyrmex.policy.types.Schemas;
import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.map;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageBuiltinsTest {
    private static final String SHA = "sha256:" + "0123456789abcdef".repeat(4);

    private static Value image(String ref) {
        return call("image", s(ref));
    }

    private static Value ref(String registry, String repository, String path, Value tag, Value digest, String full,
                             boolean pinned, boolean latest) {
        return map("registry", s(registry), "repository", s(repository), "path", s(path), "tag", tag,
            "digest", digest, "name", s(registry + "/" + repository), "full", s(full),
            "is_digest_pinned", b(pinned), "is_latest", b(latest));
    }

    @Test
    void officialImageGetsDockerHubDefaults() {
        assertValue(ref("docker.io", "library/nginx", "nginx", s("latest"), NULL, "docker.io/library/nginx:latest",
            false, true), image("nginx"));
        assertValue(ref("docker.io", "library/nginx", "nginx", s("1.25"), NULL, "docker.io/library/nginx:1.25",
            false, false), image("nginx:1.25"));
        assertValue(image("nginx:1.25"), image("docker.io/library/nginx:1.25"));
        assertValue(image("nginx:1.25"), image("index.docker.io/nginx:1.25"));
        assertValue(image("nginx:1.25"), image("library/nginx:1.25"));
    }

    @Test
    void userRepositoriesOnDockerHub() {
        assertValue(ref("docker.io", "bitnami/redis", "bitnami/redis", s("7.2"), NULL, "docker.io/bitnami/redis:7.2",
            false, false), image("bitnami/redis:7.2"));
        assertValue(ref("docker.io", "library/a/b", "library/a/b", s("latest"), NULL,
            "docker.io/library/a/b:latest", false, true), image("library/a/b"));
    }

    @Test
    void registryIsDetectedByDotColonLocalhostOrCapitals() {
        assertValue(ref("localhost:5000", "a/b", "a/b", s("1"), s(SHA), "localhost:5000/a/b:1@" + SHA, true, false),
            image("localhost:5000/a/b:1@" + SHA));
        assertEquals("localhost", registry("localhost/app"));
        assertEquals("ghcr.io", registry("ghcr.io/org/app:v1"));
        assertEquals("registry:5000", registry("registry:5000/app"));
        assertEquals("Registry", registry("Registry/app"));
        assertEquals("[::1]:5000", registry("[::1]:5000/app"));
        assertEquals("docker.io", registry("myregistry/app")); // no dot, colon or capital: a Docker Hub user
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com",
            registry("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:2024.05.01"));
    }

    private static String registry(String ref) {
        return ((Value.Str) ((Value.MapV) image(ref)).get("registry")).value();
    }

    @Test
    void digestPinning() {
        Value pinned = image("nginx@" + SHA);
        assertValue(ref("docker.io", "library/nginx", "nginx", NULL, s(SHA), "docker.io/library/nginx@" + SHA, true,
            false), pinned);
        Value both = image("nginx:latest@" + SHA);
        assertValue(b(false), ((Value.MapV) both).get("is_latest"));
        assertValue(s("latest"), ((Value.MapV) both).get("tag"));
        assertValue(s("sha512:" + "ab".repeat(64)), ((Value.MapV) image("app@sha512:" + "ab".repeat(64))).get("digest"));
    }

    @Test
    void invalidReferencesGiveNull() {
        String[] bad = {
            "", "Nginx", "nginx:", "nginx@", ":tag", "nginx:-tag", "nginx:" + "t".repeat(129), "a//b", "-a/b", "a-/b",
            "a..b/c", "nginx@sha256:abc", "nginx@sha256:" + "0123456789ABCDEF".repeat(4), "nginx@md5:" + "ab".repeat(16),
            "nginx@sha256:" + "ab".repeat(33), "registry.io/App", "UPPER", "with space", "nginx:1.0:2",
            "0123456789abcdef".repeat(4), "a/" + "b".repeat(260), "ghcr.io/", "/nginx", "nginx/", "localhost:port/x",
        };
        for (String r : bad) assertNull(call("image", s(r)));
        assertNull(call("image", NULL));
        assertNull(call("image", i(1)));
    }

    @Test
    void valuesAreAtTheEdgesOfTheGrammar() {
        assertValue(s("a" + "b".repeat(127)), ((Value.MapV) image("nginx:a" + "b".repeat(127))).get("tag"));
        assertValue(s("a__b/c-d.e/f---g"), ((Value.MapV) image("a__b/c-d.e/f---g")).get("repository"));
        assertValue(s("_v1.0-RC"), ((Value.MapV) image("x:_v1.0-RC")).get("tag"));
    }

    @Test
    void resultConformsToTheImageRefSchema() {
        Value v = image("localhost:5000/a/b:1@" + SHA);
        assertEquals(java.util.List.of(),
            SchemaConformance.violations(v, Schemas.standard().type("ImageRef").orElseThrow(), "image"));
        assertEquals(Schemas.standard().type("ImageRef").orElseThrow().fields().keySet(), ((Value.MapV) v).entries().keySet());
    }
}
