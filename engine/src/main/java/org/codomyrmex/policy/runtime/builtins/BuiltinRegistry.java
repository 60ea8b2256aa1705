package org.codomyrmex.policy.runtime.builtins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of builtins. Each category class registers its functions here; the checker reads the
 * signatures, the compiler binds calls to the implementations once, docs and completion read the docs.
 */
public final class BuiltinRegistry {
    private final Map<String, Builtin> byName;

    private BuiltinRegistry(Map<String, Builtin> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * The standard table, built on first use. Some builtins declare result types from the schemas
     * ({@code ImageRef}, {@code PortSpec}), so building it loads {@link org.codomyrmex.policy.types.Schemas};
     * the holder class keeps that out of this class's static initialization.
     */
    public static BuiltinRegistry standard() {
        return Holder.STANDARD;
    }

    private static final class Holder {
        static final BuiltinRegistry STANDARD = build();
    }

    public Optional<Builtin> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Builtin> all() {
        return byName.values();
    }

    /** The builtins in table order, grouped by category (categories in order of first registration). */
    public Map<String, List<Builtin>> byCategory() {
        Map<String, List<Builtin>> out = new LinkedHashMap<>();
        for (Builtin b : byName.values()) out.computeIfAbsent(b.category(), k -> new ArrayList<>()).add(b);
        return out;
    }

    /** The reference of every builtin as Markdown: a section per category, a table row per function. */
    public static String markdownTable() {
        return BuiltinDocs.markdown(standard());
    }

    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    private static BuiltinRegistry build() {
        Map<String, Builtin> table = new LinkedHashMap<>();
        java.util.function.Consumer<Builtin> add = b -> {
            if (table.put(b.name(), b) != null) throw new IllegalStateException("builtin registered twice: " + b.name());
        };
        CoreBuiltins.register(add);
        StringBuiltins.register(add);
        ConversionBuiltins.register(add);
        RegexBuiltins.register(add);
        GlobBuiltins.register(add);
        CollectionBuiltins.register(add);
        NumberBuiltins.register(add);
        QuantityBuiltins.register(add);
        ImageBuiltins.register(add);
        PortBuiltins.register(add);
        TimeBuiltins.register(add);
        EncodingBuiltins.register(add);
        KubernetesBuiltins.register(add);
        return new BuiltinRegistry(table);
    }
}
