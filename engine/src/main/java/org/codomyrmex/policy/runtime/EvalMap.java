package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map literal with at least one non-constant value (constant maps are folded). */
public final class EvalMap extends Node {
    private final String[] keys;
    private final Node[] values;

    public EvalMap(String[] keys, Node[] values, Span span) {
        super(span);
        this.keys = keys;
        this.values = values;
    }

    @Override
    public Value eval(Frame frame) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) out.put(keys[i], values[i].eval(frame));
        return Values.map(out);
    }
}
