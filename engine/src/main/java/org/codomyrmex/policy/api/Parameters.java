package org.codomyrmex.policy.api;

import org.codomyrmex.policy.check.CheckedConstant;
import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches user-given parameter values ({@code trusted_registries: [...]} in config) to the {@code param}
 * declarations of the policy set. A bare name sets the parameter of that name in every package that declares
 * it; {@code package.name} sets one. Unknown names and values of the wrong type are errors.
 */
public final class Parameters {
    private Parameters() {
    }

    /** A declared parameter: its qualified name, type, default and documentation. */
    public record Declared(String qualifiedName, Type type, String doc, Span span) {
        public String shortName() {
            return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
        }
    }

    /** The parameter values that matched a declaration, by qualified name, and the errors of those that did not. */
    public record Resolved(Map<String, Value> values, List<Diagnostic> diagnostics) {
    }

    public static List<Declared> declared(CheckedProgram program) {
        List<Declared> out = new ArrayList<>();
        for (CheckedConstant c : program.constants().values()) {
            if (c.parameter()) out.add(new Declared(c.qualifiedName(), c.type(), c.doc(), c.span()));
        }
        out.sort(java.util.Comparator.comparing(Declared::qualifiedName));
        return out;
    }

    public static Resolved resolve(CheckedProgram program, Map<String, Value> given) {
        List<Declared> declared = declared(program);
        Map<String, Value> values = new LinkedHashMap<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Map.Entry<String, Value> e : given.entrySet()) {
            String name = e.getKey();
            List<Declared> matches = declared.stream()
                .filter(d -> d.qualifiedName().equals(name) || d.shortName().equals(name)).toList();
            Span at = e.getValue().span().isKnown() ? e.getValue().span() : Span.NONE;
            if (matches.isEmpty()) {
                List<String> names = new ArrayList<>();
                declared.forEach(d -> {
                    names.add(d.shortName());
                    names.add(d.qualifiedName());
                });
                diagnostics.add(Diagnostic.error("P0010", "no policy declares a parameter named '" + name + "'", at,
                    Suggestions.hint(name, names)));
                continue;
            }
            for (Declared d : matches) {
                java.util.Optional<Value> wrong = wrongPart(d.type(), e.getValue());
                if (wrong.isPresent()) {
                    Value w = wrong.get();
                    Span where = w.span().isKnown() ? w.span() : at;
                    String inside = w == e.getValue() ? "" : (e.getValue() instanceof Value.ListV ? "an item" : "an entry") + " of it is ";
                    diagnostics.add(Diagnostic.error("P0011", "parameter " + d.qualifiedName() + " takes "
                        + Values.withArticle(d.type().display()) + ", but " + (inside.isEmpty() ? Values.withArticle(typeOf(w).display())
                        + " is given" : inside + Values.withArticle(typeOf(w).display())), where));
                } else {
                    values.put(d.qualifiedName(), e.getValue());
                }
            }
        }
        return new Resolved(values, diagnostics);
    }

    /**
     * The value, or the item or entry inside it, that does not fit the declared type. Items are checked one by one:
     * the type of a mixed list (["a", 1]) is list&lt;any&gt;, which fits list&lt;string&gt;, so a number among strings
     * reached the rules.
     */
    static java.util.Optional<Value> wrongPart(Type expected, Value v) {
        if (expected instanceof Type.ListOf list && v instanceof Value.ListV items) {
            for (Value item : items.items()) {
                java.util.Optional<Value> wrong = wrongPart(list.element(), item);
                if (wrong.isPresent()) return wrong;
            }
            return java.util.Optional.empty();
        }
        if (expected instanceof Type.MapOf map && v instanceof Value.MapV entries) {
            for (Value item : entries.entries().values()) {
                java.util.Optional<Value> wrong = wrongPart(map.value(), item);
                if (wrong.isPresent()) return wrong;
            }
            return java.util.Optional.empty();
        }
        return Type.assignable(expected, typeOf(v)) ? java.util.Optional.empty() : java.util.Optional.of(v);
    }

    /** The static type a value would have as a literal. */
    static Type typeOf(Value v) {
        if (v instanceof Value.Null) return Type.NULL;
        if (v instanceof Value.Bool) return Type.BOOL;
        if (v instanceof Value.Int) return Type.INT;
        if (v instanceof Value.Float) return Type.FLOAT;
        if (v instanceof Value.Str) return Type.STRING;
        if (v instanceof Value.ListV l) {
            Type element = Type.NULL;
            for (Value item : l.items()) element = Type.join(element, typeOf(item));
            return Type.list(element instanceof Type.Null ? Type.ANY : element);
        }
        Type value = Type.NULL;
        for (Value item : ((Value.MapV) v).entries().values()) value = Type.join(value, typeOf(item));
        return Type.map(value instanceof Type.Null ? Type.ANY : value);
    }
}
