package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;
import static org.codomyrmex.policy.runtime.builtins.Args.variadic;

/**
 * Functions over lists and maps. Element comparisons use the language's equality (ints and floats compare by
 * value, spans are ignored). Ordering functions accept lists of numbers or lists of strings; a mixed list has
 * no order and gives null.
 */
final class CollectionBuiltins {
    static final String CATEGORY = "collections";

    private static final Type LIST = Type.list(Type.ANY);
    private static final Type MAP = Type.map(Type.ANY);

    private CollectionBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "keys", List.of(p("m", MAP)), Type.list(Type.STRING),
            "The keys of the map, in their order in the document.",
            "keys({\"app\": \"web\", \"tier\": \"front\"}) == [\"app\", \"tier\"]",
            a -> {
                Value.MapV m = Args.map(a[0]);
                if (m == null) return Values.NULL;
                List<Value> out = new ArrayList<>();
                for (String k : m.entries().keySet()) out.add(Values.string(k));
                return Values.list(out);
            }));
        add.accept(fn(CATEGORY, "values", List.of(p("m", MAP)), LIST,
            "The values of the map, in the order of its keys.",
            "values({\"a\": 1, \"b\": 2}) == [1, 2]",
            a -> {
                Value.MapV m = Args.map(a[0]);
                return m == null ? Values.NULL : Values.list(new ArrayList<>(m.entries().values()));
            }));
        add.accept(fn(CATEGORY, "entries", List.of(p("m", MAP)), Type.list(MAP),
            "The entries of the map as a list of `{key, value}` maps, in the order of its keys.",
            "entries({\"a\": 1}) == [{\"key\": \"a\", \"value\": 1}]",
            a -> {
                Value.MapV m = Args.map(a[0]);
                if (m == null) return Values.NULL;
                List<Value> out = new ArrayList<>();
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    Map<String, Value> entry = new LinkedHashMap<>();
                    entry.put("key", Values.string(e.getKey()).at(m.keySpan(e.getKey())));
                    entry.put("value", e.getValue());
                    out.add(Values.map(entry));
                }
                return Values.list(out);
            }));
        add.accept(fn(CATEGORY, "contains", List.of(p("collection", Type.ANY), p("item", Type.ANY)), Type.BOOL,
            "Whether a string contains a substring, a list contains an equal element, or a map has the key (even "
                + "when its value is null). Null for anything else.",
            "contains(\"docker.sock\", \"sock\") and contains([\"NET_RAW\"], \"NET_RAW\") "
                + "and contains({\"privileged\": null}, \"privileged\")",
            a -> {
                Value c = a[0], item = a[1];
                if (c instanceof Value.Str s) {
                    return item instanceof Value.Str part ? Values.bool(s.value().contains(part.value())) : Values.NULL;
                }
                if (c instanceof Value.ListV l) {
                    for (Value v : l.items()) if (Values.equal(v, item)) return Values.TRUE;
                    return Values.FALSE;
                }
                if (c instanceof Value.MapV m) {
                    return item instanceof Value.Str k ? Values.bool(m.entries().containsKey(k.value())) : Values.NULL;
                }
                return Values.NULL;
            }));
        add.accept(fn(CATEGORY, "get", List.of(p("collection", Type.ANY), p("key", Type.ANY), p("default", Type.ANY)),
            Type.ANY,
            "The value of a map's key or a list's index (from 0), or `default` when it is absent or null, or when "
                + "the collection is not a map or list (null included).",
            "get({\"app\": \"web\"}, \"tier\", \"none\") == \"none\" and get([10, 20], 1, 0) == 20 "
                + "and get(null, \"x\", 5) == 5",
            a -> {
                Value found = Values.NULL;
                if (a[0] instanceof Value.MapV m && a[1] instanceof Value.Str k) {
                    found = m.get(k.value());
                } else if (a[0] instanceof Value.ListV l && a[1] instanceof Value.Int idx
                    && idx.value() >= 0 && idx.value() < l.items().size()) {
                    found = l.items().get((int) idx.value());
                }
                return Values.isNull(found) ? a[2] : found;
            }));
        add.accept(variadic(CATEGORY, "merge", List.of(p("maps", MAP)), MAP,
            "One map with the entries of all the maps; for a key in several, the last map wins. Null arguments "
                + "are skipped; null when an argument is not a map.",
            "merge({\"a\": 1, \"b\": 1}, {\"b\": 2}) == {\"a\": 1, \"b\": 2}",
            a -> {
                Map<String, Value> out = new LinkedHashMap<>();
                for (Value v : a) {
                    if (Values.isNull(v)) continue;
                    if (!(v instanceof Value.MapV m)) return Values.NULL;
                    out.putAll(m.entries());
                }
                return Values.map(out);
            }));
        add.accept(fn(CATEGORY, "flatten", List.of(p("list", LIST)), LIST,
            "The list with each element that is itself a list replaced by that list's elements (one level).",
            "flatten([[1, 2], 3, [[4]]]) == [1, 2, 3, [4]]",
            a -> {
                List<Value> l = Args.list(a[0]);
                if (l == null) return Values.NULL;
                List<Value> out = new ArrayList<>();
                for (Value v : l) {
                    if (v instanceof Value.ListV inner) out.addAll(inner.items()); else out.add(v);
                }
                return Values.list(out);
            }));
        add.accept(fn(CATEGORY, "unique", List.of(p("list", LIST)), LIST,
            "The list without repeated elements, keeping the first of each (language equality: 1 and 1.0 are one).",
            "unique([\"a\", \"b\", \"a\", 1, 1.0]) == [\"a\", \"b\", 1]",
            a -> {
                List<Value> l = Args.list(a[0]);
                return l == null ? Values.NULL : Values.list(unique(l));
            }));
        add.accept(fn(CATEGORY, "sort", List.of(p("list", LIST)), LIST,
            "The list in ascending order: numbers by value, strings by character (Unicode code point). Null when the list mixes "
                + "kinds or holds other values.",
            "sort([3, 1.5, 2]) == [1.5, 2, 3] and sort([\"b\", \"a\"]) == [\"a\", \"b\"]",
            a -> {
                List<Value> l = Args.list(a[0]);
                Comparator<Value> order = l == null ? null : orderOf(l);
                if (order == null) return Values.NULL;
                List<Value> out = new ArrayList<>(l);
                out.sort(order);
                return Values.list(out);
            }));
        add.accept(fn(CATEGORY, "min", List.of(p("list", LIST)), Type.ANY,
            "The smallest element of a list of numbers or of strings; null when the list is empty or mixed.",
            "min([3, 1, 2]) == 1",
            a -> extreme(a[0], false)));
        add.accept(fn(CATEGORY, "max", List.of(p("list", LIST)), Type.ANY,
            "The largest element of a list of numbers or of strings; null when the list is empty or mixed.",
            "max([\"1.2\", \"1.10\"]) == \"1.2\"",
            a -> extreme(a[0], true)));
        add.accept(fn(CATEGORY, "sum", List.of(p("list", Type.list(Type.FLOAT))), Type.FLOAT,
            "The sum of a list of numbers (0 for an empty list): an int when all are ints and the sum fits, else "
                + "a float. Null when an element is not a number.",
            "sum([1, 2, 3]) == 6 and sum([0.5, 1]) == 1.5",
            a -> {
                List<Value> l = Args.list(a[0]);
                if (l == null) return Values.NULL;
                long isum = 0;
                double fsum = 0;
                boolean allInts = true;
                for (Value v : l) {
                    Double d = Args.number(v);
                    if (d == null) return Values.NULL;
                    fsum += d;
                    if (allInts && v instanceof Value.Int i) {
                        try {
                            isum = Math.addExact(isum, i.value());
                        } catch (ArithmeticException overflow) {
                            allInts = false;
                        }
                    } else {
                        allInts = false;
                    }
                }
                return allInts ? Values.integer(isum) : Values.number(fsum);
            }));
        add.accept(fn(CATEGORY, "first", List.of(p("list", LIST)), Type.ANY,
            "The first element of the list; null when it is empty.",
            "first([\"nginx\", \"redis\"]) == \"nginx\"",
            a -> {
                List<Value> l = Args.list(a[0]);
                return l == null || l.isEmpty() ? Values.NULL : l.get(0);
            }));
        add.accept(fn(CATEGORY, "last", List.of(p("list", LIST)), Type.ANY,
            "The last element of the list; null when it is empty.",
            "last(split(\"a/b/c\", \"/\")) == \"c\"",
            a -> {
                List<Value> l = Args.list(a[0]);
                return l == null || l.isEmpty() ? Values.NULL : l.get(l.size() - 1);
            }));
        add.accept(fn(CATEGORY, "reverse", List.of(p("list", LIST)), LIST,
            "The list in reverse order.",
            "reverse([1, 2, 3]) == [3, 2, 1]",
            a -> {
                List<Value> l = Args.list(a[0]);
                if (l == null) return Values.NULL;
                List<Value> out = new ArrayList<>(l);
                Collections.reverse(out);
                return Values.list(out);
            }));
        add.accept(fn(CATEGORY, "slice", List.of(p("list", LIST), p("start", Type.INT), p("end", Type.INT)), LIST,
            "The elements from index `start` (from 0) up to but not including `end`. Indexes are clamped to the "
                + "list; an end before the start gives an empty list.",
            "slice([1, 2, 3, 4], 1, 3) == [2, 3] and slice([1, 2], 1, 99) == [2]",
            a -> {
                List<Value> l = Args.list(a[0]);
                Long start = Args.integer(a[1]), end = Args.integer(a[2]);
                if (l == null || start == null || end == null) return Values.NULL;
                int from = Args.clamp(start, l.size()), to = Args.clamp(end, l.size());
                return to <= from ? Values.EMPTY_LIST : Values.list(l.subList(from, to));
            }));
    }

    static List<Value> unique(List<Value> items) {
        // Buckets by a key that equal values share (numbers by double value), then the language's equality.
        Map<Object, List<Value>> seen = new HashMap<>();
        List<Value> out = new ArrayList<>();
        for (Value v : items) {
            List<Value> bucket = seen.computeIfAbsent(bucketKey(v), k -> new ArrayList<>());
            boolean repeated = false;
            for (Value s : bucket) {
                if (Values.equal(s, v)) {
                    repeated = true;
                    break;
                }
            }
            if (!repeated) {
                bucket.add(v);
                out.add(v);
            }
        }
        return out;
    }

    private static Object bucketKey(Value v) {
        if (v instanceof Value.Int i) return (double) i.value();
        if (v instanceof Value.Float f) return f.value() == 0 ? 0.0 : f.value(); // -0.0 equals 0.0
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.ListV l) return "list/" + l.items().size();
        if (v instanceof Value.MapV m) return "map/" + new java.util.TreeSet<>(m.entries().keySet());
        return v.typeName() + "/" + Values.literal(v);
    }

    /** The order of a list of numbers or of strings; null when the list holds anything else or mixes them. */
    private static Comparator<Value> orderOf(List<Value> l) {
        boolean ints = true, numbers = true, strings = true;
        for (Value v : l) {
            ints &= v instanceof Value.Int;
            numbers &= v instanceof Value.Int || v instanceof Value.Float;
            strings &= v instanceof Value.Str;
        }
        // Ints alone compare exactly; once floats are mixed in, everything compares as a double, so the order
        // stays consistent (comparing some pairs exactly and others rounded would not be a total order).
        if (ints) return Comparator.comparingLong(v -> ((Value.Int) v).value());
        if (numbers) return Comparator.comparingDouble(Args::number);
        if (strings) return (x, y) -> org.codomyrmex.policy.runtime.Operators.compareText(((Value.Str) x).value(), ((Value.Str) y).value());
        return null;
    }

    private static Value extreme(Value listValue, boolean largest) {
        List<Value> l = Args.list(listValue);
        if (l == null || l.isEmpty()) return Values.NULL;
        Comparator<Value> order = orderOf(l);
        if (order == null) return Values.NULL;
        Value best = l.get(0);
        for (Value v : l) {
            int c = order.compare(v, best);
            if (largest ? c > 0 : c < 0) best = v;
        }
        return best;
    }
}
