package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.List;

/**
 * The operators' meaning on values. All total: operands of the wrong kind give null (arithmetic) or false
 * (ordering), so a document with an unexpected shape never stops a scan.
 */
public final class Operators {
    private Operators() {
    }

    /** Ordering of two numbers or two strings; {@code null} when they cannot be ordered. */
    static Integer compare(Value a, Value b) {
        if (a instanceof Value.Int x && b instanceof Value.Int y) return Long.compare(x.value(), y.value());
        if (isNumber(a) && isNumber(b)) {
            double x = toDouble(a), y = toDouble(b);
            if (Double.isNaN(x) || Double.isNaN(y)) return null;
            return Double.compare(x, y);
        }
        if (a instanceof Value.Str x && b instanceof Value.Str y) return compareText(x.value(), y.value());
        return null;
    }

    /**
     * Text ordered by character (Unicode code point), as the language counts characters everywhere else.
     * {@link String#compareTo} orders UTF-16 units instead, which put every character past U+FFFF (an emoji)
     * before U+E000..U+FFFF ({@code "～" < "😀"} was false).
     */
    public static int compareText(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i), y = b.charAt(i);
            if (x != y) return Integer.compare(codePointRank(x), codePointRank(y));
        }
        return Integer.compare(a.length(), b.length());
    }

    /** A UTF-16 unit moved so that surrogates (characters past U+FFFF) rank above U+E000..U+FFFF. */
    private static int codePointRank(char c) {
        return c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
    }

    static boolean isNumber(Value v) {
        return v instanceof Value.Int || v instanceof Value.Float;
    }

    static double toDouble(Value v) {
        return v instanceof Value.Int i ? i.value() : ((Value.Float) v).value();
    }

    /** {@code item in container}: list membership, map key, or substring. */
    static boolean contains(Value container, Value item) {
        if (container instanceof Value.ListV l) {
            for (Value v : l.items()) if (Values.equal(v, item)) return true;
            return false;
        }
        if (container instanceof Value.MapV m) return item instanceof Value.Str s && m.entries().containsKey(s.value());
        if (container instanceof Value.Str s) return item instanceof Value.Str i && s.value().contains(i.value());
        return false;
    }

    /** A float result, or null where it is no number: overflow to infinity (as an int overflow is null) or NaN. */
    private static Value finite(double r) {
        return Double.isFinite(r) ? Values.number(r) : Values.NULL;
    }

    static Value add(Value a, Value b) {
        if (a instanceof Value.Int x && b instanceof Value.Int y) {
            long r = x.value() + y.value();
            // overflow gives null rather than a wrong number
            return ((x.value() ^ r) & (y.value() ^ r)) < 0 ? Values.NULL : Values.integer(r);
        }
        if (isNumber(a) && isNumber(b)) return finite(toDouble(a) + toDouble(b));
        if (a instanceof Value.Str x && b instanceof Value.Str y) return Values.string(x.value() + y.value());
        if (a instanceof Value.ListV x && b instanceof Value.ListV y) {
            List<Value> items = new ArrayList<>(x.items());
            items.addAll(y.items());
            return Values.list(items);
        }
        return Values.NULL;
    }

    static Value subtract(Value a, Value b) {
        if (a instanceof Value.Int x && b instanceof Value.Int y) {
            try {
                return Values.integer(Math.subtractExact(x.value(), y.value()));
            } catch (ArithmeticException overflow) {
                return Values.NULL;
            }
        }
        if (isNumber(a) && isNumber(b)) return finite(toDouble(a) - toDouble(b));
        return Values.NULL;
    }

    static Value multiply(Value a, Value b) {
        if (a instanceof Value.Int x && b instanceof Value.Int y) {
            try {
                return Values.integer(Math.multiplyExact(x.value(), y.value()));
            } catch (ArithmeticException overflow) {
                return Values.NULL;
            }
        }
        if (isNumber(a) && isNumber(b)) return finite(toDouble(a) * toDouble(b));
        return Values.NULL;
    }

    /** Integer division truncates; division by zero gives null. */
    static Value divide(Value a, Value b) {
        if (a instanceof Value.Int x && b instanceof Value.Int y) {
            if (y.value() == 0 || (x.value() == Long.MIN_VALUE && y.value() == -1)) return Values.NULL;
            return Values.integer(x.value() / y.value());
        }
        if (isNumber(a) && isNumber(b)) {
            double d = toDouble(b);
            return d == 0 ? Values.NULL : finite(toDouble(a) / d);
        }
        return Values.NULL;
    }

    static Value modulo(Value a, Value b) {
        if (a instanceof Value.Int x && b instanceof Value.Int y) {
            if (y.value() == 0) return Values.NULL;
            return Values.integer(x.value() % y.value());
        }
        if (isNumber(a) && isNumber(b)) {
            double d = toDouble(b);
            return d == 0 ? Values.NULL : finite(toDouble(a) % d);
        }
        return Values.NULL;
    }

    static Value negate(Value a) {
        if (a instanceof Value.Int x) return x.value() == Long.MIN_VALUE ? Values.NULL : Values.integer(-x.value());
        if (a instanceof Value.Float x) return Values.number(-x.value());
        return Values.NULL;
    }

    /** The elements a {@code for}, quantifier or comprehension visits: list items, or a map's keys. */
    static List<Value> iterate(Value source) {
        if (source instanceof Value.ListV l) return l.items();
        if (source instanceof Value.MapV m) {
            List<Value> keys = new ArrayList<>(m.entries().size());
            for (String k : m.entries().keySet()) keys.add(new Value.Str(k, m.keySpan(k)));
            return keys;
        }
        return List.of();
    }
}
