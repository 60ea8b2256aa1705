package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Pattern;
import org.codomyrmex.policy.testing.CpuTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.codomyrmex.policy.runtime.builtins.Calls.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegexBuiltinsTest {
    @Test
    void matchesSearchesAnywhereAndFullMatchAnchors() {
        assertValue(b(true), call("matches", s("nginx:1.25-alpine"), s("alpine")));
        assertValue(b(false), call("matches", s("nginx:1.25"), s("alpine")));
        assertValue(b(false), call("matches", s("nginx:alpine"), s("^alpine")));
        assertValue(b(true), call("full_match", s("v1.2.3"), s("v[0-9.]+")));
        assertValue(b(false), call("full_match", s("v1.2.3-rc1"), s("v[0-9.]+")));
        assertValue(b(true), call("matches", s("ABC"), s("(?i)abc")));
    }

    @Test
    void findReturnsTheFirstMatchOrNull() {
        assertValue(s("2.4"), call("find", s("app:2.4.1"), s("[0-9]+\\.[0-9]+")));
        assertNull(call("find", s("app:latest"), s("[0-9]+")));
        assertValue(s(""), call("find", s("abc"), s("x*")));
    }

    @Test
    void findAllReturnsEveryMatch() {
        assertValue(strings("1", "22", "333"), call("find_all", s("a1 b22 c333"), s("[0-9]+")));
        assertValue(strings(), call("find_all", s("abc"), s("[0-9]+")));
    }

    @Test
    void findAllAndRegexReplaceNeverCutACharacterInTwo() {
        // An empty match fell between the halves of a surrogate pair: five matches in three characters, and
        // the replacement split the emoji into two lone surrogates.
        assertValue(strings("", "", "", ""), call("find_all", s("a😀b"), s("")));
        assertValue(s("-a-😀-b-"), call("regex_replace", s("a😀b"), s(""), s("-")));
        assertValue(s("-😀-"), call("regex_replace", s("😀"), s("x*"), s("-")));
    }

    @Test
    void findAllAndRegexReplaceSkipAnEmptyMatchRightAfterAMatchAsGoDoes() {
        // As Go's FindAllString and ReplaceAllString, and as regex_split already did.
        assertValue(strings("a", ""), call("find_all", s("ab"), s("a*")));
        assertValue(strings("", "b", ""), call("find_all", s("abc"), s("b*")));
        assertValue(s("-b-"), call("regex_replace", s("ab"), s("a*"), s("-")));
        assertValue(s("-a-c-"), call("regex_replace", s("abc"), s("b*"), s("-")));
        assertValue(s("x-y-z"), call("regex_replace", s("x1y22z"), s("[0-9]+"), s("-")));
    }

    @Test
    void regexReplaceSupportsGroupsAndRefusesUnknownGroups() {
        assertValue(s("1.25"), call("regex_replace", s("v1.25.3"), s("v([0-9]+)\\.([0-9]+).*"), s("$1.$2")));
        assertValue(s("key=***"), call("regex_replace", s("key=hunter2"), s("=(?P<v>.*)"), s("=***")));
        assertValue(s("x-y"), call("regex_replace", s("x y"), s("(?P<sp> )"), s("-")));
        assertValue(s("a$c"), call("regex_replace", s("abc"), s("b"), s("\\$")));
        assertNull(call("regex_replace", s("abc"), s("(b)"), s("$2")));
        assertNull(call("regex_replace", s("abc"), s("(b)"), s("${missing}")));
        assertNull(call("regex_replace", s("abc"), s("b"), i(1)));
    }

    @Test
    void regexSplitKeepsEmptyParts() {
        assertValue(strings("a", "b", "c"), call("regex_split", s("a, b;c"), s("[,;] *")));
        assertValue(strings("a", "", "b", ""), call("regex_split", s("a,,b,"), s(",")));
        assertValue(strings("abc"), call("regex_split", s("abc"), s(",")));
    }

    /** Each expected list is what Go's regexp.MustCompile(pattern).Split(s, -1) returns. */
    @Test
    void regexSplitAgreesWithGoRegexpSplit() {
        assertValue(strings("a", "b", "c"), call("regex_split", s("abc"), s("")));
        assertValue(strings("a", "b", "c"), call("regex_split", s("abc"), s("x*")));
        assertValue(strings(), call("regex_split", s(""), s("")));
        assertValue(strings(""), call("regex_split", s(""), s(",")));
        assertValue(strings(""), call("regex_split", s(""), s("x*")));
        assertValue(strings("", "a"), call("regex_split", s(",a"), s(",")));
        assertValue(strings("a", ""), call("regex_split", s("a,"), s(",")));
        assertValue(strings("", ""), call("regex_split", s(","), s(",")));
        assertValue(strings("", "", ""), call("regex_split", s(",,"), s(",")));
        assertValue(strings("b", "n", "n", ""), call("regex_split", s("banana"), s("a")));
        assertValue(strings("b", "c"), call("regex_split", s("baaac"), s("a*")));
        assertValue(strings("", "b", "b", "c", "c", "d", "e"), call("regex_split", s("abaabaccadaaae"), s("a*")));
        assertValue(strings("", "b"), call("regex_split", s("aab"), s("a*")));
        assertValue(strings("b", ""), call("regex_split", s("baa"), s("a*")));
        assertValue(strings("é", "😀", "x"), call("regex_split", s("é😀x"), s("")));
    }

    @Test
    void invalidPatternsGiveNull() {
        for (String fn : List.of("matches", "full_match", "find", "find_all", "regex_split")) {
            assertNull(call(fn, s("abc"), s("[a-")));
            assertNull(call(fn, s("abc"), s("(?<!a)b"))); // look-behind is not RE2
            assertNull(call(fn, s("abc"), s("(a)\\1"))); // back-references are not RE2
            assertNull(call(fn, s("abc"), NULL));
            assertNull(call(fn, i(1), s("a")));
        }
        assertNull(call("regex_replace", s("abc"), s("a{1001}"), s("x")));
    }

    @Test
    void compileCachesEachPatternOnceIncludingInvalidOnes() {
        RegexBuiltins.clearCache();
        Optional<Pattern> first = RegexBuiltins.compile("ab+c");
        assertTrue(first.isPresent());
        assertSame(first.get(), RegexBuiltins.compile("ab+c").get());
        assertTrue(RegexBuiltins.compile("(").isEmpty());
        assertEquals(2, RegexBuiltins.cacheSize());
    }

    @Test
    void cacheIsBounded() {
        RegexBuiltins.clearCache();
        for (int k = 0; k < RegexBuiltins.CACHE_SIZE * 2; k++) RegexBuiltins.compile("p" + k);
        assertEquals(RegexBuiltins.CACHE_SIZE, RegexBuiltins.cacheSize());
        // The most recently used patterns stay.
        Pattern last = RegexBuiltins.compile("p" + (RegexBuiltins.CACHE_SIZE * 2 - 1)).get();
        assertSame(last, RegexBuiltins.compile("p" + (RegexBuiltins.CACHE_SIZE * 2 - 1)).get());
    }

    @Test
    void cacheIsSafeUnderConcurrentUse() throws Exception {
        RegexBuiltins.clearCache();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int k = 0; k < 2000; k++) {
                        String p = "x" + ((k * 31 + seed) % 700) + "y";
                        ok &= RegexBuiltins.compile(p).get().matches("x" + ((k * 31 + seed) % 700) + "y");
                    }
                    return ok;
                }));
            }
            for (Future<Boolean> r : results) assertTrue(r.get());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(RegexBuiltins.cacheSize() <= RegexBuiltins.CACHE_SIZE);
    }

    @Test
    void patternsThatWouldCompileToHugeProgramsAreRefusedQuickly() {
        withinCpuSeconds(5, () -> {
            assertTrue(RegexBuiltins.compile("((a{1000}){1000}){1000}").isEmpty());
            assertTrue(RegexBuiltins.compile("(a{1000}){1000}").isEmpty());
            assertTrue(RegexBuiltins.compile("(\\Q" + "a".repeat(500) + "\\E){100}").isEmpty());
            assertNull(call("matches", s("aaa"), s("(?:(?:a{100}){100}){100}")));
        });
        // Ordinary counted repeats and classes stay well within the bound.
        assertTrue(RegexBuiltins.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?").isPresent());
        assertTrue(RegexBuiltins.compile("\\x{10FFFF}{3}\\p{Greek}{2}").isPresent());
        assertTrue(RegexBuiltins.compile("sha256:[a-f0-9]{64}").isPresent());
        assertTrue(RegexBuiltins.compile("x{2,}").isPresent());
        assertTrue(RegexBuiltins.compile("a{,5}").isPresent()); // a literal brace in RE2, not a repeat
    }

    @Test
    void sizeEstimateGrowsWithNestedRepeats() {
        assertTrue(RegexBuiltins.estimatedSize("abc") <= 5);
        assertTrue(RegexBuiltins.estimatedSize("(ab){10}") >= 20);
        assertTrue(RegexBuiltins.estimatedSize("((ab){10}){10}") >= 200);
        assertFalse(RegexBuiltins.estimatedSize("[a-z]{1,63}") > 100);
    }

    @Test
    void matchingTimeIsLinearOnAdversarialInput() {
        // (a+)+$ backtracks exponentially in java.util.regex; RE2 answers at once.
        String text = "a".repeat(50_000) + "!";
        withinCpuSeconds(5, () -> assertValue(b(false), call("matches", s(text), s("^(a+)+$"))));
    }

    /**
     * Runs {@code body} within {@code seconds} of its thread's CPU time, stopped after a minute of the wall clock if it
     * never ends. A wall-clock bound of a few seconds also counted the time other processes had the CPU, so a busy
     * machine could fail a linear computation; an exponential one misses the CPU bound by far all the same.
     */
    private static void withinCpuSeconds(long seconds, org.junit.jupiter.api.function.Executable body) {
        long millis = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            long start = CpuTime.nanos();
            body.execute();
            return CpuTime.millisSince(start);
        });
        assertTrue(millis < seconds * 1000, "took " + millis + " ms of CPU time");
    }
}
