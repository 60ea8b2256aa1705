package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.Span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Constructors and the language's equality, truthiness and display of values. */
public final class Values {
    public static final Value.Null NULL = new Value.Null(Span.NONE);
    public static final Value.Bool TRUE = new Value.Bool(true, Span.NONE);
    public static final Value.Bool FALSE = new Value.Bool(false, Span.NONE);
    public static final Value.Str EMPTY_STRING = new Value.Str("", Span.NONE);
    public static final Value.ListV EMPTY_LIST = new Value.ListV(List.of(), Span.NONE);
    public static final Value.MapV EMPTY_MAP = new Value.MapV(Map.of(), Map.of(), Span.NONE);

    private static final Value.Int[] SMALL_INTS = new Value.Int[257];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) SMALL_INTS[i] = new Value.Int(i - 128, Span.NONE);
    }

    private Values() {
    }

    public static Value.Bool bool(boolean b) {
        return b ? TRUE : FALSE;
    }

    public static Value.Int integer(long v) {
        return v >= -128 && v <= 128 ? SMALL_INTS[(int) v + 128] : new Value.Int(v, Span.NONE);
    }

    public static Value.Float number(double v) {
        return new Value.Float(v, Span.NONE);
    }

    public static Value.Str string(String s) {
        return s.isEmpty() ? EMPTY_STRING : new Value.Str(s, Span.NONE);
    }

    public static Value.ListV list(List<? extends Value> items) {
        return items.isEmpty() ? EMPTY_LIST : new Value.ListV(new ArrayList<>(items), Span.NONE);
    }

    public static Value.MapV map(Map<String, ? extends Value> entries) {
        return new Value.MapV(new LinkedHashMap<>(entries), Map.of(), Span.NONE);
    }

    /** Only {@code true} is true: null, absent fields and every other value fail a guard. */
    public static boolean isTrue(Value v) {
        return v instanceof Value.Bool b && b.value();
    }

    /**
     * Calls {@code leaf} with every value under {@code root} that holds no other: scalars, nulls and empty
     * collections. A collection reached twice (a YAML alias shares it) is walked once.
     */
    public static void forEachLeaf(Value root, java.util.function.Consumer<Value> leaf) {
        java.util.Set<Value> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Value> pending = new java.util.ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Value v = pending.pop();
            if (v instanceof Value.MapV m && !m.entries().isEmpty()) {
                if (seen.add(m)) m.entries().values().forEach(pending::push);
            } else if (v instanceof Value.ListV l && !l.items().isEmpty()) {
                if (seen.add(l)) l.items().forEach(pending::push);
            } else {
                leaf.accept(v);
            }
        }
    }

    /** A name with its article, as a sentence says it: "a string", "an int", "an ImageRef". */
    public static String withArticle(String name) {
        return (!name.isEmpty() && "aeiouAEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    public static boolean isNull(Value v) {
        return v instanceof Value.Null;
    }

    /** Structural equality ignoring spans; ints and floats compare by numeric value. */
    public static boolean equal(Value a, Value b) {
        if (a instanceof Value.Int x) {
            if (b instanceof Value.Int y) return x.value() == y.value();
            if (b instanceof Value.Float y) return x.value() == y.value();
            return false;
        }
        if (a instanceof Value.Float x) {
            if (b instanceof Value.Float y) return x.value() == y.value();
            if (b instanceof Value.Int y) return x.value() == y.value();
            return false;
        }
        if (a instanceof Value.Str x) return b instanceof Value.Str y && x.value().equals(y.value());
        if (a instanceof Value.Bool x) return b instanceof Value.Bool y && x.value() == y.value();
        if (a instanceof Value.Null) return b instanceof Value.Null;
        if (a instanceof Value.ListV x) {
            if (!(b instanceof Value.ListV y) || x.items().size() != y.items().size()) return false;
            for (int i = 0; i < x.items().size(); i++) {
                if (!equal(x.items().get(i), y.items().get(i))) return false;
            }
            return true;
        }
        if (a instanceof Value.MapV x) {
            if (!(b instanceof Value.MapV y) || x.entries().size() != y.entries().size()) return false;
            for (Map.Entry<String, Value> e : x.entries().entrySet()) {
                Value other = y.entries().get(e.getKey());
                if (other == null || !equal(e.getValue(), other)) return false;
            }
            return true;
        }
        return false;
    }

    /** The text a value shows in a message: strings bare, everything else as in the language. */
    public static String display(Value v) {
        return v instanceof Value.Str s ? s.value() : literal(v);
    }

    /** The value written as a literal of the language. */
    public static String literal(Value v) {
        if (v instanceof Value.Null) return "null";
        if (v instanceof Value.Bool b) return Boolean.toString(b.value());
        if (v instanceof Value.Int i) return Long.toString(i.value());
        if (v instanceof Value.Float f) {
            double d = f.value();
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? String.format(java.util.Locale.ROOT, "%.1f", d) : Double.toString(d);
        }
        if (v instanceof Value.Str s) return quote(s.value());
        if (v instanceof Value.ListV l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.items().size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(literal(l.items().get(i)));
            }
            return sb.append(']').toString();
        }
        Value.MapV m = (Value.MapV) v;
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(quote(e.getKey())).append(": ").append(literal(e.getValue()));
        }
        return sb.append('}').toString();
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c)); else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
