package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputLoader;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.json.JsonLoader;
import org.codomyrmex.policy.input.yaml.YamlLoader;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests: a YAML or JSON stream of objects (several documents, {@code kind: List} and any
 * {@code *List} with {@code items}), Helm output on standard input, a directory of manifests, or a kustomization
 * directory rendered with {@code kubectl kustomize}. Each object becomes one document whose views are declared
 * in {@code kubernetes.schema}.
 */
public final class KubernetesLoader implements InputLoader {
    /** How long {@code kubectl kustomize} may run before it is stopped. */
    public static final Duration KUSTOMIZE_TIMEOUT = Duration.ofSeconds(60);
    /** The most values one YAML document may expand to (aliases included). */
    private static final int MAX_VALUES = 2_000_000;

    @Override
    public InputKind kind() {
        return InputKind.KUBERNETES;
    }

    @Override
    public LoadResult load(InputSource source, LoadOptions options) {
        if (source.path().isPresent() && Files.isDirectory(source.path().get())) {
            Path dir = source.path().get();
            if (Kustomize.kustomizationFile(dir).isPresent()) return loadKustomization(dir, options);
            return loadDirectory(source.name(), dir, options);
        }
        byte[] bytes;
        try {
            bytes = source.content().read();
        } catch (IOException | RuntimeException e) {
            return LoadResult.failed(Diagnostic.error("K1001", "cannot read " + source.name() + ": " + e.getMessage(),
                Span.of(source.name(), 1, 1)));
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (bytes.length > options.maxFileBytes()) {
            return LoadResult.failed(Diagnostic.error("K1002", source.name() + " has " + bytes.length
                + " bytes, more than the limit of " + options.maxFileBytes(), Span.of(source.name(), 1, 1)));
        }
        String text = decode(bytes, source.name(), diagnostics);
        LoadResult r = loadText(source.name(), text, options);
        diagnostics.addAll(r.diagnostics());
        return new LoadResult(r.documents(), diagnostics);
    }

    /**
     * Renders a kustomization directory with {@code kubectl kustomize DIR} (within {@link #KUSTOMIZE_TIMEOUT})
     * and reads the output as one stream named {@code kustomize:DIR}: spans point into the rendered stream,
     * not into the files kustomize read.
     */
    public static LoadResult loadKustomization(Path dir, LoadOptions options) {
        return Kustomize.render(dir, options, KUSTOMIZE_TIMEOUT);
    }

    /** Reads a manifest stream held in memory; {@code name} names it in spans. */
    public static LoadResult loadText(String name, String text, LoadOptions options) {
        SourceFile source = new SourceFile(name, text);
        // SnakeYAML counts aliases over the whole stream, not per document: its default of 100 ended a long
        // multi-document stream halfway. Aliases are not expanded while composing, and the values they expand to
        // count against maxValues (the alias-bomb guard), so the alias count is bounded by that budget alone.
        YamlLoader.Options yamlOptions = new YamlLoader.Options(YamlLoader.Profile.KUBERNETES, MAX_VALUES,
            options.maxDepth(), MAX_VALUES, options.maxDocuments(), (int) Math.min(Integer.MAX_VALUE, Math.max(options.maxFileBytes(), 1)));
        List<Value> values;
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (looksLikeJson(name, text)) {
            // As kubectl does: JSON when it looks like JSON. Content that only starts like JSON (a YAML flow
            // mapping on standard input) is read as YAML when it is not valid JSON but is valid YAML.
            JsonLoader.StreamResult json = JsonLoader.loadStream(source,
                new JsonLoader.Options(options.maxFileBytes(), options.maxDepth(), 2_000_000), options.maxDocuments());
            values = json.values();
            diagnostics.addAll(json.diagnostics());
            if (json.diagnostics().stream().anyMatch(Diagnostic::isError) && !name.toLowerCase(Locale.ROOT).endsWith(".json")) {
                YamlLoader.Result yaml = YamlLoader.load(source, yamlOptions);
                if (yaml.diagnostics().stream().noneMatch(Diagnostic::isError)) {
                    values = yaml.documents();
                    diagnostics = new ArrayList<>(yaml.diagnostics());
                }
            }
        } else {
            YamlLoader.Result yaml = YamlLoader.load(source, yamlOptions);
            values = yaml.documents();
            diagnostics.addAll(yaml.diagnostics());
        }
        List<Document> documents = new ArrayList<>();
        for (Value doc : values) {
            reportNonFinite(doc, diagnostics);
            collect(doc, source, documents, diagnostics, options, 0, "", null);
        }
        return new LoadResult(documents, diagnostics);
    }

    /**
     * kubectl sends objects as JSON, which has no infinity and no NaN: a YAML {@code .inf} or {@code .nan}
     * (or a JSON number beyond the float range, such as {@code 1e999}) anywhere in an object makes kubectl refuse
     * it. Each is reported where it is written; shared (aliased) collections are visited once.
     */
    private static void reportNonFinite(Value root, List<Diagnostic> diagnostics) {
        Values.forEachLeaf(root, v -> {
            if (v instanceof Value.Float f && !Double.isFinite(f.value())) {
                diagnostics.add(Diagnostic.error("K1014", (Double.isNaN(f.value()) ? "NaN (not a number)" : "an infinite number")
                    + ", which JSON cannot hold; kubectl refuses the object", f.span(), "quote it if it is meant as text"));
            }
        });
    }

    static boolean looksLikeJson(String name, String text) {
        if (name.toLowerCase(Locale.ROOT).endsWith(".json")) return true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\uFEFF' || Character.isWhitespace(c)) continue;
            return c == '{' || c == '[';
        }
        return false;
    }

    /**
     * One object, or the items of a list object, into documents. {@code list} is the typed list ({@code PodList})
     * holding {@code doc}, if any: the API server writes such lists without each item's kind and apiVersion, and
     * kubectl gives an item that has neither the list's apiVersion and its kind without "List".
     */
    private static void collect(Value doc, SourceFile source, List<Document> out, List<Diagnostic> diagnostics,
                                LoadOptions options, int listDepth, String where, Value.MapV list) {
        if (!(doc instanceof Value.MapV written)) {
            diagnostics.add(Diagnostic.error("K1010", where + "a Kubernetes object must be a mapping, found "
                + Values.withArticle(doc.typeName()) + "; it is skipped", doc.span()));
            return;
        }
        Value.MapV obj = list == null ? written : withKindOfList(written, list);
        Value kind = obj.get("kind");
        Value apiVersion = obj.get("apiVersion");
        if (!(kind instanceof Value.Str k) || k.value().isBlank() || !(apiVersion instanceof Value.Str av) || av.value().isBlank()) {
            String missing = !(kind instanceof Value.Str ks) || ks.value().isBlank()
                ? (!(apiVersion instanceof Value.Str as) || as.value().isBlank() ? "apiVersion and kind" : "kind")
                : "apiVersion";
            diagnostics.add(Diagnostic.warning("K1011", where + "this document has no " + missing
                    + " (or not as a string), so it is not a Kubernetes object; it is skipped", obj.span(),
                "every object needs apiVersion and kind, e.g. apiVersion: v1, kind: Pod"));
            return;
        }
        if (k.value().endsWith("List") && obj.get("items") instanceof Value.ListV items) {
            if (listDepth >= 8) {
                diagnostics.add(Diagnostic.error("K1012", "lists nested deeper than 8 levels; the inner items are skipped", obj.span()));
                return;
            }
            for (int i = 0; i < items.items().size(); i++) {
                collect(items.items().get(i), source, out, diagnostics, options, listDepth + 1,
                    k.value() + " item " + (i + 1) + ": ", obj);
            }
            return;
        }
        if (out.size() >= options.maxDocuments()) {
            if (out.size() == options.maxDocuments()) {
                diagnostics.add(Diagnostic.error("K1013", "more than " + options.maxDocuments()
                    + " objects; the rest is not read", obj.span()));
            }
            return;
        }
        out.add(document(obj, k.value(), av.value(), source, diagnostics));
    }

    /** As apimachinery's UnstructuredList: an item with neither kind nor apiVersion takes them from its typed list. */
    private static Value.MapV withKindOfList(Value.MapV item, Value.MapV list) {
        if (!(list.get("kind") instanceof Value.Str listKind) || !(list.get("apiVersion") instanceof Value.Str listApiVersion)) return item;
        String itemKind = listKind.value().substring(0, listKind.value().length() - "List".length());
        if (itemKind.isEmpty() || isNonEmptyString(item.get("kind")) || isNonEmptyString(item.get("apiVersion"))) return item;
        java.util.Map<String, Value> entries = new java.util.LinkedHashMap<>();
        java.util.Map<String, Span> keySpans = new java.util.HashMap<>();
        entries.put("apiVersion", listApiVersion);
        keySpans.put("apiVersion", list.keySpan("apiVersion"));
        entries.put("kind", new Value.Str(itemKind, listKind.span()));
        keySpans.put("kind", list.keySpan("kind"));
        for (java.util.Map.Entry<String, Value> e : item.entries().entrySet()) {
            if (entries.containsKey(e.getKey())) continue;
            entries.put(e.getKey(), e.getValue());
            keySpans.put(e.getKey(), item.keySpan(e.getKey()));
        }
        return new Value.MapV(entries, keySpans, item.span());
    }

    private static boolean isNonEmptyString(Value v) {
        return v instanceof Value.Str s && !s.value().isEmpty();
    }

    private static Document document(Value.MapV obj, String kind, String apiVersion, SourceFile source,
                                     List<Diagnostic> diagnostics) {
        KubeViews views = KubeViews.of(obj, kind, apiVersion, source, diagnostics);
        String namespace = views.view("namespace") instanceof Value.Str s ? s.value() : "";
        String name = views.view("name") instanceof Value.Str s ? s.value() : "";
        Resource resource = new Resource(InputKind.KUBERNETES, kind, namespace, name, obj.span());
        List<Resource> parts = new ArrayList<>();
        for (Value.MapV c : views.containers()) {
            String cName = c.get("name") instanceof Value.Str s ? s.value() : "";
            parts.add(new Resource(InputKind.KUBERNETES, "container", namespace, cName, c.span()));
        }
        return new Document(InputKind.KUBERNETES, source, obj, resource, parts, views::view);
    }

    /** As {@code kubectl apply -f DIR}: the .yaml, .yml and .json files of the directory, in name order. */
    private static LoadResult loadDirectory(String name, Path dir, LoadOptions options) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
            }).sorted().toList();
        } catch (IOException e) {
            return LoadResult.failed(Diagnostic.error("K1001", "cannot list directory " + name + ": " + e.getMessage(),
                Span.of(name, 1, 1)));
        }
        List<Document> documents = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (files.isEmpty()) {
            diagnostics.add(Diagnostic.warning("K1003", "directory " + name + " holds no .yaml, .yml or .json file"
                + " and no kustomization", Span.of(name, 1, 1)));
        }
        KubernetesLoader loader = new KubernetesLoader();
        for (Path f : files) {
            String fileName = name.endsWith("/") ? name + f.getFileName() : name + "/" + f.getFileName();
            LoadResult r = loader.load(InputSource.ofPath(fileName, f), options);
            documents.addAll(r.documents());
            diagnostics.addAll(r.diagnostics());
        }
        return new LoadResult(documents, diagnostics);
    }

    /** UTF-8 (with or without BOM) or UTF-16 with a BOM, as YAML allows; invalid bytes are reported. */
    static String decode(byte[] bytes, String name, List<Diagnostic> diagnostics) {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            skip = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, skip, bytes.length - skip);
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in).toString();
        } catch (CharacterCodingException e) {
            String text = new String(bytes, skip, bytes.length - skip, charset);
            int bad = text.indexOf('\uFFFD');
            SourceFile sf = new SourceFile(name, text);
            Span at = bad >= 0 ? sf.span(bad, bad) : Span.of(name, 1, 1);
            diagnostics.add(Diagnostic.error("K1004", name + " is not valid " + charset.name()
                + " text; invalid bytes are read as U+FFFD", at));
            return text;
        }
    }
}
