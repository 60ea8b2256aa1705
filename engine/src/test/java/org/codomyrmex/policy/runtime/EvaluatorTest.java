package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.testing.Expressions.eval;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** One or more cases per construct of the language; each expression is parsed, checked, compiled and run. */
class EvaluatorTest {

    private static String show(Value v) {
        return Values.literal(v);
    }

    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // literals
        "1 | 1", "-7 | -7", "2.5 | 2.5", "true | true", "null | null", "'a' | \"a\"", "\"a\\tb\" | \"a\\tb\"",
        "r\"\\d+\" | \"\\\\d+\"", "[1, 'x', null] | [1, \"x\", null]", "{a: 1, 'b c': 2} | {\"a\": 1, \"b c\": 2}",
        // arithmetic, including the total cases
        "1 + 2 * 3 | 7", "(1 + 2) * 3 | 9", "7 / 2 | 3", "7.0 / 2 | 3.5", "7 % 3 | 1", "1 / 0 | null",
        "-(3) | -3", "'a' + 'b' | \"ab\"", "[1] + [2] | [1, 2]", "9223372036854775807 + 1 | null",
        "1e308 * 10 | null", "-1e308 - 1e308 | null", "1e308 / 1e-10 | null", "1.5 * 2 | 3.0",
        // comparison and equality: ints equal floats, spans never matter
        "1 == 1.0 | true", "1 != 2 | true", "'a' < 'b' | true", "2 >= 2 | true", "null < 1 | false",
        "[1, {a: 2}] == [1, {a: 2}] | true", "{a: 1} == {a: 2} | false",
        // strings order by character (code point), not by UTF-16 unit: U+FF5E comes before an emoji
        "'\uFF5E' < '😀' | true", "'😀' > 'a\uFFFF' | true", "'a' < 'ab' | true", "'ab' < 'a' | false",
        // logic: only true is true
        "true and false | false", "false or true | true", "not false | true", "not null | null",
        "null and true | false", "null or true | true",
        // membership
        "'SYS_ADMIN' in ['NET_RAW', 'SYS_ADMIN'] | true", "'x' not in ['y'] | true", "'a' in {a: 1} | true",
        "'ell' in 'hello' | true", "1 in null | false",
        // null-safe navigation and indexing
        "{a: {b: 1}}.a.b | 1", "{a: {b: 1}}.missing.deeper | null", "null.x | null", "[10, 20, 30][1] | 20",
        "[10, 20, 30][-1] | 30", "[1][5] | null", "{k: 'v'}['k'] | \"v\"", "'abc'[1] | \"b\"",
        "'a😀b'[1] | \"😀\"", "'a😀b'[2] | \"b\"", "'a😀b'[-2] | \"😀\"", "'a😀b'[3] | null", "len('a😀b') | 3",
        // conditional and let
        "if 1 < 2 then 'yes' else 'no' | \"yes\"", "if null then 1 else 2 | 2", "let x = 3 in x * x | 9",
        "let x = 1 in let y = x + 1 in [x, y] | [1, 2]",
        // quantifiers: empty and absent collections
        "any x in [1, 2, 3]: x > 2 | true", "all x in [1, 2, 3]: x > 0 | true", "none x in [1, 2]: x > 5 | true",
        "count x in [1, 2, 3, 4]: x % 2 == 0 | 2", "any x in []: true | false", "all x in null: false | true",
        "count k in {a: 1, b: 2}: k == 'b' | 1",
        // comprehensions
        "[x * 2 for x in [1, 2, 3]] | [2, 4, 6]", "[x for x in [1, 2, 3, 4] if x > 2] | [3, 4]",
        "[k for k in {a: 1, b: 2}] | [\"a\", \"b\"]",
        // builtins by method syntax
        "[1, 2, 3].len() | 3", "len('héllo') | 5", "string(80) | \"80\"",
    })
    void evaluates(String source, String expected) {
        assertEquals(expected, show(eval(source)));
    }

    @Test
    void userFunctionsAndConstants() {
        String defs = """
            const limit = 2 + 3
            func double(x) = x * 2
            func over(xs, n) = [x for x in xs if x > n]
            """;
        assertEquals("10", show(eval("double(limit)", defs)));
        assertEquals("[6, 7]", show(eval("over([1, 6, 7], limit)", defs)));
        assertEquals("[6, 7]", show(eval("[1, 6, 7].over(limit)", defs)));
    }

    @Test
    void constantsAreFoldedAtCompileTime() {
        Value v = eval("[1 + 1, 'a' + 'b']");
        assertInstanceOf(Value.ListV.class, v);
        assertEquals("[2, \"ab\"]", show(v));
    }
}
