package org.codomyrmex.policy.input;

import org.codomyrmex.policy.model.InputKind;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells which kind of input a file is, from its name first and its content when the name is not enough:
 * {@code Dockerfile}, {@code *.dockerfile}, {@code Containerfile}; {@code compose*.y*ml},
 * {@code docker-compose*.y*ml}; Kubernetes by {@code apiVersion}/{@code kind}; image JSON by shape; OCI
 * layout directories and {@code .tar} archives.
 */
public final class Detector {
    private static final Pattern COMPOSE_NAME = Pattern.compile("(docker-)?compose([.-][^/]*)?\\.ya?ml");
    private static final Pattern KUBE_KEYS = Pattern.compile("(?m)^(['\"]?apiVersion['\"]?\\s*:)");
    private static final Pattern KIND_KEY = Pattern.compile("(?m)^\\s*['\"]?kind['\"]?\\s*:");
    /** The keys in a YAML flow mapping ({@code {apiVersion: v1, kind: Pod}}), which is not JSON. */
    private static final Pattern FLOW_API_VERSION = Pattern.compile("[{,]\\s*['\"]?apiVersion['\"]?\\s*:");
    private static final Pattern FLOW_KIND = Pattern.compile("[{,]\\s*['\"]?kind['\"]?\\s*:");
    private static final Pattern SERVICES_KEY = Pattern.compile("(?m)^services\\s*:");
    private static final Pattern IMAGE_JSON = Pattern.compile(
        "\"(RepoTags|RepoDigests|rootfs|RootFS|Layers|SchemaVersion|ArtifactName|bomFormat|matches|LayersData)\"");

    private Detector() {
    }

    /** The kind of a file or directory, from its name and, if needed, its first 64 KiB. */
    public static Optional<InputKind> detect(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.exists(path.resolve("oci-layout"))) return Optional.of(InputKind.IMAGE);
            if (Files.exists(path.resolve("kustomization.yaml")) || Files.exists(path.resolve("kustomization.yml"))
                || Files.exists(path.resolve("Kustomization"))) {
                return Optional.of(InputKind.KUBERNETES);
            }
            return Optional.empty();
        }
        Optional<InputKind> byName = byName(path.getFileName() == null ? "" : path.getFileName().toString());
        if (byName.isPresent()) return byName;
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) return Optional.empty();
        try (var in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(64 * 1024);
            return byContent(text(head, head.length), name.endsWith(".json"));
        } catch (java.io.IOException e) {
            return Optional.empty(); // unreadable files are reported when they are loaded
        }
    }

    /** The kind a file name alone says, if it says one. */
    public static Optional<InputKind> byName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.equals("dockerfile") || name.equals("containerfile") || name.startsWith("dockerfile.")
            || name.startsWith("containerfile.") || name.endsWith(".dockerfile") || name.endsWith(".containerfile")) {
            return Optional.of(InputKind.DOCKERFILE);
        }
        if (COMPOSE_NAME.matcher(name).matches()) return Optional.of(InputKind.COMPOSE);
        if (name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz")) return Optional.of(InputKind.IMAGE);
        return Optional.empty();
    }

    /**
     * The first {@code length} bytes as text, in the encoding the loaders read: UTF-8, or UTF-16 when the bytes
     * start with its byte-order mark (as Windows PowerShell writes {@code kubectl get -o yaml > x.yaml}).
     */
    public static String text(byte[] bytes, int length) {
        int n = Math.min(bytes.length, length);
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) return new String(bytes, 2, n - 2, StandardCharsets.UTF_16BE);
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) return new String(bytes, 2, n - 2, StandardCharsets.UTF_16LE);
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** The kind of YAML or JSON text, from its top-level keys. */
    public static Optional<InputKind> byContent(String text, boolean json) {
        // A byte-order mark is not white space to Java, but it is not content either.
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        String t = text.stripLeading();
        if (t.startsWith("{") || t.startsWith("[")) {
            if (IMAGE_JSON.matcher(text).find() && !text.contains("\"apiVersion\"")) return Optional.of(InputKind.IMAGE);
            if (text.contains("\"apiVersion\"") && text.contains("\"kind\"")) return Optional.of(InputKind.KUBERNETES);
            if (text.contains("\"services\"")) return Optional.of(InputKind.COMPOSE);
            if (text.contains("\"Config\"") || text.contains("\"config\"")) return Optional.of(InputKind.IMAGE);
            if (!json && FLOW_API_VERSION.matcher(text).find() && FLOW_KIND.matcher(text).find()) {
                return Optional.of(InputKind.KUBERNETES);
            }
            return Optional.empty();
        }
        if (KUBE_KEYS.matcher(text).find() && KIND_KEY.matcher(text).find()) return Optional.of(InputKind.KUBERNETES);
        if (SERVICES_KEY.matcher(text).find()) return Optional.of(InputKind.COMPOSE);
        return Optional.empty();
    }
}
