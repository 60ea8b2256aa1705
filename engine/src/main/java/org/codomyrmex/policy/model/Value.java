package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Map;

/**
 * A value of the policy language, and a node of the document model: every value read from a file keeps the
 * span it came from, so a finding can point at it. Values computed at run time carry {@link Span#NONE}.
 * Equality in the language ignores spans: see {@code runtime.Values}.
 */
public sealed interface Value
    permits Value.Null, Value.Bool, Value.Int, Value.Float, Value.Str, Value.ListV, Value.MapV {

    Span span();

    /** The language's name of this value's type, used in messages. */
    String typeName();

    /** The same value, placed at another span (for values that moved, e.g. through a view). */
    Value at(Span span);

    record Null(Span span) implements Value {
        public String typeName() { return "null"; }
        public Value at(Span s) { return new Null(s); }
    }

    record Bool(boolean value, Span span) implements Value {
        public String typeName() { return "bool"; }
        public Value at(Span s) { return new Bool(value, s); }
    }

    record Int(long value, Span span) implements Value {
        public String typeName() { return "int"; }
        public Value at(Span s) { return new Int(value, s); }
    }

    record Float(double value, Span span) implements Value {
        public String typeName() { return "float"; }
        public Value at(Span s) { return new Float(value, s); }
    }

    record Str(String value, Span span) implements Value {
        public String typeName() { return "string"; }
        public Value at(Span s) { return new Str(value, s); }
    }

    record ListV(List<Value> items, Span span) implements Value {
        public ListV {
            items = List.copyOf(items);
        }
        public String typeName() { return "list"; }
        public Value at(Span s) { return new ListV(items, s); }
    }

    /**
     * A map with string keys in source order. {@code keySpans} holds where each key was written, so a
     * finding about an entry can point at its key.
     */
    record MapV(Map<String, Value> entries, Map<String, Span> keySpans, Span span) implements Value {
        public MapV {
            entries = FrozenEntries.of(entries);
            keySpans = Map.copyOf(keySpans);
        }
        public String typeName() { return "map"; }
        public Value at(Span s) { return new MapV(entries, keySpans, s); }

        /** The entry's value, or a null value placed at this map when absent. */
        public Value get(String key) {
            Value v = entries.get(key);
            return v != null ? v : Values.NULL;
        }

        public Span keySpan(String key) {
            Span s = keySpans.get(key);
            return s != null ? s : span;
        }
    }
}
