package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;

/** Kubernetes semantics that rules relating objects need: label selectors. */
final class KubernetesBuiltins {
    static final String CATEGORY = "kubernetes";

    private KubernetesBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "selects", List.of(p("selector", Type.ANY), p("labels", Type.ANY)), Type.BOOL,
            "Whether a Kubernetes label selector ({matchLabels, matchExpressions}) selects an object with these labels."
                + " An empty selector selects everything; operators In, NotIn, Exists and DoesNotExist. Null when the"
                + " selector is not a map or the labels are neither a map nor null.",
            "selects({matchLabels: {app: \"web\"}}, {app: \"web\", tier: \"front\"})",
            a -> selects(a[0], a[1])));
    }

    static Value selects(Value selector, Value labels) {
        if (!(selector instanceof Value.MapV sel)) return Values.NULL;
        Map<String, Value> have;
        if (labels instanceof Value.MapV m) {
            have = m.entries();
        } else if (labels instanceof Value.Null) {
            have = Map.of();
        } else {
            return Values.NULL;
        }
        if (sel.get("matchLabels") instanceof Value.MapV match) {
            for (Map.Entry<String, Value> e : match.entries().entrySet()) {
                Value v = have.get(e.getKey());
                if (v == null || !Values.display(v).equals(Values.display(e.getValue()))) return Values.FALSE;
            }
        }
        if (sel.get("matchExpressions") instanceof Value.ListV exprs) {
            for (Value expr : exprs.items()) {
                if (!(expr instanceof Value.MapV x)) return Values.NULL;
                String key = x.get("key") instanceof Value.Str k ? k.value() : null;
                String op = x.get("operator") instanceof Value.Str o ? o.value() : null;
                if (key == null || op == null) return Values.NULL;
                Value v = have.get(key);
                boolean in = false;
                if (v != null && x.get("values") instanceof Value.ListV vals) {
                    for (Value candidate : vals.items()) if (Values.display(candidate).equals(Values.display(v))) in = true;
                }
                boolean ok = switch (op) {
                    case "In" -> in;
                    case "NotIn" -> !in;
                    case "Exists" -> v != null;
                    case "DoesNotExist" -> v == null;
                    default -> false;
                };
                if (!ok) return Values.FALSE;
            }
        }
        return Values.TRUE;
    }
}
