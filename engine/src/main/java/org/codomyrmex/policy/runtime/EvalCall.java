package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

/**
 * A user function call: arguments go into the first slots of a fresh frame. The target is linked after all
 * functions are compiled, since functions may call functions defined later (never themselves: the checker
 * rejects recursion).
 */
public final class EvalCall extends Node {
    private final FunctionBody target;
    private final Node[] args;

    /** A compiled function; {@code body} is set once by the compiler. */
    public static final class FunctionBody {
        final String name;
        Node body;
        int frameSize;

        public FunctionBody(String name) {
            this.name = name;
        }

        public void define(Node body, int frameSize) {
            this.body = body;
            this.frameSize = frameSize;
        }
    }

    public EvalCall(FunctionBody target, Node[] args, Span span) {
        super(span);
        this.target = target;
        this.args = args;
    }

    @Override
    public Value eval(Frame frame) {
        frame.step();
        Frame callee = frame.callee(Math.max(target.frameSize, args.length));
        for (int i = 0; i < args.length; i++) callee.slots[i] = args[i].eval(frame);
        return target.body.eval(callee);
    }
}
