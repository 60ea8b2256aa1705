package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;

/**
 * Arithmetic helpers. Rounding functions give ints (null when the float is not finite or does not fit an int).
 * Conversions from text are {@code to_int} and {@code to_float} (category conversion).
 */
final class NumberBuiltins {
    static final String CATEGORY = "numbers";

    private NumberBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "abs", List.of(p("x", Type.FLOAT)), Type.FLOAT,
            "The absolute value; an int stays an int. Null for the smallest int, whose absolute value does not fit.",
            "abs(-3) == 3 and abs(-0.5) == 0.5",
            a -> {
                if (a[0] instanceof Value.Int i) {
                    return i.value() == Long.MIN_VALUE ? Values.NULL : Values.integer(Math.abs(i.value()));
                }
                if (a[0] instanceof Value.Float f) return Values.number(Math.abs(f.value()));
                return Values.NULL;
            }));
        add.accept(fn(CATEGORY, "floor", List.of(p("x", Type.FLOAT)), Type.INT,
            "The largest int not greater than the number.",
            "floor(2.7) == 2 and floor(-2.5) == -3",
            a -> round(a[0], Math::floor)));
        add.accept(fn(CATEGORY, "ceil", List.of(p("x", Type.FLOAT)), Type.INT,
            "The smallest int not less than the number.",
            "ceil(2.1) == 3 and ceil(-2.5) == -2",
            a -> round(a[0], Math::ceil)));
        add.accept(fn(CATEGORY, "round", List.of(p("x", Type.FLOAT)), Type.INT,
            "The nearest int; halves round away from zero.",
            "round(2.5) == 3 and round(-2.5) == -3 and round(2.4) == 2",
            a -> round(a[0], NumberBuiltins::roundHalfAway)));
    }

    /** Rounds halves away from zero; {@code abs - floor(abs)} is exact, unlike adding 0.5 first. */
    static double roundHalfAway(double d) {
        double abs = Math.abs(d);
        double whole = Math.floor(abs);
        double r = abs - whole >= 0.5 ? whole + 1 : whole;
        return Math.copySign(r, d);
    }

    private static Value round(Value v, DoubleUnaryOperator f) {
        if (v instanceof Value.Int) return v;
        if (!(v instanceof Value.Float x) || !Double.isFinite(x.value())) return Values.NULL;
        double r = f.applyAsDouble(x.value());
        return ConversionBuiltins.inLongRange(r) ? Values.integer((long) r) : Values.NULL;
    }
}
