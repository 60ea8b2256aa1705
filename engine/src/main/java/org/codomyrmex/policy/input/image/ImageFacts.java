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
 * What one input says about one image, gathered by the readers before views are built. Values keep the spans
 * of the JSON they came from; fields an input does not show stay {@link Values#NULL}. The views
 * ({@code image}, {@code history}, {@code layers}, {@code files}, {@code containers}, ...) are built on demand.
 */
final class ImageFacts {
    String format = "";
    SourceFile source;
    Span span = Span.NONE;
    /** The JSON the facts were read from (the inspect object, the report, the image config). */
    Value raw = Values.NULL;
    Value reference = Values.NULL;
    Value digest = Values.NULL;
    Value id = Values.NULL;
    Value repoTags = Values.NULL;
    Value repoDigests = Values.NULL;
    Value created = Values.NULL;
    Value author = Values.NULL;
    Value architecture = Values.NULL;
    Value os = Values.NULL;
    Value variant = Values.NULL;
    Value labels = Values.NULL;
    /** The run configuration: OCI config's {@code config} or docker inspect's {@code Config}. */
    Value runConfig = Values.NULL;
    /** History entries as written (OCI config {@code history}, podman inspect {@code History}). */
    Value history = Values.NULL;
    /** Layers when the input lists them; null when it does not. */
    List<LayerFacts> layers;
    /** The final filesystem, when layers were read. */
    List<LayerReader.Entry> files;
    Value vulnerabilities = Values.NULL;
    Value sbom = Values.NULL;
    /** os/architecture[/variant] when the image is one platform of a multi-platform index; empty otherwise. */
    String platform = "";
    /**
     * True when the input shows only part of the run config ({@code skopeo inspect} without {@code --config}
     * shows Env and Labels, nothing else): the fields it leaves out are unknown, not unset, so the views list
     * them in {@code unknown} and rules do not read a missing USER as root.
     */
    boolean partialConfig;

    /** The fields of the config view that a partial config does not show. */
    private static final List<String> UNKNOWN_CONFIG = List.of("user", "exposedPorts", "entrypoint", "cmd", "workingDir",
        "volumes", "healthcheck", "stopSignal", "onBuild", "shell");
    /** The same, as fields of the containers view. */
    private static final List<String> UNKNOWN_CONTAINER = List.of("user", "runAsUser", "runAsGroup", "command", "args",
        "workingDir", "ports", "mounts", "healthchecks", "stopSignal");

    /** One layer: what its descriptor says and, when its blob was read, its entries. */
    record LayerFacts(Value digest, Value diffId, Value size, Value mediaType, List<LayerReader.Entry> entries,
                      boolean read, boolean complete) {
    }

    /**
     * A name for the image in findings: its reference, else digest, else the input's name; with its platform when
     * it is one platform of several.
     */
    String name(String fallback) {
        String name = fallback;
        if (reference instanceof Value.Str s && !s.value().isEmpty()) name = s.value();
        else if (digest instanceof Value.Str s && !s.value().isEmpty()) name = s.value();
        else if (id instanceof Value.Str s && !s.value().isEmpty()) name = s.value();
        return platform.isEmpty() ? name : name + " (" + platform + ")";
    }

    Value view(String name) {
        return switch (name) {
            case "image" -> image();
            case "history" -> history();
            case "layers" -> layers();
            case "files" -> files == null ? Values.NULL : fileList(files);
            case "vulnerabilities" -> vulnerabilities;
            case "sbom" -> sbom;
            case "containers" -> containers();
            default -> null;
        };
    }

    private Value image() {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("format", Values.string(format));
        m.put("reference", reference);
        m.put("digest", digest);
        m.put("id", id);
        m.put("repoTags", strings(repoTags));
        m.put("repoDigests", strings(repoDigests));
        m.put("created", created);
        m.put("author", author);
        m.put("architecture", architecture);
        m.put("os", os);
        m.put("variant", variant);
        m.put("labels", stringMap(labels));
        m.put("config", config());
        return obj(span, m);
    }

    /** The JSON shape Docker and the OCI image spec give each field of a run config. */
    private enum Shape {
        STRING("a string"), OBJECT("an object"), STRINGS("a list of strings"),
        /** Docker's StrSlice: a list of strings, or one string. */
        STRING_OR_STRINGS("a list of strings");

        final String described;

        Shape(String described) {
            this.described = described;
        }
    }

    private static final Map<String, Shape> CONFIG_SHAPES = Map.ofEntries(
        Map.entry("User", Shape.STRING), Map.entry("WorkingDir", Shape.STRING), Map.entry("StopSignal", Shape.STRING),
        Map.entry("Env", Shape.STRINGS), Map.entry("OnBuild", Shape.STRINGS),
        Map.entry("Entrypoint", Shape.STRING_OR_STRINGS), Map.entry("Cmd", Shape.STRING_OR_STRINGS),
        Map.entry("Shell", Shape.STRING_OR_STRINGS),
        Map.entry("ExposedPorts", Shape.OBJECT), Map.entry("Volumes", Shape.OBJECT), Map.entry("Labels", Shape.OBJECT),
        Map.entry("Healthcheck", Shape.OBJECT));

    /**
     * Each field of the run config (and each item of its lists, each label) whose JSON type is not the one Docker
     * writes (null, which Docker writes for "none", is fine): Docker would refuse such a config, and the views read the value as absent, so rules such as "sets
     * no USER" would report it without saying why.
     */
    List<Diagnostic> configTypeErrors() {
        List<Diagnostic> out = new ArrayList<>();
        if (!(runConfig instanceof Value.MapV c)) return out;
        for (Map.Entry<String, Value> field : c.entries().entrySet()) {
            Shape shape = CONFIG_SHAPES.get(field.getKey());
            Value v = field.getValue();
            if (shape == null || v instanceof Value.Null) continue;
            boolean fits = switch (shape) {
                case STRING -> v instanceof Value.Str;
                case OBJECT -> v instanceof Value.MapV;
                case STRINGS -> v instanceof Value.ListV;
                case STRING_OR_STRINGS -> v instanceof Value.ListV || v instanceof Value.Str;
            };
            if (!fits) {
                out.add(typeError("'" + field.getKey() + "' in the image config must be " + shape.described, v));
            } else if (v instanceof Value.ListV list) {
                for (Value item : list.items()) {
                    if (!(item instanceof Value.Str) && !(item instanceof Value.Null)) out.add(typeError("each item of '" + field.getKey() + "' must be a string", item));
                }
            }
        }
        if (labels instanceof Value.MapV l) {
            for (Map.Entry<String, Value> label : l.entries().entrySet()) {
                if (!(label.getValue() instanceof Value.Str) && !(label.getValue() instanceof Value.Null)) {
                    out.add(typeError("label '" + label.getKey() + "' must be a string", label.getValue()));
                }
            }
        }
        return out;
    }

    private static Diagnostic typeError(String must, Value found) {
        return Diagnostic.error("I4037", must + ", found " + Values.withArticle(found.typeName()) + "; rules see it as absent", found.span());
    }

    private Value config() {
        if (!(runConfig instanceof Value.MapV c)) return Values.NULL;
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("user", strOrNull(c.get("User")));
        m.put("env", envMap(c.get("Env")));
        m.put("exposedPorts", keys(c.get("ExposedPorts")));
        m.put("entrypoint", strings(c.get("Entrypoint")));
        m.put("cmd", strings(c.get("Cmd")));
        m.put("workingDir", strOrNull(c.get("WorkingDir")));
        m.put("volumes", keys(c.get("Volumes")));
        m.put("healthcheck", healthcheckConfig(c.get("Healthcheck")));
        m.put("stopSignal", strOrNull(c.get("StopSignal")));
        m.put("onBuild", strings(c.get("OnBuild")));
        m.put("shell", strings(c.get("Shell")));
        m.put("unknown", unknown(partialConfig ? UNKNOWN_CONFIG : List.of(), c.span()));
        return obj(c.span(), m);
    }

    private static Value healthcheckConfig(Value v) {
        if (!(v instanceof Value.MapV h)) return Values.NULL;
        Map<String, Value> m = new LinkedHashMap<>();
        Value test = strings(h.get("Test"));
        m.put("test", test);
        m.put("disabled", test instanceof Value.ListV l && !l.items().isEmpty()
            && Values.display(l.items().get(0)).equals("NONE") ? Values.TRUE : Values.FALSE);
        m.put("interval", ints(h.get("Interval")));
        m.put("timeout", ints(h.get("Timeout")));
        m.put("startPeriod", ints(h.get("StartPeriod")));
        m.put("startInterval", ints(h.get("StartInterval")));
        m.put("retries", ints(h.get("Retries")));
        return obj(h.span(), m);
    }

    private Value history() {
        if (!(history instanceof Value.ListV list)) return Values.NULL;
        List<Value> out = new ArrayList<>();
        int layer = 0;
        for (Value item : list.items()) {
            if (!(item instanceof Value.MapV h)) continue;
            boolean empty = Values.isTrue(h.get("empty_layer"));
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("created", strOrNull(h.get("created")));
            m.put("created_by", strOrNull(h.get("created_by")));
            m.put("empty_layer", h.get("empty_layer") instanceof Value.Bool b ? b : Values.FALSE);
            m.put("author", strOrNull(h.get("author")));
            m.put("comment", strOrNull(h.get("comment")));
            m.put("layer", empty ? Values.NULL : Values.integer(layer++));
            out.add(obj(h.span(), m));
        }
        return new Value.ListV(out, list.span());
    }

    private Value layers() {
        if (layers == null) return Values.NULL;
        List<String> createdBy = layerCommands();
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerFacts l = layers.get(i);
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("index", Values.integer(i));
            m.put("digest", l.digest());
            m.put("diffId", l.diffId());
            m.put("size", l.size());
            m.put("mediaType", l.mediaType());
            m.put("createdBy", i < createdBy.size() && createdBy.get(i) != null ? Values.string(createdBy.get(i)) : Values.NULL);
            m.put("files", l.read() ? fileList(l.entries()) : Values.NULL);
            m.put("complete", Values.bool(l.complete()));
            out.add(obj(l.digest().span(), m));
        }
        return Values.list(out);
    }

    /** created_by of the history entries that made a layer, in layer order. */
    private List<String> layerCommands() {
        List<String> out = new ArrayList<>();
        if (!(history instanceof Value.ListV list)) return out;
        for (Value item : list.items()) {
            if (item instanceof Value.MapV h && !Values.isTrue(h.get("empty_layer"))) {
                out.add(h.get("created_by") instanceof Value.Str s ? s.value() : null);
            }
        }
        return out;
    }

    private static Value fileList(List<LayerReader.Entry> entries) {
        List<Value> out = new ArrayList<>(entries.size());
        for (LayerReader.Entry e : entries) out.add(file(e));
        return Values.list(out);
    }

    private static Value file(LayerReader.Entry e) {
        boolean regularish = e.type().equals("file") || e.type().equals("dir") || e.type().equals("hardlink");
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("path", Values.string(e.path()));
        m.put("type", Values.string(e.type()));
        m.put("mode", Values.integer(e.mode()));
        m.put("uid", Values.integer(e.uid()));
        m.put("gid", Values.integer(e.gid()));
        m.put("size", Values.integer(e.size()));
        m.put("setuid", Values.bool(regularish && (e.mode() & 04000) != 0));
        m.put("setgid", Values.bool(regularish && (e.mode() & 02000) != 0));
        m.put("sticky", Values.bool(e.type().equals("dir") && (e.mode() & 01000) != 0));
        m.put("worldWritable", Values.bool(regularish && (e.mode() & 0002) != 0));
        m.put("isSymlink", Values.bool(e.type().equals("symlink")));
        m.put("linkTarget", e.linkTarget().<Value>map(Values::string).orElse(Values.NULL));
        m.put("content", e.content().<Value>map(Values::string).orElse(Values.NULL));
        m.put("layer", Values.integer(e.layer()));
        return Values.map(m);
    }

    /** The unified container view: what a container started from this image runs with, unless overridden. */
    private Value containers() {
        if (!(runConfig instanceof Value.MapV c)) return Values.NULL;
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("kind", Values.string("image"));
        m.put("name", reference);
        m.put("image", reference);
        m.put("command", strings(c.get("Entrypoint")));
        m.put("args", strings(c.get("Cmd")));
        m.put("workingDir", strOrNull(c.get("WorkingDir")));
        Value user = strOrNull(c.get("User"));
        m.put("user", user instanceof Value.Str s && s.value().isEmpty() ? Values.NULL : user);
        m.put("runAsUser", userPart(user, 0));
        m.put("runAsGroup", userPart(user, 1));
        m.put("env", envList(c.get("Env")));
        m.put("ports", ports(c.get("ExposedPorts")));
        m.put("mounts", volumeMounts(c.get("Volumes")));
        Value health = healthcheckConfig(c.get("Healthcheck"));
        if (health instanceof Value.MapV h) {
            Map<String, Value> hc = new LinkedHashMap<>();
            hc.put("kind", Values.string("healthcheck"));
            hc.put("test", c.get("Healthcheck") instanceof Value.MapV raw ? raw.get("Test") : Values.NULL);
            hc.put("disabled", h.get("disabled"));
            m.put("healthchecks", Values.list(List.of(obj(h.span(), hc))));
        } else {
            m.put("healthchecks", Values.EMPTY_LIST);
        }
        m.put("labels", stringMap(labels));
        m.put("stopSignal", strOrNull(c.get("StopSignal")));
        m.put("unknown", unknown(partialConfig ? UNKNOWN_CONTAINER : List.of(), c.span()));
        return Values.list(List.of(obj(c.span(), m)));
    }

    private static Value unknown(List<String> fields, Span span) {
        List<Value> out = new ArrayList<>();
        for (String f : fields) out.add(Values.string(f));
        return new Value.ListV(out, span);
    }

    /** "1000", "1000:1000", "app:staff": the numeric user (part 0) or group (part 1), when numeric. */
    private static Value userPart(Value user, int part) {
        if (!(user instanceof Value.Str s) || s.value().isEmpty()) return Values.NULL;
        String[] parts = s.value().split(":", 2);
        if (part >= parts.length || !parts[part].matches("[0-9]{1,9}")) return Values.NULL;
        return new Value.Int(Long.parseLong(parts[part]), s.span());
    }

    private static Value envMap(Value env) {
        if (!(env instanceof Value.ListV list)) return Values.NULL;
        Map<String, Value> m = new LinkedHashMap<>();
        Map<String, Span> keys = new LinkedHashMap<>();
        for (Value item : list.items()) {
            if (!(item instanceof Value.Str s)) continue;
            int eq = s.value().indexOf('=');
            String name = eq < 0 ? s.value() : s.value().substring(0, eq);
            // "NAME" without '=' gives the process no variable NAME (getenv and shells skip it): no value, as
            // the containers view says, rather than an empty one.
            m.put(name, eq < 0 ? new Value.Null(s.span()) : new Value.Str(s.value().substring(eq + 1), s.span()));
            keys.put(name, s.span());
        }
        return new Value.MapV(m, keys, list.span());
    }

    private static Value envList(Value env) {
        if (!(env instanceof Value.ListV list)) return Values.EMPTY_LIST;
        List<Value> out = new ArrayList<>();
        for (Value item : list.items()) {
            if (!(item instanceof Value.Str s)) continue;
            int eq = s.value().indexOf('=');
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("name", new Value.Str(eq < 0 ? s.value() : s.value().substring(0, eq), s.span()));
            m.put("value", eq < 0 ? Values.NULL : new Value.Str(s.value().substring(eq + 1), s.span()));
            m.put("fromSecret", Values.FALSE);
            out.add(obj(s.span(), m));
        }
        return new Value.ListV(out, list.span());
    }

    /** ExposedPorts {"8080/tcp": {}} as Port objects. */
    private static Value ports(Value exposed) {
        if (!(exposed instanceof Value.MapV map)) return Values.EMPTY_LIST;
        List<Value> out = new ArrayList<>();
        for (String key : map.entries().keySet()) {
            Span at = map.keySpan(key);
            String[] parts = key.split("/", 2);
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("containerPort", parts[0].matches("[0-9]{1,5}") ? new Value.Int(Long.parseLong(parts[0]), at) : Values.NULL);
            m.put("protocol", new Value.Str(parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "TCP", at));
            out.add(obj(at, m));
        }
        return new Value.ListV(out, map.span());
    }

    private static Value volumeMounts(Value volumes) {
        if (!(volumes instanceof Value.MapV map)) return Values.EMPTY_LIST;
        List<Value> out = new ArrayList<>();
        for (String key : map.entries().keySet()) {
            Span at = map.keySpan(key);
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("type", Values.string("volume"));
            m.put("target", new Value.Str(key, at));
            m.put("hostPath", Values.FALSE);
            out.add(obj(at, m));
        }
        return new Value.ListV(out, map.span());
    }

    /** The keys of a JSON object as strings at their spans (ExposedPorts, Volumes). */
    private static Value keys(Value v) {
        if (!(v instanceof Value.MapV map)) return Values.NULL;
        List<Value> out = new ArrayList<>();
        for (String key : map.entries().keySet()) out.add(new Value.Str(key, map.keySpan(key)));
        return new Value.ListV(out, map.span());
    }

    /** A list of strings; anything else in it is dropped, a lone string becomes a one-item list. */
    static Value strings(Value v) {
        if (v instanceof Value.Str s) return new Value.ListV(List.of(s), s.span());
        if (!(v instanceof Value.ListV list)) return Values.NULL;
        List<Value> out = new ArrayList<>();
        for (Value item : list.items()) if (item instanceof Value.Str) out.add(item);
        return new Value.ListV(out, list.span());
    }

    static Value stringMap(Value v) {
        if (!(v instanceof Value.MapV map)) return Values.NULL;
        Map<String, Value> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : map.entries().entrySet()) {
            if (e.getValue() instanceof Value.Str) out.put(e.getKey(), e.getValue());
        }
        return new Value.MapV(out, map.keySpans(), map.span());
    }

    static Value strOrNull(Value v) {
        return v instanceof Value.Str ? v : Values.NULL;
    }

    static Value ints(Value v) {
        if (v instanceof Value.Int) return v;
        if (v instanceof Value.Float f && f.value() == Math.rint(f.value())) return new Value.Int((long) f.value(), f.span());
        return Values.NULL;
    }

    static Value.MapV obj(Span span, Map<String, Value> entries) {
        return new Value.MapV(entries, Map.of(), span);
    }
}
