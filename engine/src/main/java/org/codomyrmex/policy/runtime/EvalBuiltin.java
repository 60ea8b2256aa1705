package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.runtime.builtins.Builtin;

/** A builtin call, bound to its implementation at compile time (no lookup by name at run time). */
public final class EvalBuiltin extends Node {
    private final Builtin.Impl impl;
    private final Node[] args;

    public EvalBuiltin(Builtin builtin, Node[] args, Span span) {
        super(span);
        this.impl = builtin.impl();
        this.args = args;
    }

    @Override
    public Value eval(Frame frame) {
        Value[] values = new Value[args.length];
        for (int i = 0; i < args.length; i++) values[i] = args[i].eval(frame);
        Value result;
        try {
            result = impl.apply(values);
        } catch (RuntimeException bug) {
            // Builtins are meant to be total; a slip in one must not stop a scan.
            return Values.NULL;
        }
        return result != null ? result : Values.NULL;
    }
}
