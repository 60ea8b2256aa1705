package org.codomyrmex.policy.api;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain Java values (what a caller or a JSON/YAML library holds) as policy values, for parameters. */
final class JavaValues {
    private JavaValues() {
    }

    static Value toValue(Object o) {
        if (o == null) return Values.NULL;
        if (o instanceof Value v) return v;
        if (o instanceof String s) return Values.string(s);
        if (o instanceof Boolean b) return Values.bool(b);
        if (o instanceof Byte || o instanceof Short || o instanceof Integer || o instanceof Long) {
            return Values.integer(((Number) o).longValue());
        }
        if (o instanceof BigInteger big && big.bitLength() < 64) return Values.integer(big.longValue());
        if (o instanceof Float || o instanceof Double || o instanceof BigDecimal) return Values.number(((Number) o).doubleValue());
        if (o instanceof Collection<?> c) {
            List<Value> items = new ArrayList<>();
            for (Object item : c) items.add(toValue(item));
            return Values.list(items);
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Value> entries = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("parameter map keys must be strings, not " + e.getKey());
                }
                entries.put(key, toValue(e.getValue()));
            }
            return Values.map(entries);
        }
        throw new IllegalArgumentException("a " + o.getClass().getName() + " cannot be a parameter value");
    }
}
