package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.types.Type;

import java.util.List;

/**
 * Small helpers shared by the builtin categories: declaring a builtin in one line, and reading arguments of
 * the expected runtime kind. Each reader returns null when the value has another kind, so an implementation
 * can answer {@code Values.NULL} for it instead of throwing.
 */
final class Args {
    private Args() {
    }

    static Builtin.Param p(String name, Type type) {
        return new Builtin.Param(name, type);
    }

    static Builtin fn(String category, String name, List<Builtin.Param> params, Type result, String doc,
                      String example, Builtin.Impl impl) {
        return new Builtin(name, params, result, false, category, doc, example, impl);
    }

    static Builtin variadic(String category, String name, List<Builtin.Param> params, Type result, String doc,
                            String example, Builtin.Impl impl) {
        return new Builtin(name, params, result, true, category, doc, example, impl);
    }

    static String str(Value v) {
        return v instanceof Value.Str s ? s.value() : null;
    }

    /** An int argument; floats are not accepted where an index or a count is meant. */
    static Long integer(Value v) {
        return v instanceof Value.Int i ? i.value() : null;
    }

    /** A numeric argument of either kind, as a double. */
    static Double number(Value v) {
        if (v instanceof Value.Int i) return (double) i.value();
        if (v instanceof Value.Float f) return f.value();
        return null;
    }

    static List<Value> list(Value v) {
        return v instanceof Value.ListV l ? l.items() : null;
    }

    static Value.MapV map(Value v) {
        return v instanceof Value.MapV m ? m : null;
    }

    static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    /** Clamps a code-point index into {@code [0, length]}. */
    static int clamp(long index, int length) {
        return (int) Math.max(0, Math.min(index, length));
    }

    /** The UTF-16 offset of a code-point index already clamped into the string. */
    static int offset(String s, int codePointIndex) {
        return s.offsetByCodePoints(0, codePointIndex);
    }
}
