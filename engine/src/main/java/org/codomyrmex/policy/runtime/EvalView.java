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

    /** The {@code scan} view: the same for every document of a scan, so it lives in the frame. */
    public static final class Scan extends Node {
        public Scan(Span span) {
            super(span);
        }

        @Override
        public Value eval(Frame frame) {
            return frame.scan.get();
        }
    }
}
