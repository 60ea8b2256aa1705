package org.codomyrmex.policy.runtime.builtins;

import java.util.function.Function;

/**
 * The last answers of a pure function, in a direct-mapped table: a key's slot holds the last key that landed
 * there and its answer. Scans ask builtins the same questions again and again (the same image reference, the
 * same variable name in every manifest), and a lookup costs less than RE2J's matching or parsing a reference.
 * Lock-free: slots hold immutable entries, and a write lost to another thread only costs a recomputation. A
 * null answer is not remembered.
 */
final class RecentAnswers<K, V> {
    private record Entry<K, V>(K key, V value) {
    }

    private final Entry<K, V>[] slots;

    /** @param size slots, a power of two */
    @SuppressWarnings("unchecked")
    RecentAnswers(int size) {
        if (Integer.bitCount(size) != 1) throw new IllegalArgumentException("size must be a power of two: " + size);
        this.slots = (Entry<K, V>[]) new Entry[size];
    }

    V answer(K key, Function<K, V> compute) {
        int i = key.hashCode() & (slots.length - 1);
        Entry<K, V> e = slots[i];
        if (e != null && e.key().equals(key)) return e.value();
        V v = compute.apply(key);
        if (v != null) slots[i] = new Entry<>(key, v);
        return v;
    }
}
