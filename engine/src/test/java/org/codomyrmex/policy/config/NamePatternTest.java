package org.codomyrmex.policy.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamePatternTest {
    @Test
    void literalNamesMatchOnlyThemselves() {
        assertTrue(NamePattern.of("web").matches("web"));
        assertFalse(NamePattern.of("web").matches("web-1"));
        assertFalse(NamePattern.of("a.b").matches("axb"), "a dot is a dot");
        assertFalse(NamePattern.of("a+").matches("aa"));
    }

    @Test
    void starAndQuestionMarkAreWildcardsAndStarCrossesSlashes() {
        assertTrue(NamePattern.of("ingress-*").matches("ingress-"));
        assertTrue(NamePattern.of("ingress-*").matches("ingress-edge-1"));
        assertTrue(NamePattern.of("registry.example.com/*").matches("registry.example.com/team/app:1.0"));
        assertTrue(NamePattern.of("web-?").matches("web-a"));
        assertFalse(NamePattern.of("web-?").matches("web-ab"));
        assertFalse(NamePattern.of("SEC-*").matches("XSEC-1"), "a pattern matches the whole name");
    }

    @Test
    void characterSetsRangesAndNegation() {
        assertTrue(NamePattern.of("web-[ab]").matches("web-b"));
        assertFalse(NamePattern.of("web-[ab]").matches("web-c"));
        assertTrue(NamePattern.of("db-[0-9]").matches("db-7"));
        assertFalse(NamePattern.of("db-[!0-9]").matches("db-7"));
        assertTrue(NamePattern.of("db-[!0-9]").matches("db-x"));
        assertTrue(NamePattern.of("v[.^]1").matches("v^1"), "regex characters inside a set are literal");
        assertTrue(NamePattern.of("a[b").matches("a[b"), "an unclosed bracket is literal");
    }

    @Test
    void bracketsAsGitReadsThem() {
        assertTrue(NamePattern.of("x[]]").matches("x]"), "a ] first in the set is a member");
        assertTrue(NamePattern.of("x[!]]").matches("xa"));
        assertFalse(NamePattern.of("x[!]]").matches("x]"));
        assertTrue(NamePattern.of("x[^a]").matches("xb"), "^ negates as ! does");
        assertFalse(NamePattern.of("ESC-[z-a]").matches("ESC-m"), "a reversed range holds nothing");
        assertTrue(NamePattern.of("[[:upper:]]*-[[:digit:]]*").matches("ESC-001"));
        assertFalse(NamePattern.of("[[:upper:]]*").matches("esc-001"));
        assertTrue(NamePattern.of("a[\\]]b").matches("a]b"), "a backslash makes the next character a member");
        assertTrue(NamePattern.of("a[x-]").matches("a-"), "a dash before ] is a member");
    }

    /** Before the shared translation, "[z-a]" or "[]" in an exception reached the regex compiler and threw. */
    @Test
    void noPatternFailsToCompile() {
        String alphabet = "[]!^-\\:*?/az0.";
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder pattern = new StringBuilder();
            for (int len = random.nextInt(9); len > 0; len--) pattern.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String text = pattern.toString();
            NamePattern.of(text).matches("az/0-]");
            Glob.of(text).matches("az/0-]", false);
        }
    }

    @Test
    void theEmptyPatternSelectsAnything() {
        assertTrue(NamePattern.of("").isAny());
        assertTrue(NamePattern.of("").matches("anything/at all"));
        assertEquals("ingress-*", NamePattern.of("ingress-*").toString());
        assertEquals(NamePattern.of("x*"), NamePattern.of("x*"));
    }
}
