package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings a sub-tree of a manifest to the shape its schema type declares, the way the Kubernetes API server
 * would read it, and reports what the API server would reject:
 * <ul>
 *   <li>an integral float ({@code 1.0}, {@code 1e3}) where an int is expected is accepted silently, because
 *       kubectl turns YAML into JSON with the shortest number form ({@code 1});</li>
 *   <li>a number or boolean where a string is expected (a label {@code version: 1.0}, an env {@code value: 8080})
 *       is an error in Kubernetes; it is reported and read as the text written, so rules still see it;</li>
 *   <li>a string where an int or bool is expected is reported, and converted when it reads as one;</li>
 *   <li>anything else of the wrong shape is reported and replaced by null;</li>
 *   <li>a field the type does not declare is reported as a warning (with a "did you mean") and left out of the
 *       typed value, so a misspelt {@code securityContex} cannot hide from rules unnoticed.</li>
 * </ul>
 */
final class SchemaNormalizer {
    private final SourceFile source;
    private final List<Diagnostic> diagnostics;
    /**
     * Lists and maps already normalized, by identity and type. YAML aliases share one value among many uses;
     * normalizing each shared value once keeps an alias bomb from expanding here (and reports it once).
     */
    private final Map<Value, Map<Type, Value>> done = new IdentityHashMap<>();

    SchemaNormalizer(SourceFile source, List<Diagnostic> diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /** The value normalized to {@code type}; {@code path} names it in messages (e.g. {@code spec.template.spec}). */
    Value normalize(Value v, Type type, String path) {
        return normalize(v, type, path, true, 0);
    }

    /** As {@link #normalize(Value, Type, String)}, with unknown fields of the top object dropped silently when {@code warnUnknown} is false. */
    Value normalize(Value v, Type type, String path, boolean warnUnknown) {
        return normalize(v, type, path, warnUnknown, 0);
    }

    private Value normalize(Value v, Type type, String path, boolean warnUnknown, int depth) {
        if (v instanceof Value.Null || type instanceof Type.Any || depth > 100) return v;
        if (!(v instanceof Value.ListV || v instanceof Value.MapV)) return scalar(v, type, path);
        Map<Type, Value> byType = done.computeIfAbsent(v, k -> new HashMap<>());
        Value known = byType.get(type);
        if (known != null) return known;
        Value out = collection(v, type, path, warnUnknown, depth);
        byType.put(type, out);
        return out;
    }

    private Value scalar(Value v, Type type, String path) {
        if (type instanceof Type.Str) return toStr(v, path);
        if (type instanceof Type.Int) return toInt(v, path);
        if (type instanceof Type.Float) return toFloat(v, path);
        if (type instanceof Type.Bool) return toBool(v, path);
        return wrongShape(v, type instanceof Type.ListOf ? "a list" : "a mapping", path);
    }

    private Value collection(Value v, Type type, String path, boolean warnUnknown, int depth) {
        if (type instanceof Type.Str) return toStr(v, path);
        if (type instanceof Type.Int) return toInt(v, path);
        if (type instanceof Type.Float) return toFloat(v, path);
        if (type instanceof Type.Bool) return toBool(v, path);
        if (type instanceof Type.ListOf l) {
            if (!(v instanceof Value.ListV lv)) return wrongShape(v, "a list", path);
            // Most values are already what the schema says: the list is copied only from its first change.
            List<Value> items = null;
            for (int i = 0; i < lv.items().size(); i++) {
                Value item = lv.items().get(i);
                Value n = normalize(item, l.element(), path + "[" + i + "]", true, depth + 1);
                if (items == null && n != item) items = new ArrayList<>(lv.items().subList(0, i));
                if (items != null) items.add(n);
            }
            return items == null ? lv : new Value.ListV(items, lv.span());
        }
        if (type instanceof Type.MapOf m) {
            if (!(v instanceof Value.MapV mv)) return wrongShape(v, "a mapping", path);
            Map<String, Value> entries = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, Value> e : mv.entries().entrySet()) {
                Value n = normalize(e.getValue(), m.value(), path + "." + e.getKey(), true, depth + 1);
                changed |= n != e.getValue();
                entries.put(e.getKey(), n);
            }
            return changed ? new Value.MapV(entries, mv.keySpans(), mv.span()) : mv;
        }
        if (type instanceof ObjectType o) {
            if (!(v instanceof Value.MapV mv)) return wrongShape(v, "a mapping (" + o.name() + ")", path);
            Map<String, Value> entries = new LinkedHashMap<>();
            Map<String, Span> keySpans = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, Value> e : mv.entries().entrySet()) {
                String key = e.getKey();
                ObjectType.Field f = o.fields().get(key);
                String at = path.isEmpty() ? key : path + "." + key;
                if (f == null) {
                    changed = true;
                    if (warnUnknown) {
                        diagnostics.add(Diagnostic.warning("K2001", "unknown field '" + at + "': " + o.name()
                                + " has no field '" + key + "'; Kubernetes rejects or drops it, and rules do not see it",
                            mv.keySpan(key), Suggestions.hint(key, o.fields().keySet())));
                    }
                    continue;
                }
                Value n = normalize(e.getValue(), f.type(), at, true, depth + 1);
                changed |= n != e.getValue();
                entries.put(key, n);
                keySpans.put(key, mv.keySpan(key));
            }
            // Nothing dropped and nothing converted: the map itself is the normalized value (no second copy).
            return changed ? new Value.MapV(entries, keySpans, mv.span()) : mv;
        }
        return v;
    }

    private Value toStr(Value v, String path) {
        if (v instanceof Value.Str) return v;
        if (v instanceof Value.Int || v instanceof Value.Float || v instanceof Value.Bool) {
            String text = writtenText(v);
            diagnostics.add(Diagnostic.error("K2002", "'" + path + "' must be a string, found the " + v.typeName() + " "
                    + text + "; Kubernetes rejects it (read here as the string \"" + text + "\")", v.span(),
                "quote it: \"" + text + "\""));
            return new Value.Str(text, v.span());
        }
        return wrongShape(v, "a string", path);
    }

    private Value toInt(Value v, String path) {
        if (v instanceof Value.Int) return v;
        if (v instanceof Value.Float f && f.value() == Math.rint(f.value()) && Math.abs(f.value()) < 9.0e18) {
            return new Value.Int((long) f.value(), v.span());
        }
        if (v instanceof Value.Str s) {
            try {
                long n = Long.parseLong(s.value().strip());
                diagnostics.add(Diagnostic.error("K2003", "'" + path + "' must be a number, found the string \""
                    + s.value() + "\"; Kubernetes rejects it (read here as " + n + ")", v.span(), "remove the quotes"));
                return new Value.Int(n, v.span());
            } catch (NumberFormatException notANumber) {
                return wrongShape(v, "an integer", path);
            }
        }
        return wrongShape(v, "an integer", path);
    }

    private Value toFloat(Value v, String path) {
        if (v instanceof Value.Int || v instanceof Value.Float) return v;
        return wrongShape(v, "a number", path);
    }

    private Value toBool(Value v, String path) {
        if (v instanceof Value.Bool) return v;
        if (v instanceof Value.Str s && (s.value().equals("true") || s.value().equals("false"))) {
            diagnostics.add(Diagnostic.error("K2003", "'" + path + "' must be a boolean, found the string \""
                + s.value() + "\"; Kubernetes rejects it (read here as " + s.value() + ")", v.span(), "remove the quotes"));
            return new Value.Bool(s.value().equals("true"), v.span());
        }
        return wrongShape(v, "a boolean (true or false)", path);
    }

    private Value wrongShape(Value v, String expected, String path) {
        diagnostics.add(Diagnostic.error("K2004", "'" + path + "' must be " + expected + ", found " + describe(v)
            + "; Kubernetes rejects it, and rules see null here", v.span()));
        return new Value.Null(v.span());
    }

    private String describe(Value v) {
        if (v instanceof Value.ListV) return "a list";
        if (v instanceof Value.MapV) return "a mapping";
        return "the " + v.typeName() + " " + (v instanceof Value.Str s ? Values.quote(s.value()) : writtenText(v));
    }

    /** A node's span starts at its anchor and tag ({@code &v !!float 1.10}); the value is what follows them. */
    private static String withoutProperties(String written) {
        String t = written;
        while ((t.startsWith("&") || t.startsWith("!")) && t.indexOf(' ') > 0) t = t.substring(t.indexOf(' ')).strip();
        return t;
    }

    /** The scalar's text as written in the file (so {@code 1.10} stays {@code 1.10}), else its literal. */
    private String writtenText(Value v) {
        Span s = v.span();
        if (s.isKnown() && s.line() == s.endLine() && s.file().equals(source.name())) {
            String line = source.line(s.line());
            if (s.column() >= 1 && s.endColumn() <= line.length() && s.column() <= s.endColumn()) {
                return withoutProperties(line.substring(s.column() - 1, s.endColumn()));
            }
        }
        return Values.display(v);
    }
}
