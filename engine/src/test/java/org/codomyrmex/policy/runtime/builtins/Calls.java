package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shorthands for the builtin tests: build values, call a builtin of the standard table, read results. */
final class Calls {
    private Calls() {
    }

    static Value call(String name, Value... args) {
        Builtin b = BuiltinRegistry.standard().lookup(name).orElseThrow(() -> new AssertionError("no builtin " + name));
        assertTrue(b.acceptsArity(args.length), name + " does not take " + args.length + " arguments");
        return b.impl().apply(args);
    }

    /** Evaluates an expression of the language (literals, calls, comparisons) with the test evaluator. */
    static Value eval(String expression) {
        return new ExampleEvaluator(BuiltinRegistry.standard()).eval(expression);
    }

    static Value s(String v) {
        return Values.string(v);
    }

    static Value i(long v) {
        return Values.integer(v);
    }

    static Value f(double v) {
        return Values.number(v);
    }

    static Value b(boolean v) {
        return Values.bool(v);
    }

    static final Value NULL = Values.NULL;

    static Value list(Value... items) {
        return Values.list(Arrays.asList(items));
    }

    /** A map from alternating keys and values: {@code map("a", i(1), "b", s("x"))}. */
    static Value map(Object... keysAndValues) {
        Map<String, Value> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) m.put((String) keysAndValues[k], (Value) keysAndValues[k + 1]);
        return Values.map(m);
    }

    static Value strings(String... items) {
        return Values.list(Arrays.stream(items).map(Values::string).toList());
    }

    /** Asserts language equality (ints and floats by value), showing both as literals when they differ. */
    static void assertValue(Value expected, Value actual) {
        assertTrue(Values.equal(expected, actual),
            () -> "expected " + Values.literal(expected) + " (" + expected.typeName() + ") but was "
                + Values.literal(actual) + " (" + actual.typeName() + ")");
    }

    static void assertNull(Value actual) {
        assertTrue(Values.isNull(actual), () -> "expected null but was " + Values.literal(actual));
    }
}
