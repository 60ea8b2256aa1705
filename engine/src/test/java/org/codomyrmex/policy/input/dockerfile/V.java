package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.List;

/** Small navigation helpers over view values for the tests. */
final class V {
    private V() {
    }

    /** Follows map keys and list indexes ("0", "1") from {@code v}; null value when a step is missing. */
    static Value at(Value v, String... path) {
        Value cur = v;
        for (String step : path) {
            if (cur instanceof Value.MapV m) {
                cur = m.get(step);
            } else if (cur instanceof Value.ListV l && step.matches("\\d+")) {
                int i = Integer.parseInt(step);
                cur = i < l.items().size() ? l.items().get(i) : Values.NULL;
            } else {
                return Values.NULL;
            }
        }
        return cur;
    }

    static String str(Value v, String... path) {
        Value x = at(v, path);
        return x instanceof Value.Str s ? s.value() : null;
    }

    static Long num(Value v, String... path) {
        Value x = at(v, path);
        return x instanceof Value.Int i ? i.value() : null;
    }

    static Boolean bool(Value v, String... path) {
        Value x = at(v, path);
        return x instanceof Value.Bool b ? b.value() : null;
    }

    static List<Value> list(Value v, String... path) {
        Value x = at(v, path);
        return x instanceof Value.ListV l ? l.items() : List.of();
    }

    static List<String> strings(Value v, String... path) {
        return list(v, path).stream().map(x -> x instanceof Value.Str s ? s.value() : Values.literal(x)).toList();
    }
}
