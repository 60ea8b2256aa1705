package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merging compose files ({@code -f base.yml -f override.yml}) and {@code extends}, by the rules of the Compose
 * Specification's merge section: mappings merge recursively and the override wins for scalars; {@code command},
 * {@code entrypoint} and {@code healthcheck.test} are replaced; {@code environment}, {@code labels} and the other
 * key/value lists merge by key; {@code volumes} and {@code devices} merge by target, {@code secrets} and
 * {@code configs} by target (else source); {@code ports}, {@code expose}, {@code dns} and the other lists of
 * unique items are appended without duplicates; any other list is appended.
 *
 * <p>{@code !reset} on a value of a later file removes what the earlier files set; {@code !override} replaces
 * it without merging. Every value keeps its own span, so a value the override sets points at the override file's line.
 */
final class ComposeMerge {
    private final ComposeTags tags;

    ComposeMerge(ComposeTags tags) {
        this.tags = tags;
    }

    private static final Set<String> REPLACED = Set.of("command", "entrypoint");
    private static final Set<String> BY_KEY = Set.of("environment", "labels", "annotations", "sysctls", "extra_hosts");
    private static final Set<String> UNIQUE = Set.of("ports", "expose", "dns", "dns_search", "dns_opt", "tmpfs",
        "cap_add", "cap_drop", "group_add", "security_opt", "external_links", "volumes_from", "links", "profiles",
        "env_file", "device_cgroup_rules");
    private static final Set<String> TOP_LEVEL_SECTIONS = Set.of("networks", "volumes", "secrets", "configs");

    /** Merges a whole compose file over another. */
    Value.MapV mergeFiles(Value.MapV base, Value.MapV override) {
        Map<String, Value> entries = new LinkedHashMap<>(base.entries());
        Map<String, Span> keySpans = new LinkedHashMap<>(base.keySpans());
        for (Map.Entry<String, Value> e : override.entries().entrySet()) {
            if (tagged(e.getKey(), e.getValue(), entries, keySpans, override)) continue;
            String key = e.getKey();
            Value over = e.getValue();
            Value old = entries.get(key);
            Value merged;
            if (old instanceof Value.MapV oldMap && over instanceof Value.MapV overMap) {
                if (key.equals("services")) {
                    merged = mergeEach(oldMap, overMap, true);
                } else if (TOP_LEVEL_SECTIONS.contains(key)) {
                    merged = mergeEach(oldMap, overMap, false);
                } else {
                    merged = deep(oldMap, overMap);
                }
            } else {
                merged = old == null || !(over instanceof Value.Null) ? over : old;
            }
            entries.put(key, merged);
            keySpans.put(key, override.keySpan(key));
        }
        return new Value.MapV(entries, keySpans, base.span());
    }

    /** Merges the items of a section by name (services, networks, ...). */
    private Value.MapV mergeEach(Value.MapV base, Value.MapV override, boolean services) {
        Map<String, Value> entries = new LinkedHashMap<>(base.entries());
        Map<String, Span> keySpans = new LinkedHashMap<>(base.keySpans());
        for (Map.Entry<String, Value> e : override.entries().entrySet()) {
            if (tagged(e.getKey(), e.getValue(), entries, keySpans, override)) continue;
            Value old = entries.get(e.getKey());
            Value over = e.getValue();
            Value merged;
            if (old instanceof Value.MapV oldMap && over instanceof Value.MapV overMap) {
                merged = services ? service(oldMap, overMap) : deep(oldMap, overMap);
                keySpans.putIfAbsent(e.getKey(), override.keySpan(e.getKey()));
            } else {
                merged = old == null || !(over instanceof Value.Null) ? over : old;
                keySpans.put(e.getKey(), override.keySpan(e.getKey()));
            }
            entries.put(e.getKey(), merged);
        }
        return new Value.MapV(entries, keySpans, base.span());
    }

    /** Merges one service definition over another (override files and {@code extends}). */
    Value.MapV service(Value.MapV base, Value.MapV override) {
        Map<String, Value> entries = new LinkedHashMap<>(base.entries());
        Map<String, Span> keySpans = new LinkedHashMap<>(base.keySpans());
        for (Map.Entry<String, Value> e : override.entries().entrySet()) {
            if (tagged(e.getKey(), e.getValue(), entries, keySpans, override)) continue;
            String key = e.getKey();
            Value over = e.getValue();
            Value old = entries.get(key);
            entries.put(key, old == null ? over : serviceField(key, old, over));
            keySpans.put(key, override.keySpan(key));
        }
        return new Value.MapV(entries, keySpans, base.span());
    }

    private Value serviceField(String key, Value old, Value over) {
        if (REPLACED.contains(key)) return over;
        if (key.equals("extra_hosts")) return shallow(hostsMap(old), hostsMap(over));
        if (BY_KEY.contains(key)) return shallow(keyValueMap(old), keyValueMap(over));
        if (UNIQUE.contains(key)) return appendUnique(asList(old), asList(over));
        switch (key) {
            case "volumes", "devices" -> {
                return byKey(asList(old), asList(over), ComposeMerge::mountTarget);
            }
            case "secrets", "configs" -> {
                return byKey(asList(old), asList(over), ComposeMerge::fileReferenceTarget);
            }
            case "networks", "depends_on" -> {
                return deep(namesToMap(old), namesToMap(over));
            }
            case "build" -> {
                Value.MapV a = buildMap(old);
                Value.MapV b = buildMap(over);
                if (a == null || b == null) return over;
                return deepWith(a, b, "build");
            }
            case "healthcheck" -> {
                if (old instanceof Value.MapV a && over instanceof Value.MapV b) return deepWith(a, b, "healthcheck");
                return over;
            }
            default -> {
                return generic(old, over);
            }
        }
    }

    private Value generic(Value old, Value over) {
        if (old instanceof Value.MapV a && over instanceof Value.MapV b) return deep(a, b);
        if (old instanceof Value.ListV a && over instanceof Value.ListV b) {
            List<Value> items = new ArrayList<>(a.items());
            items.addAll(b.items());
            return new Value.ListV(items, b.span());
        }
        return over;
    }

    /** Recursive merge of two mappings: the override wins for scalars, lists are appended. */
    Value.MapV deep(Value.MapV base, Value.MapV override) {
        return deepWith(base, override, "");
    }

    private Value.MapV deepWith(Value.MapV base, Value.MapV override, String context) {
        Map<String, Value> entries = new LinkedHashMap<>(base.entries());
        Map<String, Span> keySpans = new LinkedHashMap<>(base.keySpans());
        for (Map.Entry<String, Value> e : override.entries().entrySet()) {
            if (tagged(e.getKey(), e.getValue(), entries, keySpans, override)) continue;
            String key = e.getKey();
            Value old = entries.get(key);
            Value over = e.getValue();
            Value merged;
            if (old == null) {
                merged = over;
            } else if (context.equals("healthcheck") && key.equals("test")) {
                merged = over;
            } else if (context.equals("build") && key.equals("args")) {
                merged = shallow(keyValueMap(old), keyValueMap(over));
            } else {
                merged = generic(old, over);
            }
            entries.put(key, merged);
            keySpans.put(key, override.keySpan(key));
        }
        return new Value.MapV(entries, keySpans, base.span());
    }

    private Value.MapV shallow(Value.MapV base, Value.MapV override) {
        Map<String, Value> entries = new LinkedHashMap<>(base.entries());
        Map<String, Span> keySpans = new LinkedHashMap<>(base.keySpans());
        for (Map.Entry<String, Value> e : override.entries().entrySet()) {
            if (tagged(e.getKey(), e.getValue(), entries, keySpans, override)) continue;
            entries.put(e.getKey(), e.getValue());
            keySpans.put(e.getKey(), override.keySpan(e.getKey()));
        }
        return new Value.MapV(entries, keySpans, override.span());
    }

    /**
     * Applies {@code !reset} (the key is removed) and {@code !override} (the value replaces the old one); true when
     * the entry was handled.
     */
    private boolean tagged(String key, Value over, Map<String, Value> entries, Map<String, Span> keySpans, Value.MapV override) {
        if (tags.isReset(over)) {
            entries.remove(key);
            return true;
        }
        if (tags.isOverride(over)) {
            entries.put(key, over);
            keySpans.put(key, override.keySpan(key));
            return true;
        }
        return false;
    }

    /** The tree without the entries and items marked {@code !reset} (left where no earlier value was reset). */
    Value stripResets(Value v) {
        if (!tags.any()) return v;
        if (v instanceof Value.MapV m) {
            Map<String, Value> entries = new LinkedHashMap<>();
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                if (!tags.isReset(e.getValue())) entries.put(e.getKey(), stripResets(e.getValue()));
            }
            return new Value.MapV(entries, m.keySpans(), m.span());
        }
        if (v instanceof Value.ListV l) {
            List<Value> items = new ArrayList<>();
            for (Value item : l.items()) if (!tags.isReset(item)) items.add(stripResets(item));
            return new Value.ListV(items, l.span());
        }
        return v;
    }

    /**
     * A key/value setting in either form as a mapping: {@code [K=V, K]} becomes {@code {K: V, K: null}}, each
     * value keeping the span of its list item.
     */
    static Value.MapV keyValueMap(Value v) {
        return keyValueMap(v, false);
    }

    /**
     * {@code extra_hosts} as a mapping of host names: its items may also be written {@code host:ip} (the first
     * ':' ends the name, so {@code host:::1} is an IPv6 address), and Compose merges them by host.
     */
    static Value.MapV hostsMap(Value v) {
        return keyValueMap(v, true);
    }

    private static Value.MapV keyValueMap(Value v, boolean hosts) {
        if (v instanceof Value.MapV m) return m;
        Map<String, Value> entries = new LinkedHashMap<>();
        Map<String, Span> keySpans = new LinkedHashMap<>();
        if (v instanceof Value.ListV l) {
            for (Value item : l.items()) {
                String text = ComposeSyntax.text(item);
                if (text == null) continue;
                int eq = text.indexOf('=');
                if (eq < 0 && hosts) eq = text.indexOf(':');
                String key = eq < 0 ? text : text.substring(0, eq);
                Value value = eq < 0 ? new Value.Null(item.span()) : new Value.Str(text.substring(eq + 1), item.span());
                entries.remove(key);
                entries.put(key, value);
                keySpans.put(key, item.span());
            }
        }
        return new Value.MapV(entries, keySpans, v.span());
    }

    private static Value.MapV namesToMap(Value v) {
        if (v instanceof Value.MapV m) return m;
        Map<String, Value> entries = new LinkedHashMap<>();
        Map<String, Span> keySpans = new LinkedHashMap<>();
        if (v instanceof Value.ListV l) {
            for (Value item : l.items()) {
                String name = ComposeSyntax.text(item);
                if (name == null) continue;
                entries.put(name, new Value.Null(item.span()));
                keySpans.put(name, item.span());
            }
        }
        return new Value.MapV(entries, keySpans, v.span());
    }

    private static Value.MapV buildMap(Value v) {
        if (v instanceof Value.MapV m) return m;
        if (v instanceof Value.Str s) {
            return new Value.MapV(Map.of("context", s), Map.of("context", s.span()), s.span());
        }
        return null;
    }

    private static Value.ListV asList(Value v) {
        if (v instanceof Value.ListV l) return l;
        if (v instanceof Value.Null) return new Value.ListV(List.of(), v.span());
        return new Value.ListV(List.of(v), v.span());
    }

    private static Value.ListV appendUnique(Value.ListV base, Value.ListV override) {
        List<Value> items = new ArrayList<>(base.items());
        for (Value v : override.items()) {
            boolean seen = false;
            for (Value have : items) {
                if (Values.equal(have, v)) {
                    seen = true;
                    break;
                }
            }
            if (!seen) items.add(v);
        }
        return new Value.ListV(items, override.span());
    }

    /** Items with the same key are replaced by the override's, in place; others are appended. */
    private static Value.ListV byKey(Value.ListV base, Value.ListV override, java.util.function.Function<Value, String> key) {
        List<Value> items = new ArrayList<>(base.items());
        for (Value v : override.items()) {
            String k = key.apply(v);
            int at = -1;
            for (int i = 0; i < items.size(); i++) {
                if (k.equals(key.apply(items.get(i)))) {
                    at = i;
                    break;
                }
            }
            if (at >= 0) items.set(at, v); else items.add(v);
        }
        return new Value.ListV(items, override.span());
    }

    /** The container path of a volume or device, in short or long syntax. */
    static String mountTarget(Value v) {
        if (v instanceof Value.MapV m) {
            String target = ComposeSyntax.text(m.get("target"));
            return target != null ? target : Values.literal(v);
        }
        String text = ComposeSyntax.text(v);
        if (text == null) return Values.literal(v);
        return ComposeSyntax.shortVolume(text).map(ComposeSyntax.ShortVolume::target).orElse(text);
    }

    private static String fileReferenceTarget(Value v) {
        if (v instanceof Value.MapV m) {
            String target = ComposeSyntax.text(m.get("target"));
            if (target != null) return target;
            String source = ComposeSyntax.text(m.get("source"));
            return source != null ? source : Values.literal(v);
        }
        String text = ComposeSyntax.text(v);
        return text != null ? text : Values.literal(v);
    }
}
