package org.codomyrmex.policy.runtime.builtins;

import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.f;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.list;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class ConversionBuiltinsTest {
    @Test
    void toIntParsesDecimalTextAndTruncates() {
        assertValue(i(8080), call("to_int", s("8080")));
        assertValue(i(-12), call("to_int", s(" -12 ")));
        assertValue(i(12), call("to_int", s("+12")));
        assertValue(i(3), call("to_int", s("3.99")));
        assertValue(i(-3), call("to_int", f(-3.99)));
        assertValue(i(2000), call("to_int", s("2e3")));
        assertValue(i(Long.MAX_VALUE), call("to_int", s("9223372036854775807")));
        assertInstanceOf(org.codomyrmex.policy.model.Value.Int.class, call("to_int", f(7.0)));
    }

    @Test
    void toIntRefusesWhatIsNotANumber() {
        assertNull(call("to_int", s("9223372036854775808")));
        assertNull(call("to_int", s("1e999")));
        assertNull(call("to_int", s("0x1F")));
        assertNull(call("to_int", s("12abc")));
        assertNull(call("to_int", s("")));
        assertNull(call("to_int", s("NaN")));
        assertNull(call("to_int", f(Double.NaN)));
        assertNull(call("to_int", f(1e30)));
        assertNull(call("to_int", b(true)));
        assertNull(call("to_int", list()));
    }

    @Test
    void toFloatParsesDecimalNumbersOnly() {
        assertValue(f(0.5), call("to_float", s("0.5")));
        assertValue(f(0.5), call("to_float", s(".5")));
        assertValue(f(2000), call("to_float", s(" 2e3 ")));
        assertValue(f(3), call("to_float", i(3)));
        assertInstanceOf(org.codomyrmex.policy.model.Value.Float.class, call("to_float", i(3)));
        assertNull(call("to_float", s("1d")));
        assertNull(call("to_float", s("Infinity")));
        assertNull(call("to_float", s("0x1p3")));
        assertNull(call("to_float", s("1e400")));
        assertNull(call("to_float", NULL));
    }

    @Test
    void toBoolReadsTheUsualSpellings() {
        for (String t : new String[] {"true", "TRUE", "yes", "On", "y", "1", " true "}) assertValue(b(true), call("to_bool", s(t)));
        for (String t : new String[] {"false", "No", "OFF", "n", "0"}) assertValue(b(false), call("to_bool", s(t)));
        assertValue(b(true), call("to_bool", i(1)));
        assertValue(b(false), call("to_bool", f(0.0)));
        assertValue(b(false), call("to_bool", b(false)));
        assertNull(call("to_bool", s("maybe")));
        assertNull(call("to_bool", s("")));
        assertNull(call("to_bool", i(2)));
        assertNull(call("to_bool", list(b(true))));
    }
}
