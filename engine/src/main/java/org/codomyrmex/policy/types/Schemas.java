package org.codomyrmex.policy.types;

import org.codomyrmex.policy.model.InputKind;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models of the inputs as the checker sees them: named object types and, for each input kind, the views
 * a rule can name ({@code containers}, {@code resource}, ...). Read from the {@code .schema} files listed in
 * {@code org/codomyrmex/policy/schema/index}, so each input format keeps its model beside its loader.
 *
 * <pre>
 * type SecurityContext "Security options of a container" {
 *   privileged: bool "Runs the container as privileged"
 *   capabilities: Capabilities
 * }
 * type KubeContainer extends Container { securityContext: SecurityContext }
 * input kubernetes { containers: list&lt;KubeContainer&gt; "Every container, init and ephemeral too" }
 * </pre>
 */
public final class Schemas {
    private static final String BASE = "org/codomyrmex/policy/schema/";
    private static volatile Schemas standard;

    private final Map<String, ObjectType> types;
    private final Map<InputKind, Map<String, ObjectType.Field>> views;

    private Schemas(Map<String, ObjectType> types, Map<InputKind, Map<String, ObjectType.Field>> views) {
        this.types = Collections.unmodifiableMap(types);
        this.views = Collections.unmodifiableMap(views);
    }

    /** The schemas shipped with the engine, loaded once. */
    public static Schemas standard() {
        Schemas s = standard;
        if (s == null) {
            synchronized (Schemas.class) {
                s = standard;
                if (s == null) {
                    standard = s = loadStandard();
                }
            }
        }
        return s;
    }

    private static Schemas loadStandard() {
        List<String[]> files = new ArrayList<>();
        for (String line : resource(BASE + "index").split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) continue;
            files.add(new String[] {name, resource(BASE + name)});
        }
        return parse(files);
    }

    private static String resource(String path) {
        try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing schema resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses schema files given as {name, text} pairs. Errors in shipped schemas are programming errors. */
    public static Schemas parse(List<String[]> files) {
        SchemaParser parser = new SchemaParser();
        for (String[] f : files) parser.parse(f[0], f[1]);
        return parser.finish();
    }

    public Optional<ObjectType> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public Map<String, ObjectType> types() {
        return types;
    }

    /** The views a rule sees for one input kind, by name. */
    public Map<String, ObjectType.Field> views(InputKind kind) {
        return views.getOrDefault(kind, Map.of());
    }

    /** Every view name of any input kind (for suggestions). */
    public List<String> allViewNames() {
        List<String> names = new ArrayList<>();
        for (Map<String, ObjectType.Field> m : views.values()) {
            for (String n : m.keySet()) if (!names.contains(n)) names.add(n);
        }
        return names;
    }

    /** A small hand-written parser for the schema files. */
    private static final class SchemaParser {
        private final Map<String, ObjectType> types = new LinkedHashMap<>();
        private final Map<String, List<String[]>> pendingFields = new LinkedHashMap<>();
        private final Map<String, String> parents = new LinkedHashMap<>();
        private final Map<InputKind, List<String[]>> pendingViews = new EnumMap<>(InputKind.class);
        private String file;
        private List<String> tokens;
        private int pos;

        void parse(String fileName, String text) {
            this.file = fileName;
            this.tokens = tokenize(text);
            this.pos = 0;
            while (pos < tokens.size()) {
                String kw = next();
                switch (kw) {
                    case "type" -> parseType();
                    case "input" -> parseInput();
                    default -> fail("expected 'type' or 'input', found '" + kw + "'");
                }
            }
        }

        private void parseType() {
            String name = next();
            String parent = null;
            String doc = "";
            if (peek().equals("extends")) {
                next();
                parent = next();
            }
            if (peek().startsWith("\"")) doc = unquote(next());
            if (types.containsKey(name)) fail("type " + name + " defined twice");
            types.put(name, new ObjectType(name, doc));
            if (parent != null) parents.put(name, parent);
            pendingFields.put(name, parseFields());
        }

        /** {@code input KIND { ... }}, or {@code input all { ... }} for views every kind has. */
        private void parseInput() {
            String kindName = next();
            if (kindName.equals("all")) {
                List<String[]> fields = parseFields();
                for (InputKind k : InputKind.values()) pendingViews.computeIfAbsent(k, x -> new ArrayList<>()).addAll(fields);
                return;
            }
            InputKind kind = InputKind.parse(kindName).orElseThrow(() -> error("unknown input kind " + kindName));
            pendingViews.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(parseFields());
        }

        private List<String[]> parseFields() {
            expect("{");
            List<String[]> fields = new ArrayList<>();
            while (!peek().equals("}")) {
                String fieldName = next();
                expect(":");
                String type = next();
                String doc = peek().startsWith("\"") ? unquote(next()) : "";
                fields.add(new String[] {fieldName, type, doc});
            }
            expect("}");
            return fields;
        }

        Schemas finish() {
            // Parents first, so a child starts with its parent's fields and may override them.
            List<String> done = new ArrayList<>();
            for (String name : types.keySet()) fill(name, done, new ArrayList<>());
            Map<InputKind, Map<String, ObjectType.Field>> views = new EnumMap<>(InputKind.class);
            for (Map.Entry<InputKind, List<String[]>> e : pendingViews.entrySet()) {
                Map<String, ObjectType.Field> m = new LinkedHashMap<>();
                for (String[] f : e.getValue()) m.put(f[0], new ObjectType.Field(f[0], resolve(f[1]), f[2]));
                views.put(e.getKey(), Collections.unmodifiableMap(m));
            }
            types.values().forEach(ObjectType::freeze);
            return new Schemas(types, views);
        }

        private void fill(String name, List<String> done, List<String> visiting) {
            if (done.contains(name)) return;
            if (visiting.contains(name)) throw new IllegalStateException("schema: cyclic extends at " + name);
            visiting.add(name);
            ObjectType t = types.get(name);
            String parent = parents.get(name);
            if (parent != null) {
                if (!types.containsKey(parent)) throw new IllegalStateException("schema: unknown parent " + parent);
                fill(parent, done, visiting);
                t.setParent(types.get(parent));
                types.get(parent).fields().values().forEach(t::addField);
            }
            for (String[] f : pendingFields.get(name)) t.addField(new ObjectType.Field(f[0], resolve(f[1]), f[2]));
            done.add(name);
        }

        private Type resolve(String spec) {
            spec = spec.strip();
            if (spec.startsWith("list<") && spec.endsWith(">")) return Type.list(resolve(spec.substring(5, spec.length() - 1)));
            if (spec.startsWith("map<") && spec.endsWith(">")) return Type.map(resolve(spec.substring(4, spec.length() - 1)));
            return switch (spec) {
                case "any" -> Type.ANY;
                case "bool" -> Type.BOOL;
                case "int" -> Type.INT;
                case "float" -> Type.FLOAT;
                case "string" -> Type.STRING;
                default -> {
                    ObjectType t = types.get(spec);
                    if (t == null) throw new IllegalStateException("schema: unknown type '" + spec + "'");
                    yield t;
                }
            };
        }

        private static List<String> tokenize(String text) {
            List<String> out = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < text.length() && text.charAt(i) != '\n') i++;
                } else if (c == '"') {
                    int j = text.indexOf('"', i + 1);
                    if (j < 0) throw new IllegalStateException("schema: unterminated string");
                    out.add(text.substring(i, j + 1));
                    i = j + 1;
                } else if (c == '{' || c == '}' || c == ':') {
                    out.add(String.valueOf(c));
                    i++;
                } else {
                    int j = i;
                    int depth = 0;
                    while (j < text.length()) {
                        char d = text.charAt(j);
                        if (d == '<') depth++;
                        if (d == '>') depth--;
                        if (depth == 0 && (Character.isWhitespace(d) || d == '{' || d == '}' || d == ':' || d == '"')) break;
                        j++;
                    }
                    out.add(text.substring(i, j));
                    i = j;
                }
            }
            return out;
        }

        private String next() {
            if (pos >= tokens.size()) fail("unexpected end of file");
            return tokens.get(pos++);
        }

        private String peek() {
            return pos < tokens.size() ? tokens.get(pos) : "";
        }

        private void expect(String s) {
            String t = next();
            if (!t.equals(s)) fail("expected '" + s + "', found '" + t + "'");
        }

        private static String unquote(String s) {
            return s.substring(1, s.length() - 1);
        }

        private IllegalStateException error(String message) {
            return new IllegalStateException("schema " + file + ": " + message);
        }

        private void fail(String message) {
            throw error(message);
        }
    }
}
