package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

/** {@code target[index]}: list position (negative from the end), map key, or character; null when absent. */
public final class EvalIndex extends Node {
    private final Node target;
    private final Node index;

    public EvalIndex(Node target, Node index, Span span) {
        super(span);
        this.target = target;
        this.index = index;
    }

    @Override
    public Value eval(Frame frame) {
        Value t = target.eval(frame);
        Value i = index.eval(frame);
        if (t instanceof Value.ListV l && i instanceof Value.Int n) {
            long pos = n.value() < 0 ? l.items().size() + n.value() : n.value();
            return pos >= 0 && pos < l.items().size() ? l.items().get((int) pos) : new Value.Null(l.span());
        }
        if (t instanceof Value.MapV m && i instanceof Value.Str k) {
            Value v = m.entries().get(k.value());
            return v != null ? v : new Value.Null(m.span());
        }
        if (t instanceof Value.Str s && i instanceof Value.Int n) {
            // Characters are code points, as len() and substring() count them: "a😀b"[1] is the emoji, not half of it.
            String str = s.value();
            int length = str.codePointCount(0, str.length());
            long pos = n.value() < 0 ? length + n.value() : n.value();
            if (pos < 0 || pos >= length) return Values.NULL;
            int at = length == str.length() ? (int) pos : str.offsetByCodePoints(0, (int) pos);
            return Values.string(new String(Character.toChars(str.codePointAt(at))));
        }
        return t instanceof Value.Null ? t : Values.NULL;
    }
}
