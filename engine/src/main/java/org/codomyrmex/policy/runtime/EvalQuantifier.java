package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.syntax.Expr;

/**
 * {@code any/all/none/count x in xs: p}. any/all/none stop at the first element that decides; over an empty
 * or absent collection, any is false, all and none are true, count is 0.
 */
public final class EvalQuantifier extends Node {
    private final Expr.Quantifier quantifier;
    private final int slot;
    private final Node source;
    private final Node predicate;

    public EvalQuantifier(Expr.Quantifier quantifier, int slot, Node source, Node predicate, Span span) {
        super(span);
        this.quantifier = quantifier;
        this.slot = slot;
        this.source = source;
        this.predicate = predicate;
    }

    @Override
    public Value eval(Frame frame) {
        long count = 0;
        for (Value item : Operators.iterate(source.eval(frame))) {
            frame.step();
            frame.slots[slot] = item;
            boolean holds = Values.isTrue(predicate.eval(frame));
            switch (quantifier) {
                case ANY -> {
                    if (holds) return Values.TRUE;
                }
                case ALL -> {
                    if (!holds) return Values.FALSE;
                }
                case NONE -> {
                    if (holds) return Values.FALSE;
                }
                case COUNT -> {
                    if (holds) count++;
                }
            }
        }
        return switch (quantifier) {
            case ANY -> Values.FALSE;
            case ALL, NONE -> Values.TRUE;
            case COUNT -> Values.integer(count);
        };
    }
}
