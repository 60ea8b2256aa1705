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
    private static final BuiltinRegistry STANDARD = build();

    private final Map<String, Builtin> byName;

    private BuiltinRegistry(Map<String, Builtin> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    public static BuiltinRegistry standard() {
        return STANDARD;
    }

    public Optional<Builtin> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Builtin> all() {
        return byName.values();
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
        return new BuiltinRegistry(table);
    }
}
