package org.codomyrmex.policy.input.image;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recognizes the JSON an image tool writes, by its shape, and gathers its facts: {@code docker inspect} and
 * {@code podman inspect} (arrays of image objects), {@code skopeo inspect}, an OCI image config (also what
 * {@code skopeo inspect --config} prints), a Trivy report, a Grype report and a CycloneDX SBOM.
 */
final class ImageJson {
    private static final int MAX_COMPONENT_DEPTH = 16;

    private ImageJson() {
    }

    /** The images the JSON describes; a diagnostic when it is none of the known shapes. */
    static List<ImageFacts> read(Value root, SourceFile source, List<Diagnostic> diagnostics) {
        List<ImageFacts> out = new ArrayList<>();
        if (root instanceof Value.ListV list) {
            for (Value item : list.items()) {
                if (item instanceof Value.MapV m && isContainer(m)) {
                    diagnostics.add(containerNotImage(m));
                } else if (item instanceof Value.MapV m && isInspect(m)) {
                    out.add(inspect(m, source));
                } else {
                    diagnostics.add(Diagnostic.error("I4002", "expected an image object of `docker inspect` output "
                        + "(with Id, RepoTags, Config, RootFS)", item.span()));
                }
            }
            if (list.items().isEmpty()) {
                diagnostics.add(Diagnostic.warning("I4003", "empty inspect output: no image", list.span()));
            }
            return out;
        }
        if (!(root instanceof Value.MapV m)) {
            diagnostics.add(notImage(root));
            return out;
        }
        ImageFacts f;
        if (m.get("bomFormat") instanceof Value.Str s && s.value().equals("CycloneDX")) {
            f = cyclonedx(m);
        } else if (m.entries().containsKey("SchemaVersion") && (m.entries().containsKey("Results") || m.entries().containsKey("ArtifactName"))) {
            f = trivy(m);
        } else if (m.get("matches") instanceof Value.ListV && (m.entries().containsKey("source") || m.entries().containsKey("descriptor"))) {
            f = grype(m);
        } else if (isContainer(m)) {
            diagnostics.add(containerNotImage(m));
            return out;
        } else if (isInspect(m)) {
            f = inspect(m, source);
        } else if (m.entries().containsKey("Digest") && m.get("Layers") instanceof Value.ListV) {
            f = skopeo(m);
            diagnostics.add(Diagnostic.warning("I4041", "`skopeo inspect` without --config shows only the image's "
                + "environment and labels: its user, entry point, command, ports, volumes and health check are not "
                + "known here, and rules about them do not judge this image", m.span(),
                "run `skopeo inspect --config` to check the image's whole config"));
        } else if (m.get("rootfs") instanceof Value.MapV || (m.get("config") instanceof Value.MapV && m.entries().containsKey("architecture"))) {
            f = new ImageFacts();
            f.format = "oci-config";
            ociConfig(f, m);
            f.layers = diffIdLayers(m.get("rootfs") instanceof Value.MapV r ? r.get("diff_ids") : Values.NULL);
        } else {
            diagnostics.add(notImage(root));
            return out;
        }
        f.source = source;
        f.raw = m;
        if (!f.span.isKnown()) f.span = m.span();
        out.add(f);
        return out;
    }

    private static Diagnostic notImage(Value root) {
        return Diagnostic.error("I4001", "not image metadata: expected docker/podman/skopeo inspect output, an OCI "
            + "image config, a Trivy or Grype JSON report or a CycloneDX JSON SBOM", root.span(),
            "Kubernetes and compose files are read as --kind k8s or --kind compose");
    }

    /**
     * {@code docker inspect CONTAINER} (or podman's): an Id and a Config like an image's, but also the
     * container's State and HostConfig. Read as an image it would be named by the container's id and its
     * runtime settings (privileged, mounts, network) silently ignored, so it is refused instead.
     */
    private static boolean isContainer(Value.MapV m) {
        return m.entries().containsKey("Id") && m.get("HostConfig") instanceof Value.MapV
            && m.entries().containsKey("State") && !m.entries().containsKey("RepoTags");
    }

    private static Diagnostic containerNotImage(Value.MapV m) {
        return Diagnostic.error("I4043", "this is `docker inspect` of a container, not of an image: a container's "
            + "runtime settings (HostConfig) are not checked", m.span(),
            "inspect its image instead (`docker image inspect IMAGE`), and check the manifest or compose file "
            + "that starts the container");
    }

    private static boolean isInspect(Value.MapV m) {
        return m.entries().containsKey("Id") && (m.entries().containsKey("RepoTags") || m.entries().containsKey("Config")
            || m.entries().containsKey("RootFS"));
    }

    /** One image object of {@code docker inspect} / {@code podman inspect}. */
    private static ImageFacts inspect(Value.MapV m, SourceFile source) {
        ImageFacts f = new ImageFacts();
        boolean podman = m.entries().containsKey("NamesHistory") || m.entries().containsKey("History")
            || m.entries().containsKey("ManifestType");
        f.format = podman ? "podman-inspect" : "docker-inspect";
        f.source = source;
        f.span = m.span();
        f.raw = m;
        f.id = ImageFacts.strOrNull(m.get("Id"));
        f.repoTags = m.get("RepoTags");
        f.repoDigests = m.get("RepoDigests");
        f.reference = first(m.get("RepoTags"));
        Value repoDigest = first(m.get("RepoDigests"));
        if (Values.isNull(f.reference)) f.reference = repoDigest;
        f.digest = m.get("Digest") instanceof Value.Str d ? d : afterAt(repoDigest);
        f.created = created(m.get("Created"));
        f.author = ImageFacts.strOrNull(m.get("Author"));
        f.architecture = ImageFacts.strOrNull(m.get("Architecture"));
        f.os = ImageFacts.strOrNull(m.get("Os"));
        f.variant = ImageFacts.strOrNull(m.get("Variant"));
        f.runConfig = m.get("Config") instanceof Value.MapV c ? c : Values.NULL;
        if (podman && f.runConfig instanceof Value.MapV c && m.get("Healthcheck") instanceof Value.MapV health
            && !c.entries().containsKey("Healthcheck")) {
            f.runConfig = withHealthcheck(c, health, m.keySpan("Healthcheck"));
        }
        f.labels = f.runConfig instanceof Value.MapV c && c.get("Labels") instanceof Value.MapV l ? l : m.get("Labels");
        f.history = m.get("History");
        f.layers = diffIdLayers(m.get("RootFS") instanceof Value.MapV r ? r.get("Layers") : Values.NULL);
        return f;
    }

    /**
     * Podman's Config is an OCI image config, which has no Healthcheck: {@code podman inspect} shows an image's
     * HEALTHCHECK as a top-level Healthcheck, so it joins the run config where Docker keeps it.
     */
    private static Value.MapV withHealthcheck(Value.MapV config, Value.MapV health, Span keyAt) {
        Map<String, Value> entries = new LinkedHashMap<>(config.entries());
        entries.put("Healthcheck", health);
        Map<String, Span> keys = new LinkedHashMap<>(config.keySpans());
        keys.put("Healthcheck", keyAt);
        return new Value.MapV(entries, keys, config.span());
    }

    /** {@code skopeo inspect} (without --config): manifest digest, tags, labels, env and layer digests. */
    private static ImageFacts skopeo(Value.MapV m) {
        ImageFacts f = new ImageFacts();
        f.format = "skopeo-inspect";
        f.digest = ImageFacts.strOrNull(m.get("Digest"));
        // Name is the repository without a tag (docker.io/library/nginx), and RepoTags lists every tag of that
        // repository, not the tags of this image: the image is the repository at its digest. Read as they were,
        // the name looked like an image on the implicit latest tag, and each tag ("1.27") like an image of its own.
        Value name = ImageFacts.strOrNull(m.get("Name"));
        f.repoTags = Values.NULL;
        if (name instanceof Value.Str n && f.digest instanceof Value.Str d && !n.value().isEmpty() && !n.value().contains("@")) {
            f.reference = new Value.Str(n.value() + "@" + d.value(), n.span());
        } else {
            f.reference = name;
        }
        f.created = created(m.get("Created"));
        f.architecture = ImageFacts.strOrNull(m.get("Architecture"));
        f.os = ImageFacts.strOrNull(m.get("Os"));
        f.variant = ImageFacts.strOrNull(m.get("Variant"));
        f.labels = m.get("Labels");
        Map<String, Value> run = new LinkedHashMap<>();
        if (!Values.isNull(m.get("Env"))) run.put("Env", m.get("Env"));
        if (!Values.isNull(m.get("Labels"))) run.put("Labels", m.get("Labels"));
        f.runConfig = new Value.MapV(run, m.keySpans(), m.span());
        f.partialConfig = true;
        f.layers = new ArrayList<>();
        if (m.get("LayersData") instanceof Value.ListV data) {
            for (Value item : data.items()) {
                if (!(item instanceof Value.MapV l)) continue;
                f.layers.add(new ImageFacts.LayerFacts(ImageFacts.strOrNull(l.get("Digest")), Values.NULL,
                    ImageFacts.ints(l.get("Size")), ImageFacts.strOrNull(l.get("MIMEType")), List.of(), false, false));
            }
        } else if (m.get("Layers") instanceof Value.ListV layers) {
            for (Value item : layers.items()) {
                f.layers.add(new ImageFacts.LayerFacts(ImageFacts.strOrNull(item), Values.NULL, Values.NULL, Values.NULL,
                    List.of(), false, false));
            }
        }
        return f;
    }

    /** The fields of an OCI image config (lower-case keys); also Trivy's Metadata.ImageConfig. */
    static void ociConfig(ImageFacts f, Value.MapV m) {
        f.created = created(m.get("created"));
        f.author = ImageFacts.strOrNull(m.get("author"));
        f.architecture = ImageFacts.strOrNull(m.get("architecture"));
        f.os = ImageFacts.strOrNull(m.get("os"));
        f.variant = ImageFacts.strOrNull(m.get("variant"));
        f.runConfig = m.get("config") instanceof Value.MapV c ? c : Values.NULL;
        f.labels = f.runConfig instanceof Value.MapV c ? c.get("Labels") : Values.NULL;
        f.history = m.get("history");
    }

    private static List<ImageFacts.LayerFacts> diffIdLayers(Value diffIds) {
        if (!(diffIds instanceof Value.ListV list)) return null;
        List<ImageFacts.LayerFacts> out = new ArrayList<>();
        for (Value d : list.items()) {
            out.add(new ImageFacts.LayerFacts(Values.NULL, ImageFacts.strOrNull(d), Values.NULL, Values.NULL, List.of(), false, false));
        }
        return out;
    }

    /** Trivy JSON ({@code trivy image -f json}): Results[].Vulnerabilities[], and the image's metadata. */
    private static ImageFacts trivy(Value.MapV m) {
        ImageFacts f = new ImageFacts();
        f.format = "trivy";
        // A report of a folder, a repository or an SBOM (trivy fs/repo/sbom) names no image, and Trivy still
        // writes an empty Metadata.ImageConfig into it: only an image report (or an old one without
        // ArtifactType) describes an image.
        boolean image = !(m.get("ArtifactType") instanceof Value.Str type) || type.value().equals("container_image");
        if (!image) return trivyVulnerabilities(m, f);
        f.reference = ImageFacts.strOrNull(m.get("ArtifactName"));
        if (m.get("Metadata") instanceof Value.MapV meta) {
            f.id = ImageFacts.strOrNull(meta.get("ImageID"));
            f.repoTags = meta.get("RepoTags");
            f.repoDigests = meta.get("RepoDigests");
            f.digest = afterAt(first(meta.get("RepoDigests")));
            if (meta.get("ImageConfig") instanceof Value.MapV config) ociConfig(f, config);
        }
        return trivyVulnerabilities(m, f);
    }

    private static ImageFacts trivyVulnerabilities(Value.MapV m, ImageFacts f) {
        List<Value> vulns = new ArrayList<>();
        if (m.get("Results") instanceof Value.ListV results) {
            for (Value r : results.items()) {
                if (!(r instanceof Value.MapV result) || !(result.get("Vulnerabilities") instanceof Value.ListV list)) continue;
                for (Value v : list.items()) {
                    if (!(v instanceof Value.MapV x)) continue;
                    Value fixed = nonEmpty(x.get("FixedVersion"));
                    Map<String, Value> o = new LinkedHashMap<>();
                    o.put("id", ImageFacts.strOrNull(x.get("VulnerabilityID")));
                    o.put("packageName", ImageFacts.strOrNull(x.get("PkgName")));
                    o.put("installedVersion", ImageFacts.strOrNull(x.get("InstalledVersion")));
                    o.put("fixedVersion", fixed);
                    o.put("severity", upper(x.get("Severity")));
                    o.put("fixable", Values.bool(!Values.isNull(fixed)));
                    o.put("title", ImageFacts.strOrNull(x.get("Title")));
                    o.put("scanner", Values.string("trivy"));
                    o.put("target", ImageFacts.strOrNull(result.get("Target")));
                    o.put("packageType", ImageFacts.strOrNull(result.get("Type")));
                    o.put("purl", x.get("PkgIdentifier") instanceof Value.MapV id ? ImageFacts.strOrNull(id.get("PURL")) : Values.NULL);
                    vulns.add(ImageFacts.obj(x.span(), o));
                }
            }
        }
        f.vulnerabilities = new Value.ListV(vulns, m.get("Results").span());
        return f;
    }

    /** Grype JSON ({@code grype -o json}): matches[] of a vulnerability and the artifact it was found in. */
    private static ImageFacts grype(Value.MapV m) {
        ImageFacts f = new ImageFacts();
        f.format = "grype";
        if (m.get("source") instanceof Value.MapV src && src.get("target") instanceof Value.MapV target) {
            f.reference = ImageFacts.strOrNull(target.get("userInput"));
            f.id = ImageFacts.strOrNull(target.get("imageID"));
            f.digest = ImageFacts.strOrNull(target.get("manifestDigest"));
            f.repoTags = target.get("tags");
            f.repoDigests = target.get("repoDigests");
            f.architecture = ImageFacts.strOrNull(target.get("architecture"));
            f.os = ImageFacts.strOrNull(target.get("os"));
        }
        List<Value> vulns = new ArrayList<>();
        Value.ListV matches = (Value.ListV) m.get("matches");
        for (Value item : matches.items()) {
            if (!(item instanceof Value.MapV match)) continue;
            Value.MapV vuln = match.get("vulnerability") instanceof Value.MapV v ? v : Values.EMPTY_MAP;
            Value.MapV artifact = match.get("artifact") instanceof Value.MapV a ? a : Values.EMPTY_MAP;
            Value fixed = Values.NULL;
            boolean fixable = false;
            if (vuln.get("fix") instanceof Value.MapV fix) {
                List<String> versions = new ArrayList<>();
                if (fix.get("versions") instanceof Value.ListV vs) {
                    for (Value x : vs.items()) if (x instanceof Value.Str s && !s.value().isEmpty()) versions.add(s.value());
                }
                fixable = !versions.isEmpty() && !(fix.get("state") instanceof Value.Str st && !st.value().equals("fixed"));
                if (!versions.isEmpty()) fixed = new Value.Str(String.join(", ", versions), fix.get("versions").span());
            }
            Map<String, Value> o = new LinkedHashMap<>();
            o.put("id", ImageFacts.strOrNull(vuln.get("id")));
            o.put("packageName", ImageFacts.strOrNull(artifact.get("name")));
            o.put("installedVersion", ImageFacts.strOrNull(artifact.get("version")));
            o.put("fixedVersion", fixed);
            o.put("severity", upper(vuln.get("severity")));
            o.put("fixable", Values.bool(fixable));
            o.put("title", ImageFacts.strOrNull(vuln.get("description")));
            o.put("scanner", Values.string("grype"));
            o.put("target", Values.NULL);
            o.put("packageType", ImageFacts.strOrNull(artifact.get("type")));
            o.put("purl", ImageFacts.strOrNull(artifact.get("purl")));
            vulns.add(ImageFacts.obj(match.span(), o));
        }
        f.vulnerabilities = new Value.ListV(vulns, matches.span());
        return f;
    }

    /** CycloneDX JSON: the components (nested ones flattened), and the image named by metadata.component. */
    private static ImageFacts cyclonedx(Value.MapV m) {
        ImageFacts f = new ImageFacts();
        f.format = "cyclonedx";
        // The SBOM's subject is an image only when it is a component of type container: `syft dir:.` or
        // `trivy fs` describe a folder or an application (type file, application), which has no image reference.
        if (m.get("metadata") instanceof Value.MapV meta && meta.get("component") instanceof Value.MapV c
            && !(c.get("type") instanceof Value.Str type && !type.value().equals("container"))) {
            f.reference = ImageFacts.strOrNull(c.get("name"));
            if (c.get("version") instanceof Value.Str v && v.value().startsWith("sha256:")) f.digest = v;
        }
        List<Value> components = new ArrayList<>();
        components(m.get("components"), components, 0);
        Map<String, Value> sbom = new LinkedHashMap<>();
        sbom.put("format", Values.string("CycloneDX"));
        sbom.put("specVersion", ImageFacts.strOrNull(m.get("specVersion")));
        sbom.put("components", new Value.ListV(components, m.get("components").span()));
        f.sbom = ImageFacts.obj(m.span(), sbom);
        return f;
    }

    private static void components(Value list, List<Value> out, int depth) {
        if (!(list instanceof Value.ListV l) || depth > MAX_COMPONENT_DEPTH) return;
        for (Value item : l.items()) {
            if (!(item instanceof Value.MapV c)) continue;
            Map<String, Value> o = new LinkedHashMap<>();
            o.put("name", ImageFacts.strOrNull(c.get("name")));
            o.put("version", ImageFacts.strOrNull(c.get("version")));
            o.put("group", ImageFacts.strOrNull(c.get("group")));
            o.put("purl", ImageFacts.strOrNull(c.get("purl")));
            o.put("type", ImageFacts.strOrNull(c.get("type")));
            out.add(ImageFacts.obj(c.span(), o));
            components(c.get("components"), out, depth + 1);
        }
    }

    /**
     * The build time; Go's zero time ("0001-01-01T00:00:00Z"), which go-containerregistry tools (crane, Trivy)
     * write when an image has none, means unknown, not an image two thousand years old.
     */
    private static Value created(Value v) {
        return v instanceof Value.Str s && s.value().startsWith("0001-01-01T00:00:00") ? Values.NULL : ImageFacts.strOrNull(v);
    }

    private static Value first(Value v) {
        return v instanceof Value.ListV l && !l.items().isEmpty() && l.items().get(0) instanceof Value.Str s ? s : Values.NULL;
    }

    /** "nginx@sha256:ab…" → "sha256:ab…" at the same span. */
    private static Value afterAt(Value v) {
        if (!(v instanceof Value.Str s)) return Values.NULL;
        int at = s.value().indexOf('@');
        return at < 0 ? Values.NULL : new Value.Str(s.value().substring(at + 1), s.span());
    }

    private static Value nonEmpty(Value v) {
        return v instanceof Value.Str s && !s.value().isEmpty() ? s : Values.NULL;
    }

    private static Value upper(Value v) {
        return v instanceof Value.Str s ? new Value.Str(s.value().toUpperCase(Locale.ROOT), s.span()) : Values.NULL;
    }
}
