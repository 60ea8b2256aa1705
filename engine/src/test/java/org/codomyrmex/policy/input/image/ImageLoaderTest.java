package org.codomyrmex.policy.input.image;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real fixtures made with umoci and skopeo (see resources/image/README.md), and tool-shaped JSON samples. */
class ImageLoaderTest {
    static final String MANIFEST = "sha256:d1cdb4a6e9ea4d5fea8a6378bc5a466404debe3adcafb696527f258cf7751696";
    static final String CONFIG = "sha256:0c1d738f6134c825af8cb2cab4015dee5c7849cb4e3f70038c24fd4c882aaaac";

    static Path fixture(String name) {
        try {
            return Path.of(ImageLoaderTest.class.getResource("/image/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static LoadResult load(Path path) {
        return new ImageLoader().load(InputSource.ofPath(path.getFileName().toString(), path), LoadOptions.defaults());
    }

    static Document only(LoadResult r) {
        assertEquals(1, r.documents().size(), () -> "documents; diagnostics: " + r.diagnostics());
        Document d = r.documents().get(0);
        assertEquals(List.of(), SchemaConformance.violations(d));
        return d;
    }

    static List<Diagnostic> errors(LoadResult r) {
        return r.diagnostics().stream().filter(Diagnostic::isError).toList();
    }

    static Value.MapV map(Value v) {
        return (Value.MapV) v;
    }

    static String str(Value v) {
        return ((Value.Str) v).value();
    }

    static long num(Value v) {
        return ((Value.Int) v).value();
    }

    static Value at(Value v, String... path) {
        for (String p : path) v = map(v).get(p);
        return v;
    }

    static Optional<Value.MapV> file(Value files, String path) {
        for (Value f : ((Value.ListV) files).items()) {
            if (str(map(f).get("path")).equals(path)) return Optional.of(map(f));
        }
        return Optional.empty();
    }

    /** What umoci put in the image: checked the same way for the layout, docker-archive and oci-archive. */
    static void assertBuiltImage(Document d) {
        Value files = d.view("files");
        Value.MapV env = file(files, "/app/.env").orElseThrow();
        assertEquals("DB_HOST=db\nDB_PASSWORD=fake-password-for-tests\n", str(env.get("content")));
        assertEquals(1000, num(env.get("uid")));
        assertEquals(0644, num(env.get("mode")));
        Value.MapV key = file(files, "/root/.ssh/id_rsa").orElseThrow();
        assertEquals(0600, num(key.get("mode")));
        assertTrue(str(key.get("content")).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        Value.MapV suid = file(files, "/usr/local/bin/suidtool").orElseThrow();
        assertTrue(Values.isTrue(suid.get("setuid")));
        assertEquals(Values.FALSE.value(), ((Value.Bool) suid.get("worldWritable")).value());
        Value.MapV shared = file(files, "/tmp/shared.txt").orElseThrow();
        assertTrue(Values.isTrue(shared.get("worldWritable")));
        assertEquals(Values.FALSE.value(), ((Value.Bool) shared.get("setuid")).value());
        Value.MapV tmp = file(files, "/tmp").orElseThrow();
        assertEquals("dir", str(tmp.get("type")));
        assertTrue(Values.isTrue(tmp.get("sticky")));
        Value.MapV link = file(files, "/app/env-link").orElseThrow();
        assertTrue(Values.isTrue(link.get("isSymlink")));
        assertEquals("/app/.env", str(link.get("linkTarget")));
        assertEquals(Values.FALSE.value(), ((Value.Bool) link.get("worldWritable")).value());
        Value.MapV config = file(files, "/etc/app/config.yaml").orElseThrow();
        assertEquals(1, num(config.get("layer")));
        // Deleted by a whiteout in layer 1: gone from the final view, still in layer 0 (a leaked build secret).
        assertTrue(file(files, "/app/build-token.txt").isEmpty());
        List<Value> layers = ((Value.ListV) d.view("layers")).items();
        assertEquals(2, layers.size());
        assertEquals("build-only token\n", str(file(map(layers.get(0)).get("files"), "/app/build-token.txt").orElseThrow().get("content")));
        assertEquals("whiteout", str(file(map(layers.get(1)).get("files"), "/app/build-token.txt").orElseThrow().get("type")));
        assertEquals("COPY rootfs/ /", str(map(layers.get(0)).get("createdBy")));
        assertTrue(Values.isTrue(map(layers.get(1)).get("complete")));
        assertEquals("sha256:069c070f4e84a114fd64be8f3afadd32f6cc9d88e4d8ad9bfde43d9b8d8a56df", str(map(layers.get(0)).get("diffId")));

        Value image = d.view("image");
        assertEquals(CONFIG, str(map(image).get("id")));
        assertEquals("amd64", str(map(image).get("architecture")));
        assertEquals("Codomyrmex tests", str(map(image).get("author")));
        assertEquals("example-app", str(at(image, "labels", "org.opencontainers.image.title")));
        assertEquals("1000:1000", str(at(image, "config", "user")));
        assertEquals("production", str(at(image, "config", "env", "APP_MODE")));
        assertEquals(List.of("8080/tcp", "9090/udp"), ((Value.ListV) at(image, "config", "exposedPorts")).items().stream().map(ImageLoaderTest::str).toList());
        assertEquals("/data", str(((Value.ListV) at(image, "config", "volumes")).items().get(0)));
        assertEquals("SIGTERM", str(at(image, "config", "stopSignal")));

        List<Value> history = ((Value.ListV) d.view("history")).items();
        assertEquals(3, history.size());
        assertTrue(Values.isTrue(map(history.get(2)).get("empty_layer")));
        assertEquals(Values.NULL, map(history.get(2)).get("layer"));
        assertEquals(1, num(map(history.get(1)).get("layer")));

        Value.MapV c = map(((Value.ListV) d.view("containers")).items().get(0));
        assertEquals("image", str(c.get("kind")));
        assertEquals(1000, num(c.get("runAsUser")));
        assertEquals(1000, num(c.get("runAsGroup")));
        assertEquals(List.of("/usr/local/bin/suidtool"), ((Value.ListV) c.get("command")).items().stream().map(ImageLoaderTest::str).toList());
        assertEquals(List.of("--serve"), ((Value.ListV) c.get("args")).items().stream().map(ImageLoaderTest::str).toList());
        List<Value> ports = ((Value.ListV) c.get("ports")).items();
        assertEquals(9090, num(map(ports.get(1)).get("containerPort")));
        assertEquals("UDP", str(map(ports.get(1)).get("protocol")));
        assertEquals("APP_MODE", str(map(((Value.ListV) c.get("env")).items().get(1)).get("name")));
        assertEquals("/data", str(map(((Value.ListV) c.get("mounts")).items().get(0)).get("target")));

        assertEquals(Values.NULL, d.view("vulnerabilities"));
        assertEquals(Values.NULL, d.view("sbom"));
    }

    @Test
    void readsAnOciLayoutDirectoryMadeByUmoci() {
        LoadResult r = load(fixture("app-oci"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertBuiltImage(d);
        assertEquals("oci-layout", str(at(d.view("image"), "format")));
        assertEquals(MANIFEST, str(at(d.view("image"), "digest")));
        assertEquals("1.0", d.resource().name());
        assertEquals("image", d.resource().kind());
        // Config values keep their place in the config blob.
        Value user = at(d.view("image"), "config", "user");
        assertTrue(user.span().file().endsWith("app-oci/blobs/sha256/" + CONFIG.substring(7)), user.span().toString());
        assertEquals(1, user.span().line()); // umoci writes the config on one line
        assertEquals("\"1000:1000\"", d.source().line(1).substring(user.span().column() - 1, user.span().endColumn()));
        Value layer0 = at(((Value.ListV) d.view("layers")).items().get(0), "digest");
        assertTrue(layer0.span().file().endsWith(MANIFEST.substring(7)), layer0.span().toString());
    }

    /** The same image with zstd layers (skopeo copy --dest-compress-format zstd): the same files, digests checked. */
    @Test
    void readsZstdLayers() {
        LoadResult zstd = load(fixture("app-zstd"));
        assertEquals(List.of(), zstd.diagnostics());
        Document z = only(zstd);
        assertBuiltImage(z);
        List<Value> layers = ((Value.ListV) z.view("layers")).items();
        assertEquals(2, layers.size());
        for (Value layer : layers) {
            assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", str(at(layer, "mediaType")), layer.toString());
            assertEquals(true, ((Value.Bool) at(layer, "complete")).value(), "every entry read, digests checked: " + layer);
        }
        Document gzip = only(load(fixture("app-oci")));
        assertEquals(paths(gzip), paths(z));
        assertTrue(paths(z).contains("/usr/local/bin/suidtool"), paths(z).toString());
    }

    private static List<String> paths(Document d) {
        return ((Value.ListV) d.view("files")).items().stream().map(f -> str(at(f, "path"))).sorted().toList();
    }

    @Test
    void readsADockerSaveTarballMadeBySkopeo() {
        LoadResult r = load(fixture("app-docker.tar"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertBuiltImage(d);
        assertEquals("docker-archive", str(at(d.view("image"), "format")));
        assertEquals("docker.io/example/app:1.0", d.resource().name());
        assertEquals("docker.io/example/app:1.0", str(map(((Value.ListV) d.view("containers")).items().get(0)).get("image")));
        assertTrue(d.source().name().startsWith("app-docker.tar!/"), d.source().name());
    }

    @Test
    void readsAnOciArchiveMadeBySkopeo() {
        LoadResult r = load(fixture("app-oci-archive.tar"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertBuiltImage(d);
        assertEquals("oci-archive", str(at(d.view("image"), "format")));
        assertEquals(MANIFEST, str(at(d.view("image"), "digest")));
    }

    @Test
    void readsSkopeoInspect() {
        LoadResult r = load(fixture("skopeo-inspect.json"));
        assertEquals(List.of("I4041"), r.diagnostics().stream().map(Diagnostic::code).toList());
        Document d = only(r);
        assertEquals("skopeo-inspect", str(at(d.view("image"), "format")));
        assertEquals(MANIFEST, d.resource().name());
        assertEquals("production", str(at(d.view("image"), "config", "env", "APP_MODE")));
        assertEquals(2, ((Value.ListV) d.view("layers")).items().size());
        assertEquals(Values.NULL, d.view("files"));
        assertEquals(18, at(d.view("image"), "config", "env", "APP_MODE").span().line());
    }

    /**
     * skopeo inspect without --config shows Env and Labels only: the user (and the rest of the config) is unknown,
     * not unset, and a warning at the file says so once, with the command that shows it.
     */
    @Test
    void skopeoInspectWithoutConfigMarksTheUserUnknown() {
        LoadResult r = load(fixture("skopeo-inspect.json"));
        assertEquals(1, r.diagnostics().size());
        Diagnostic warning = r.diagnostics().get(0);
        assertEquals(Diagnostic.Level.WARNING, warning.level());
        assertEquals("skopeo-inspect.json:1:1", warning.span().toString());
        assertTrue(warning.hint().orElseThrow().contains("skopeo inspect --config"));
        Document d = only(r);
        Value container = ((Value.ListV) d.view("containers")).items().get(0);
        List<String> unknown = ((Value.ListV) at(container, "unknown")).items().stream().map(ImageLoaderTest::str).toList();
        assertTrue(unknown.containsAll(List.of("user", "runAsUser", "command", "args", "ports", "healthchecks")), unknown::toString);
        assertTrue(((Value.ListV) at(d.view("image"), "config", "unknown")).items().stream().map(ImageLoaderTest::str)
            .toList().containsAll(List.of("user", "healthcheck", "entrypoint")));
        // A config that shows the user has nothing unknown.
        Value full = ((Value.ListV) only(load(fixture("skopeo-inspect-config.json"))).view("containers")).items().get(0);
        assertEquals(List.of(), ((Value.ListV) at(full, "unknown")).items());
    }

    /**
     * skopeo inspect docker://nginx:1.27 writes Name without the tag and RepoTags with every tag of the repository:
     * the image is the repository at its digest, and those tags are not its own (read as they were, the image was
     * "nginx" on the implicit latest tag, and each tag an image reference of its own).
     */
    @Test
    void skopeoInspectOfARegistryImageIsItsRepositoryAtItsDigest() {
        String json = """
            {"Name": "docker.io/library/nginx", "Digest": "%s", "RepoTags": ["1.26", "1.27.1", "latest"],
             "Architecture": "amd64", "Os": "linux", "Layers": [], "Env": ["PATH=/usr/bin"]}
            """.formatted(MANIFEST);
        Document d = only(new ImageLoader().load(InputSource.ofText("nginx.json", json), LoadOptions.defaults()));
        assertEquals("docker.io/library/nginx@" + MANIFEST, str(at(d.view("image"), "reference")));
        assertEquals(1, at(d.view("image"), "reference").span().line());
        assertEquals(Values.NULL, at(d.view("image"), "repoTags"));
        assertEquals("docker.io/library/nginx@" + MANIFEST, d.resource().name());
    }

    @Test
    void readsSkopeoInspectConfigAsAnOciConfig() {
        LoadResult r = load(fixture("skopeo-inspect-config.json"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertEquals("oci-config", str(at(d.view("image"), "format")));
        assertEquals("1000:1000", str(at(d.view("image"), "config", "user")));
        assertEquals(3, ((Value.ListV) d.view("history")).items().size());
        assertEquals(1000, num(map(((Value.ListV) d.view("containers")).items().get(0)).get("runAsUser")));
    }

    @Test
    void readsDockerInspect() {
        LoadResult r = load(fixture("docker-inspect.json"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        Value image = d.view("image");
        assertEquals("docker-inspect", str(at(image, "format")));
        assertEquals("example/app:1.0", d.resource().name());
        assertEquals(MANIFEST, str(at(image, "digest")));
        assertEquals("fake-secret-for-tests", str(at(image, "config", "env", "AWS_SECRET_ACCESS_KEY")));
        assertEquals(30_000_000_000L, num(at(image, "config", "healthcheck", "interval")));
        assertEquals(List.of("RUN echo onbuild"), ((Value.ListV) at(image, "config", "onBuild")).items().stream().map(ImageLoaderTest::str).toList());
        Value.MapV c = map(((Value.ListV) d.view("containers")).items().get(0));
        assertEquals(Values.NULL, c.get("user"));
        assertEquals(Values.NULL, c.get("runAsUser"));
        assertEquals(22, num(map(((Value.ListV) c.get("ports")).items().get(0)).get("containerPort")));
        assertEquals(Values.FALSE.value(), ((Value.Bool) map(((Value.ListV) c.get("healthchecks")).items().get(0)).get("disabled")).value());
        assertEquals(2, ((Value.ListV) d.view("layers")).items().size());
        assertEquals(Values.NULL, d.view("history"));
        assertEquals(Values.NULL, d.view("files"));
        // The span of an env value is the line of its string in the file.
        assertEquals(31, at(image, "config", "env", "AWS_SECRET_ACCESS_KEY").span().line());
    }

    @Test
    void readsATrivyReport() {
        LoadResult r = load(fixture("trivy.json"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertEquals("example/app:1.0", d.resource().name());
        List<Value> vulns = ((Value.ListV) d.view("vulnerabilities")).items();
        assertEquals(2, vulns.size());
        Value.MapV first = map(vulns.get(0));
        assertEquals("CVE-2024-2511", str(first.get("id")));
        assertEquals("libcrypto3", str(first.get("packageName")));
        assertEquals("3.1.4-r6", str(first.get("fixedVersion")));
        assertTrue(Values.isTrue(first.get("fixable")));
        assertEquals("MEDIUM", str(first.get("severity")));
        Value.MapV second = map(vulns.get(1));
        assertEquals(Values.FALSE.value(), ((Value.Bool) second.get("fixable")).value());
        assertEquals(Values.NULL, second.get("fixedVersion"));
        assertEquals("HIGH", str(second.get("severity")));
        // Trivy carries the image config: the run configuration is there too.
        assertEquals(List.of("/bin/sh"), ((Value.ListV) at(d.view("image"), "config", "cmd")).items().stream().map(ImageLoaderTest::str).toList());
        assertEquals(Values.NULL, d.view("sbom"));
    }

    /**
     * {@code trivy fs} (and repo, sbom) reports carry an empty Metadata.ImageConfig with Go's zero time: it
     * described no image, yet it gave "sets no USER" and "built 739948 days ago" findings about the folder.
     */
    @Test
    void aTrivyReportOfAFolderDescribesNoImage(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path file = tmp.resolve("trivy-fs.json");
        java.nio.file.Files.writeString(file, """
            {"SchemaVersion": 2, "ArtifactName": ".", "ArtifactType": "filesystem",
             "Metadata": {"ImageConfig": {"architecture": "", "created": "0001-01-01T00:00:00Z", "os": "",
                                          "rootfs": {"type": "", "diff_ids": null}, "config": {}}},
             "Results": [{"Target": "package-lock.json", "Class": "lang-pkgs", "Type": "npm",
               "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-1", "PkgName": "lodash", "InstalledVersion": "4.17.20",
                                    "FixedVersion": "4.17.21", "Severity": "HIGH"}]}]}
            """);
        LoadResult r = load(file);
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertEquals(Values.NULL, d.view("containers"));
        assertEquals(Values.NULL, at(d.view("image"), "config"));
        assertEquals(Values.NULL, at(d.view("image"), "created"));
        assertEquals(Values.NULL, at(d.view("image"), "reference"));
        List<Value> vulns = ((Value.ListV) d.view("vulnerabilities")).items();
        assertEquals("CVE-2024-1", str(map(vulns.get(0)).get("id")));
        assertEquals("package-lock.json", str(map(vulns.get(0)).get("target")));
    }

    /** Go's zero time is what crane and docker write for an image without a build time: unknown, not year 1. */
    @Test
    void goZeroCreatedTimeIsUnknown(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path config = tmp.resolve("config.json");
        java.nio.file.Files.writeString(config, """
            {"architecture": "amd64", "os": "linux", "created": "0001-01-01T00:00:00Z", "config": {"User": "1000"},
             "rootfs": {"type": "layers", "diff_ids": []}}
            """);
        assertEquals(Values.NULL, at(only(load(config)).view("image"), "created"));
        Path inspect = tmp.resolve("inspect.json");
        java.nio.file.Files.writeString(inspect, """
            [{"Id": "sha256:%s", "RepoTags": ["a:1"], "Created": "0001-01-01T00:00:00Z", "Config": {"User": "1000"}}]
            """.formatted("a".repeat(64)));
        assertEquals(Values.NULL, at(only(load(inspect)).view("image"), "created"));
    }

    /**
     * Podman's image Config is an OCI config without Healthcheck; {@code podman inspect} puts an image's
     * HEALTHCHECK at the top level. It was ignored, so an image with a health check "defined no HEALTHCHECK".
     */
    @Test
    void podmanInspectHealthcheckIsTheImages(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path file = tmp.resolve("podman.json");
        java.nio.file.Files.writeString(file, """
            [{"Id": "%s", "Digest": "sha256:%s", "RepoTags": ["localhost/app:1"],
              "Config": {"User": "1000", "Cmd": ["/app"]},
              "ManifestType": "application/vnd.docker.distribution.manifest.v2+json", "User": "1000", "NamesHistory": [],
              "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "Interval": 30000000000}}]
            """.formatted("a".repeat(64), "b".repeat(64)));
        LoadResult r = load(file);
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertEquals("podman-inspect", str(at(d.view("image"), "format")));
        Value.MapV health = map(at(d.view("image"), "config", "healthcheck"));
        assertEquals(30_000_000_000L, num(health.get("interval")));
        assertFalse(Values.isTrue(health.get("disabled")));
        Value.MapV container = map(((Value.ListV) d.view("containers")).items().get(0));
        List<Value> healthchecks = ((Value.ListV) container.get("healthchecks")).items();
        assertEquals(1, healthchecks.size());
        assertEquals(4, healthchecks.get(0).span().line());
    }

    /** A CycloneDX SBOM of a folder named its folder as an image reference: "known only by the latest tag (myapp)". */
    @Test
    void aCycloneDxSbomOfAFolderNamesNoImage(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path file = tmp.resolve("sbom.json");
        java.nio.file.Files.writeString(file, """
            {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
             "metadata": {"component": {"bom-ref": "af63bd4c8601b7f1", "type": "file", "name": "myapp"}},
             "components": [{"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}]}
            """);
        Document d = only(load(file));
        assertEquals(Values.NULL, at(d.view("image"), "reference"));
        assertEquals("sbom.json", d.resource().name());
        assertEquals("lodash", str(map(((Value.ListV) at(d.view("sbom"), "components")).items().get(0)).get("name")));
    }

    /** An Env item without '=' sets no variable: image.config.env said it was the empty string, containers said null. */
    @Test
    void anEnvItemWithoutEqualsHasNoValue(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path file = tmp.resolve("config.json");
        java.nio.file.Files.writeString(file, """
            {"architecture": "amd64", "os": "linux", "config": {"User": "1000", "Env": ["A=1", "NOEQ", "EMPTY="]},
             "rootfs": {"type": "layers", "diff_ids": []}}
            """);
        Document d = only(load(file));
        Value.MapV env = map(at(d.view("image"), "config", "env"));
        assertEquals("1", str(env.get("A")));
        assertEquals("", str(env.get("EMPTY")));
        assertTrue(env.entries().containsKey("NOEQ"));
        assertTrue(env.get("NOEQ") instanceof Value.Null, env.toString());
        assertEquals(1, env.get("NOEQ").span().line());
        Value.MapV noeq = map(((Value.ListV) map(((Value.ListV) d.view("containers")).items().get(0)).get("env")).items().get(1));
        assertTrue(noeq.get("value") instanceof Value.Null, noeq.toString());
    }

    @Test
    void readsAGrypeReport() {
        LoadResult r = load(fixture("grype.json"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertEquals("example/app:1.0", d.resource().name());
        assertEquals(MANIFEST, str(at(d.view("image"), "digest")));
        List<Value> vulns = ((Value.ListV) d.view("vulnerabilities")).items();
        assertEquals("MEDIUM", str(map(vulns.get(0)).get("severity")));
        assertTrue(Values.isTrue(map(vulns.get(0)).get("fixable")));
        assertEquals("3.1.4-r6", str(map(vulns.get(0)).get("fixedVersion")));
        assertEquals(Values.FALSE.value(), ((Value.Bool) map(vulns.get(1)).get("fixable")).value());
        assertEquals("busybox", str(map(vulns.get(1)).get("packageName")));
        assertEquals("1.36.1-r15", str(map(vulns.get(1)).get("installedVersion")));
        assertEquals(Values.NULL, d.view("containers"));
    }

    @Test
    void readsACycloneDxSbom() {
        LoadResult r = load(fixture("cyclonedx.json"));
        assertEquals(List.of(), r.diagnostics());
        Document d = only(r);
        assertEquals("example/app:1.0", d.resource().name());
        Value sbom = d.view("sbom");
        assertEquals("1.5", str(at(sbom, "specVersion")));
        List<Value> components = ((Value.ListV) at(sbom, "components")).items();
        assertEquals(2, components.size());
        assertEquals("pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1", str(map(components.get(0)).get("purl")));
        assertEquals("operating-system", str(map(components.get(1)).get("type")));
        assertEquals(Values.NULL, map(components.get(1)).get("purl"));
        assertEquals(Values.NULL, d.view("vulnerabilities"));
    }

    @Test
    void kubernetesJsonIsNotImageMetadata() {
        String json = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\"\n}\n";
        LoadResult r = new ImageLoader().load(InputSource.ofText("pod.json", json), LoadOptions.defaults());
        assertTrue(r.documents().isEmpty());
        Diagnostic d = errors(r).get(0);
        assertEquals("I4001", d.code());
        assertEquals("pod.json", d.span().file());
        assertEquals(1, d.span().line());
    }

    @Test
    void unknownViewIsNull() {
        Document d = only(load(fixture("skopeo-inspect-config.json")));
        assertNull(new ImageFacts().view("nope"));
        assertEquals(Values.NULL, d.view("nope"));
        assertFalse(d.view("image") instanceof Value.Null);
    }
}
