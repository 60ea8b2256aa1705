package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code matches} and {@code full_match} remember recent answers per pattern: whatever the order, repetition,
 * slot collisions, length or threads, every answer must be the one RE2J gives.
 */
class RegexMemoTest {
    private static final String[] PATTERNS = {":[^/:]+$", "(?i)(password|secret|token|key)", "^[a-z]+[0-9]?$"};

    private static List<String> inputs(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        String alphabet = "abcXYZ09:/_-@";
        List<String> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            // Mostly short strings drawn from a small space (so they repeat and collide), some past the memo limit.
            int len = r.nextInt(10) == 0 ? RegexBuiltins.MEMO_MAX_LENGTH + r.nextInt(20) : r.nextInt(6);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < len; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            if (r.nextInt(7) == 0) b.append("Password");
            out.add(b.toString());
        }
        return out;
    }

    private static boolean expected(String fn, String pattern, String text) {
        Pattern p = Pattern.compile(pattern);
        return fn.equals("matches") ? p.matcher(text).find() : p.matches(text);
    }

    @Test
    void rememberedAnswersAreRe2jAnswers() {
        for (String fn : List.of("matches", "full_match")) {
            for (String pattern : PATTERNS) {
                for (String text : inputs(pattern.hashCode(), 3000)) {
                    Value v = call(fn, s(text), s(pattern));
                    assertEquals(expected(fn, pattern, text), ((Value.Bool) v).value(), fn + "(" + text + ", " + pattern + ")");
                }
            }
        }
    }

    /** {@code regex_replace} remembers too: per text and replacement, always what RE2J's replaceAll gives. */
    @Test
    void rememberedReplacementsAreRe2jReplacements() {
        String[] replacements = {"$1_$2", "-", ""};
        for (String pattern : new String[] {"([a-z0-9])([A-Z])", "[-. ]", "(?i)(pass)(word)"}) {
            Pattern p = Pattern.compile(pattern);
            for (String text : inputs(pattern.hashCode() + 1, 3000)) {
                for (String replacement : replacements) {
                    if (pattern.equals("[-. ]") && replacement.contains("$")) continue; // no groups to name
                    Value v = call("regex_replace", s(text), s(pattern), s(replacement));
                    assertEquals(p.matcher(text).replaceAll(replacement), ((Value.Str) v).value(),
                        "regex_replace(" + text + ", " + pattern + ", " + replacement + ")");
                }
            }
        }
    }

    @Test
    void answersStayRightUnderConcurrentUse() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (String text : inputs(seed, 2000)) {
                        for (String pattern : PATTERNS) {
                            ok &= ((Value.Bool) call("matches", s(text), s(pattern))).value() == expected("matches", pattern, text);
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Boolean> f : results) assertTrue(f.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
