package org.codomyrmex.policy.runtime.builtins;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;

class GlobBuiltinsTest {
    private static void matches(String text, String glob) {
        assertValue(b(true), call("glob", s(text), s(glob)));
    }

    private static void noMatch(String text, String glob) {
        assertValue(b(false), call("glob", s(text), s(glob)));
    }

    @Test
    void starAndQuestionMarkStayWithinASegment() {
        matches("/var/run/docker.sock", "/var/run/*.sock");
        noMatch("/var/run/x/docker.sock", "/var/run/*.sock");
        matches("docker.sock", "docker.soc?");
        noMatch("a/b", "a?b");
        matches("", "*");
        noMatch("a/b", "*");
        matches("line\nbreak", "line*");
    }

    @Test
    void doubleStarSpansSegments() {
        matches("a/b", "a/**/b");
        matches("a/x/y/b", "a/**/b");
        noMatch("a/xb", "a/**/b");
        matches("c.yaml", "**/*.yaml");
        matches("x/y/c.yaml", "**/*.yaml");
        matches("/etc/ssl/certs/a.pem", "/etc/**");
        noMatch("/etcetera", "/etc/**");
        // Not a whole segment: the same as a single star.
        matches("abxc", "a**c");
        noMatch("ab/c", "a**c");
    }

    @Test
    void characterClasses() {
        matches("app-1", "app-[0-9]");
        noMatch("app-x", "app-[0-9]");
        matches("app-x", "app-[!0-9]");
        matches("app-x", "app-[^0-9]");
        noMatch("a/b", "a[!x]b"); // a negated class never matches the separator
        matches("]", "[]]");
        matches("-", "[a-]");
        matches("-", "[\\-z]");
        noMatch("m", "[\\-z]");
        matches("*", "[*]");
    }

    @Test
    void escapesAndSpecialCharactersAreLiteral() {
        matches("a*b", "a\\*b");
        noMatch("axb", "a\\*b");
        matches("registry.io/app:1.0+build", "registry.io/app:1.0+build");
        noMatch("registryxio", "registry.io");
        matches("(x)|{y}$^", "(x)|{y}$^");
        matches("\uD83D\uDE00.txt", "?.txt");
    }

    @Test
    void invalidGlobsAndWrongTypesGiveNull() {
        assertNull(call("glob", s("a"), s("[abc")));
        assertNull(call("glob", s("a"), s("abc\\")));
        assertNull(call("glob", s("a"), s("[z-a]")));
        assertNull(call("glob", NULL, s("*")));
        assertNull(call("glob", s("a"), i(1)));
    }

    /** The plain-string shapes answer what the RE2 translation answers, on strings made to be near misses. */
    @Test
    void plainShapesAgreeWithTheTranslatedPattern() {
        List<String> globs = List.of("registry.k8s.io", "*.gcr.io", "localhost:*", "*-docker.pkg.dev", "a/*", "*/b", "*",
            "x*", "*x", "ghcr.io/org/*", "*.dkr.ecr.*.amazonaws.com");
        List<String> texts = List.of("", "registry.k8s.io", "registry.k8s.iox", "eu.gcr.io", ".gcr.io", "a/eu.gcr.io", "gcr.io",
            "localhost:", "localhost:5000", "localhost:5000/x", "localhost", "my-docker.pkg.dev", "a/b", "a/b/c", "a/", "/b",
            "x/b", "x", "xx", "x\nx", "ghcr.io/org/app", "ghcr.io/org/app/sub", "1.dkr.ecr.eu.amazonaws.com");
        for (String g : globs) {
            com.google.re2j.Pattern re = com.google.re2j.Pattern.compile(GlobBuiltins.toRegex(g));
            GlobBuiltins.Matcher m = GlobBuiltins.matcher(g).orElseThrow();
            for (String t : texts) assertEquals(re.matches(t), m.matches(t), "glob(" + t + ", " + g + ") as " + m.shape());
        }
        assertEquals(GlobBuiltins.Matcher.Shape.SUFFIX, GlobBuiltins.matcher("*.gcr.io").orElseThrow().shape());
        assertEquals(GlobBuiltins.Matcher.Shape.PREFIX, GlobBuiltins.matcher("localhost:*").orElseThrow().shape());
        assertEquals(GlobBuiltins.Matcher.Shape.EXACT, GlobBuiltins.matcher("registry.k8s.io").orElseThrow().shape());
    }
}
