package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.f;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.list;
import static org.codomyrmex.policy.runtime.builtins.Calls.map;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.codomyrmex.policy.runtime.builtins.Calls.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class CollectionBuiltinsTest {
    private static final Value LABELS = map("app", s("web"), "tier", s("front"), "owner", NULL);

    @Test
    void keysValuesAndEntriesKeepDocumentOrder() {
        assertValue(strings("app", "tier", "owner"), call("keys", LABELS));
        assertValue(list(s("web"), s("front"), NULL), call("values", LABELS));
        assertValue(list(map("key", s("app"), "value", s("web")), map("key", s("tier"), "value", s("front")),
            map("key", s("owner"), "value", NULL)), call("entries", LABELS));
        assertValue(list(), call("keys", map()));
        for (String fn : List.of("keys", "values", "entries")) {
            assertNull(call(fn, list(s("a"))));
            assertNull(call(fn, NULL));
        }
    }

    @Test
    void entriesPointKeysAtWhereTheyWereWritten() {
        Span keySpan = new Span("k.yaml", 3, 5, 3, 7);
        Value.MapV m = new Value.MapV(Map.of("app", Values.string("web")), Map.of("app", keySpan), Span.NONE);
        Value.ListV entries = (Value.ListV) call("entries", m);
        assertEquals(keySpan, ((Value.MapV) entries.items().get(0)).get("key").span());
    }

    @Test
    void containsWorksOnStringsListsAndMapKeys() {
        assertValue(b(true), call("contains", s("docker.sock"), s("sock")));
        assertValue(b(false), call("contains", s("docker.sock"), s("SOCK")));
        assertValue(b(true), call("contains", list(i(1), s("a")), f(1.0)));
        assertValue(b(false), call("contains", list(i(1), s("a")), s("b")));
        assertValue(b(true), call("contains", list(list(i(1))), list(i(1))));
        assertValue(b(true), call("contains", LABELS, s("owner")));
        assertValue(b(false), call("contains", LABELS, s("env")));
        assertNull(call("contains", s("abc"), i(1)));
        assertNull(call("contains", LABELS, i(1)));
        assertNull(call("contains", NULL, s("a")));
    }

    @Test
    void getFallsBackToTheDefault() {
        assertValue(s("web"), call("get", LABELS, s("app"), s("?")));
        assertValue(s("?"), call("get", LABELS, s("owner"), s("?")));
        assertValue(s("?"), call("get", LABELS, s("env"), s("?")));
        assertValue(i(20), call("get", list(i(10), i(20)), i(1), i(0)));
        assertValue(i(0), call("get", list(i(10), i(20)), i(2), i(0)));
        assertValue(i(0), call("get", list(i(10), i(20)), i(-1), i(0)));
        assertValue(i(5), call("get", NULL, s("x"), i(5)));
        assertValue(i(5), call("get", LABELS, i(1), i(5)));
    }

    @Test
    void mergeLetsTheLastMapWinAndSkipsNulls() {
        assertValue(map("a", i(1), "b", i(2), "c", i(3)),
            call("merge", map("a", i(1), "b", i(1)), NULL, map("b", i(2)), map("c", i(3))));
        assertValue(map(), call("merge"));
        assertNull(call("merge", map("a", i(1)), list()));
    }

    @Test
    void flattenOneLevel() {
        assertValue(list(i(1), i(2), i(3), list(i(4))), call("flatten", list(list(i(1), i(2)), i(3), list(list(i(4))))));
        assertValue(list(), call("flatten", list(list(), list())));
        assertNull(call("flatten", s("ab")));
    }

    @Test
    void uniqueKeepsFirstOccurrencesUnderLanguageEquality() {
        assertValue(list(s("a"), i(1), map("x", i(1), "y", i(2)), NULL),
            call("unique", list(s("a"), i(1), f(1.0), map("x", i(1), "y", i(2)), map("y", i(2), "x", i(1)), NULL, s("a"), NULL)));
        Value.ListV out = (Value.ListV) call("unique", list(f(0.0), i(0), f(-0.0)));
        assertEquals(1, out.items().size());
        assertInstanceOf(Value.Float.class, out.items().get(0));
        List<Value> many = new ArrayList<>();
        for (int k = 0; k < 20_000; k++) many.add(i(k % 100));
        assertEquals(100, ((Value.ListV) call("unique", Values.list(many))).items().size());
    }

    @Test
    void sortOrdersNumbersOrStringsAndRefusesMixtures() {
        assertValue(list(f(1.5), i(2), i(3)), call("sort", list(i(3), f(1.5), i(2))));
        assertValue(strings("B", "a", "b"), call("sort", strings("b", "a", "B")));
        assertValue(list(), call("sort", list()));
        // by code point: a character past U+FFFF (an emoji) sorts after U+FF5E, not before it as UTF-16 units
        assertValue(strings("\uFF5E", "😀"), call("sort", strings("😀", "\uFF5E")));
        assertValue(s("😀"), call("max", strings("\uFF5E", "😀")));
        assertValue(s("\uFF5E"), call("min", strings("😀", "\uFF5E")));
        assertNull(call("sort", list(i(1), s("a"))));
        assertNull(call("sort", list(i(1), NULL)));
        // Ints beyond double precision keep their exact order when alone.
        assertValue(list(i(9007199254740992L), i(9007199254740993L)),
            call("sort", list(i(9007199254740993L), i(9007199254740992L))));
        // Mixed with floats near the precision limit, sorting must still not fail.
        Value mixed = list(i(9007199254740993L), f(9007199254740992.0), i(9007199254740992L), i(1), f(0.5));
        assertEquals(5, ((Value.ListV) call("sort", mixed)).items().size());
    }

    @Test
    void minAndMax() {
        assertValue(i(1), call("min", list(i(3), i(1), f(2.5))));
        assertValue(f(2.5), call("max", list(i(1), f(2.5), i(2))));
        assertValue(s("a"), call("min", strings("b", "a")));
        assertNull(call("min", list()));
        assertNull(call("max", list(s("a"), i(1))));
        assertNull(call("max", NULL));
    }

    @Test
    void sumStaysIntWhenItCan() {
        assertInstanceOf(Value.Int.class, call("sum", list(i(1), i(2))));
        assertValue(i(3), call("sum", list(i(1), i(2))));
        assertValue(f(1.5), call("sum", list(f(0.5), i(1))));
        assertValue(i(0), call("sum", list()));
        assertInstanceOf(Value.Float.class, call("sum", list(i(Long.MAX_VALUE), i(1))));
        assertNull(call("sum", list(i(1), s("2"))));
        assertNull(call("sum", s("12")));
    }

    @Test
    void firstLastReverseSlice() {
        Value l = list(i(1), i(2), i(3), i(4));
        assertValue(i(1), call("first", l));
        assertValue(i(4), call("last", l));
        assertNull(call("first", list()));
        assertNull(call("last", list()));
        assertNull(call("first", s("abc")));
        assertValue(list(i(4), i(3), i(2), i(1)), call("reverse", l));
        assertNull(call("reverse", s("abc")));
        assertValue(list(i(2), i(3)), call("slice", l, i(1), i(3)));
        assertValue(l, call("slice", l, i(-3), i(99)));
        assertSame(Values.EMPTY_LIST, call("slice", l, i(3), i(1)));
        assertNull(call("slice", l, f(1.0), i(2)));
    }
}
