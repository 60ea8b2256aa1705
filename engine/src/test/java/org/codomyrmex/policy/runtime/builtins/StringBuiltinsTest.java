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
import static org.codomyrmex.policy.runtime.builtins.Calls.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StringBuiltinsTest {
    @Test
    void caseConversionIgnoresTheDefaultLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
            // In Turkish, "I".toLowerCase() is a dotless ı: capability names must not change with the machine.
            assertValue(s("sys_admin"), call("lower", s("SYS_ADMIN")));
            assertValue(s("LINUX_IMMUTABLE"), call("upper", s("linux_immutable")));
        } finally {
            java.util.Locale.setDefault(saved);
        }
        assertNull(call("lower", i(1)));
        assertNull(call("upper", NULL));
    }

    @Test
    void trimRemovesUnicodeWhiteSpaceAtBothEnds() {
        assertValue(s("a b"), call("trim", s(" \t a b\n\u2003")));
        assertValue(s(""), call("trim", s("   ")));
        // no-break spaces and NEL are white space too (String.strip kept them)
        assertValue(s("x y"), call("trim", s("\u00a0x y\u202f\u2007\u0085")));
        assertValue(s("x\u00a0y"), call("trim", s("x\u00a0y")));
        assertNull(call("trim", list()));
    }

    @Test
    void prefixAndSuffixTests() {
        assertValue(b(true), call("startswith", s("/proc/sys"), s("/proc")));
        assertValue(b(false), call("startswith", s("/pro"), s("/proc")));
        assertValue(b(true), call("startswith", s("x"), s("")));
        assertValue(b(true), call("endswith", s("id_rsa.pub"), s(".pub")));
        assertValue(b(false), call("endswith", s("id_rsa"), s(".pub")));
        assertNull(call("startswith", s("a"), NULL));
        assertNull(call("endswith", i(80), s("0")));
    }

    @Test
    void replaceIsLiteral() {
        assertValue(s("a_b_c"), call("replace", s("a.b.c"), s("."), s("_")));
        assertValue(s("-a-b-"), call("replace", s("ab"), s(""), s("-")));
        assertValue(s("aaa"), call("replace", s("aaa"), s("x"), s("y")));
        assertNull(call("replace", s("a"), s("a"), i(1)));
    }

    @Test
    void splitKeepsEmptyPartsAndSplitsCharactersOnEmptySeparator() {
        assertValue(strings("a", "b", "", "c", ""), call("split", s("a,b,,c,"), s(",")));
        assertValue(strings(""), call("split", s(""), s(",")));
        assertValue(strings("a", "\uD83D\uDE00", "b"), call("split", s("a\uD83D\uDE00b"), s("")));
        assertValue(strings("a", "b"), call("split", s("a::b"), s("::")));
        assertValue(strings("a.b"), call("split", s("a.b"), s("[.]")));
        assertNull(call("split", NULL, s(",")));
    }

    @Test
    void joinWritesScalarsAndRefusesStructures() {
        assertValue(s("a, 1, true, 1.5"), call("join", list(s("a"), i(1), b(true), f(1.5)), s(", ")));
        assertValue(s(""), call("join", list(), s(",")));
        assertNull(call("join", list(s("a"), NULL), s(",")));
        assertNull(call("join", list(s("a"), list()), s(",")));
        assertNull(call("join", s("abc"), s(",")));
    }

    @Test
    void substringCountsCharactersAndClamps() {
        assertValue(s("sha256"), call("substring", s("sha256:abc"), i(0), i(6)));
        assertValue(s("\uD83D\uDE00b"), call("substring", s("a\uD83D\uDE00bc"), i(1), i(3)));
        assertValue(s("abc"), call("substring", s("abc"), i(-5), i(99)));
        assertValue(s(""), call("substring", s("abc"), i(2), i(1)));
        assertNull(call("substring", s("abc"), f(1.0), i(2)));
    }

    @Test
    void stripPrefixAndSuffixOnlyWhenPresent() {
        assertValue(s("SYS_ADMIN"), call("strip_prefix", s("CAP_SYS_ADMIN"), s("CAP_")));
        assertValue(s("SYS_ADMIN"), call("strip_prefix", s("SYS_ADMIN"), s("CAP_")));
        assertValue(s("8080"), call("strip_suffix", s("8080/tcp"), s("/tcp")));
        assertValue(s("8080/udp"), call("strip_suffix", s("8080/udp"), s("/tcp")));
        assertNull(call("strip_suffix", s("a"), i(1)));
    }

    @Test
    void indexOfCountsCharacters() {
        assertValue(i(2), call("index_of", s("a\uD83D\uDE00:"), s(":")));
        assertValue(i(-1), call("index_of", s("abc"), s("z")));
        assertValue(i(0), call("index_of", s("abc"), s("")));
        assertNull(call("index_of", s("abc"), NULL));
    }

    @Test
    void entropyIsShannonBitsPerCharacter() {
        assertEquals(0.0, ((org.codomyrmex.policy.model.Value.Float) call("entropy", s(""))).value());
        assertEquals(0.0, ((org.codomyrmex.policy.model.Value.Float) call("entropy", s("zzzz"))).value());
        assertEquals(1.0, ((org.codomyrmex.policy.model.Value.Float) call("entropy", s("abab"))).value(), 1e-12);
        assertEquals(4.0, ((org.codomyrmex.policy.model.Value.Float) call("entropy", s("0123456789abcdef"))).value(), 1e-12);
        double secret = ((org.codomyrmex.policy.model.Value.Float) call("entropy", s("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))).value();
        double word = ((org.codomyrmex.policy.model.Value.Float) call("entropy", s("changemechangeme"))).value();
        assertTrue(secret > 4.5 && word < 3, secret + " " + word);
        assertNull(call("entropy", i(12345)));
    }
}
