package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.types.Type;

import java.util.List;

/**
 * One builtin function: its name, signature (for the checker), documentation (for {@code :doc}, completion and
 * docs/language.md), an example, and its implementation. Implementations are total: on a value they cannot
 * handle (wrong runtime type, null, bad syntax) they return null, never throw.
 *
 * @param variadic when true, the last parameter type may repeat (zero or more times)
 */
public record Builtin(String name, List<Param> params, Type result, boolean variadic, String category, String doc,
                      String example, Impl impl) {

    public record Param(String name, Type type) {
    }

    @FunctionalInterface
    public interface Impl {
        Value apply(Value[] args);
    }

    public String signature() {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            Param p = params.get(i);
            sb.append(p.name()).append(": ").append(p.type().display());
            if (variadic && i == params.size() - 1) sb.append("...");
        }
        return sb.append(") -> ").append(result.display()).toString();
    }

    public int minArity() {
        return variadic ? params.size() - 1 : params.size();
    }

    public boolean acceptsArity(int n) {
        return variadic ? n >= params.size() - 1 : n == params.size();
    }

    /** The declared type of argument {@code i}. */
    public Type paramType(int i) {
        return i < params.size() ? params.get(i).type() : params.get(params.size() - 1).type();
    }
}
