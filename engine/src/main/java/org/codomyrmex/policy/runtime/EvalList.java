package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.List;

/** A list literal with at least one non-constant item (constant lists are folded). */
public final class EvalList extends Node {
    private final Node[] items;

    public EvalList(Node[] items, Span span) {
        super(span);
        this.items = items;
    }

    @Override
    public Value eval(Frame frame) {
        List<Value> out = new ArrayList<>(items.length);
        for (Node n : items) out.add(n.eval(frame));
        return Values.list(out);
    }
}
