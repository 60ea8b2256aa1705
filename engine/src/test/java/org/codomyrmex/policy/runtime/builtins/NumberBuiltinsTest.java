package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.f;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class NumberBuiltinsTest {
    @Test
    void absKeepsTheKindOfItsArgument() {
        assertInstanceOf(Value.Int.class, call("abs", i(-3)));
        assertValue(i(3), call("abs", i(-3)));
        assertValue(f(0.5), call("abs", f(-0.5)));
        assertNull(call("abs", i(Long.MIN_VALUE)));
        assertNull(call("abs", s("-3")));
    }

    @Test
    void floorCeilRoundGiveInts() {
        assertInstanceOf(Value.Int.class, call("floor", f(2.7)));
        assertValue(i(2), call("floor", f(2.7)));
        assertValue(i(-3), call("floor", f(-2.5)));
        assertValue(i(3), call("ceil", f(2.1)));
        assertValue(i(-2), call("ceil", f(-2.5)));
        assertValue(i(7), call("ceil", i(7)));
        assertValue(i(3), call("round", f(2.5)));
        assertValue(i(-3), call("round", f(-2.5)));
        assertValue(i(2), call("round", f(2.4999)));
        // Adding 0.5 first would round this up to 1.
        assertValue(i(0), call("round", f(0.49999999999999994)));
        assertValue(i(4503599627370497L), call("round", f(4503599627370497.0)));
    }

    @Test
    void nonFiniteOrHugeFloatsGiveNull() {
        for (String fn : new String[] {"floor", "ceil", "round"}) {
            assertNull(call(fn, f(Double.NaN)));
            assertNull(call(fn, f(Double.POSITIVE_INFINITY)));
            assertNull(call(fn, f(1e19)));
            assertNull(call(fn, s("1.5")));
        }
    }
}
