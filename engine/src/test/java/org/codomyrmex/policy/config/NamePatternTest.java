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
    void theEmptyPatternSelectsAnything() {
        assertTrue(NamePattern.of("").isAny());
        assertTrue(NamePattern.of("").matches("anything/at all"));
        assertEquals("ingress-*", NamePattern.of("ingress-*").toString());
        assertEquals(NamePattern.of("x*"), NamePattern.of("x*"));
    }
}
