package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;

/**
 * Lenient conversions of document values, which often hold numbers and booleans as strings (compose
 * environment entries, annotations, quoted YAML). Each returns null when the value cannot be read as asked.
 */
final class ConversionBuiltins {
    static final String CATEGORY = "conversion";

    /**
     * A decimal number as people write it: no hex, no NaN/Infinity, no Java suffixes like {@code 1d}. The
     * exponent has at most three digits so that an exact parse never builds an enormous number.
     */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d{1,3})?");

    private ConversionBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "to_int", List.of(p("value", Type.ANY)), Type.INT,
            "The value as an int: ints unchanged, floats truncated toward zero, strings parsed as decimal numbers "
                + "(surrounding spaces allowed, a fraction truncated). Null for booleans, out-of-range numbers and "
                + "text that is not a number.",
            "to_int(\" 8080 \") == 8080 and to_int(2.9) == 2 and to_int(\"eighty\") == null",
            a -> {
                Long n = toInt(a[0]);
                return n == null ? Values.NULL : Values.integer(n);
            }));
        add.accept(fn(CATEGORY, "to_float", List.of(p("value", Type.ANY)), Type.FLOAT,
            "The value as a float: numbers converted, strings parsed as decimal numbers (`1.5`, `2e3`, ` 7 `). Null "
                + "for booleans and text that is not a finite number.",
            "to_float(\"0.5\") == 0.5 and to_float(\"1e400\") == null",
            a -> {
                Double d = toFloat(a[0]);
                return d == null ? Values.NULL : Values.number(d);
            }));
        add.accept(fn(CATEGORY, "to_bool", List.of(p("value", Type.ANY)), Type.BOOL,
            "The value as a bool: booleans unchanged; the strings true/false, yes/no, on/off, y/n, 1/0 in any case "
                + "(surrounding spaces allowed); the numbers 1 and 0. Null for anything else.",
            "to_bool(\"Yes\") == true and to_bool(0) == false and to_bool(\"maybe\") == null",
            a -> {
                Boolean b = toBool(a[0]);
                return b == null ? Values.NULL : Values.bool(b);
            }));
    }

    static Long toInt(Value v) {
        if (v instanceof Value.Int i) return i.value();
        if (v instanceof Value.Float f) return truncate(f.value());
        if (v instanceof Value.Str s) {
            String t = s.value().strip();
            if (!DECIMAL.matcher(t).matches()) return null;
            try {
                return new BigDecimal(t).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static Double toFloat(Value v) {
        if (v instanceof Value.Int i) return (double) i.value();
        if (v instanceof Value.Float f) return f.value();
        if (v instanceof Value.Str s) return parseDecimal(s.value());
        return null;
    }

    /** Parses a decimal number; null when it is not one or is not finite as a double. */
    static Double parseDecimal(String text) {
        String t = text.strip();
        if (!DECIMAL.matcher(t).matches()) return null;
        double d = Double.parseDouble(t);
        return Double.isFinite(d) ? d : null;
    }

    static Boolean toBool(Value v) {
        if (v instanceof Value.Bool b) return b.value();
        if (v instanceof Value.Int i) return i.value() == 1 ? Boolean.TRUE : i.value() == 0 ? Boolean.FALSE : null;
        if (v instanceof Value.Float f) return f.value() == 1 ? Boolean.TRUE : f.value() == 0 ? Boolean.FALSE : null;
        if (v instanceof Value.Str s) {
            return switch (s.value().strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "y", "1" -> Boolean.TRUE;
                case "false", "no", "off", "n", "0" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /** Truncates toward zero; null when not finite or outside the range of an int. */
    static Long truncate(double d) {
        if (!Double.isFinite(d)) return null;
        double t = d < 0 ? Math.ceil(d) : Math.floor(d);
        return inLongRange(t) ? (long) t : null;
    }

    /** Whether an integral double converts to a long without clamping. */
    static boolean inLongRange(double integral) {
        return integral >= -0x1p63 && integral < 0x1p63;
    }
}
