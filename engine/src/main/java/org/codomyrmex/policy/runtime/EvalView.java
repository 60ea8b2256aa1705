package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/** Reads a view of the current document ({@code containers}, {@code resource}, ...), computed once per document. */
public final class EvalView extends Node {
    private final String name;

    public EvalView(String name, Span span) {
        super(span);
        this.name = name;
    }

    @Override
    public Value eval(Frame frame) {
        return frame.document.view(name);
    }
}
