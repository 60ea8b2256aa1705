package org.codomyrmex.policy.model;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The entries of a {@link Value.MapV}: an unmodifiable copy in insertion order. A map value made from another's
 * entries (moved to a new span, rebuilt by a view) shares them instead of copying them again, which loading and
 * views do for every node.
 */
final class FrozenEntries extends AbstractMap<String, Value> {
    private final Map<String, Value> map;

    private FrozenEntries(Map<String, Value> map) {
        this.map = map;
    }

    static FrozenEntries of(Map<String, Value> entries) {
        return entries instanceof FrozenEntries f ? f : new FrozenEntries(new LinkedHashMap<>(entries));
    }

    @Override
    public Value get(Object key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public Set<Entry<String, Value>> entrySet() {
        return Collections.unmodifiableMap(map).entrySet();
    }

    @Override
    public Set<String> keySet() {
        return Collections.unmodifiableSet(map.keySet());
    }

    @Override
    public Collection<Value> values() {
        return Collections.unmodifiableCollection(map.values());
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Value> action) {
        map.forEach(action);
    }
}
