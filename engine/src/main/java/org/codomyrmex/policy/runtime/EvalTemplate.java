package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

/** A report message: literal text and holes, joined; a hole's value shows as {@link Values#display}. */
public final class EvalTemplate extends Node {
    private final String[] texts;
    private final Node[] holes;

    /** {@code texts[i]} is null where {@code holes[i]} is the part. */
    public EvalTemplate(String[] texts, Node[] holes, Span span) {
        super(span);
        this.texts = texts;
        this.holes = holes;
    }

    @Override
    public Value eval(Frame frame) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.length; i++) {
            if (texts[i] != null) {
                sb.append(texts[i]);
            } else {
                sb.append(Values.display(holes[i].eval(frame)));
            }
        }
        return Values.string(sb.toString());
    }
}
