package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;
import static org.codomyrmex.policy.runtime.builtins.Args.str;

/**
 * Regular expressions in RE2 syntax (RE2J): matching takes time linear in the text, whatever the pattern, so a
 * policy cannot be made to hang by a crafted input. Each distinct pattern is compiled once and kept in a
 * bounded cache shared by all threads; the compiler can also pre-compile constant patterns with
 * {@link #compile(String)}. An invalid pattern makes the function return null.
 */
public final class RegexBuiltins {
    static final String CATEGORY = "regex";

    /** How many compiled patterns the cache keeps (least recently used go first). */
    static final int CACHE_SIZE = 512;

    /**
     * Upper bound on the estimated size of a compiled pattern. RE2J checks each repeat count ({@code {1000}} at
     * most) but not their product, so {@code ((a{1000}){1000}){1000}} would exhaust memory while compiling and
     * {@code (a{1000}){1000}} makes every match slow. Such patterns are refused like invalid ones.
     */
    static final long MAX_PROGRAM_SIZE = 10_000;

    private static final Map<String, Compiled> CACHE = Collections.synchronizedMap(
        new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
                return size() > CACHE_SIZE;
            }
        });

    /** Strings up to this length have their boolean match results remembered per pattern. */
    static final int MEMO_MAX_LENGTH = 128;
    /**
     * Remembered results per pattern and question (find, whole match): a direct-mapped table of this size. At
     * most CACHE_SIZE x 2 tables of 256 entries of strings up to 128 characters: bounded, and in practice a few
     * patterns hold nearly all of it.
     */
    static final int MEMO_SLOTS = 256;

    /**
     * A pattern (empty when invalid) with the last answers it gave. Scans ask the same question of the same
     * strings again and again (the same image, the same variable name in every manifest), and RE2J's linear
     * matching costs more than a lookup, so {@code matches} and {@code full_match} remember recent answers.
     * The result of a match depends only on the pattern and the string, so this changes no answer.
     */
    private record Compiled(Optional<Pattern> pattern, Optional<RequiredLiteral.Requirement> required,
                            RecentAnswers<String, Boolean> found, RecentAnswers<String, Boolean> matched,
                            RecentAnswers<Replacement, String> replaced) {
        Compiled(Optional<Pattern> pattern, String regex) {
            this(pattern, pattern.isPresent() ? RequiredLiteral.requirement(regex) : Optional.empty(),
                new RecentAnswers<>(MEMO_SLOTS), new RecentAnswers<>(MEMO_SLOTS), new RecentAnswers<>(MEMO_SLOTS));
        }

        /** False when the string lacks text every match contains: no automaton needs to run. */
        boolean mayMatch(String s) {
            return required.isEmpty() || required.get().presentIn(s);
        }
    }

    /** One {@code regex_replace} question: the same text with another replacement has another answer. */
    private record Replacement(String text, String replacement) {
    }

    /** The remembered answer for short texts; a long text is answered afresh rather than kept. */
    private static <K, V> V remembered(RecentAnswers<K, V> memo, String text, K key, java.util.function.Function<K, V> compute) {
        return text.length() > MEMO_MAX_LENGTH ? compute.apply(key) : memo.answer(key, compute);
    }

    private RegexBuiltins() {
    }

    /**
     * The compiled pattern, from the cache when it was compiled before; empty when the pattern is not valid
     * RE2 syntax or too large. Thread-safe. Invalid patterns are cached too, so a bad literal is parsed once.
     */
    public static Optional<Pattern> compile(String regex) {
        return compiled(regex).pattern();
    }

    private static Compiled compiled(String regex) {
        Compiled cached = CACHE.get(regex);
        if (cached != null) return cached;
        // Compiled outside the lock: two threads may both compile a new pattern, and both results are equal.
        Compiled compiled = new Compiled(compileUncached(regex), regex);
        CACHE.put(regex, compiled);
        return compiled;
    }

    /** Drops every cached pattern (tests use it to observe caching). */
    static void clearCache() {
        CACHE.clear();
    }

    static int cacheSize() {
        return CACHE.size();
    }

    private static Optional<Pattern> compileUncached(String regex) {
        if (estimatedSize(regex) > MAX_PROGRAM_SIZE) return Optional.empty();
        try {
            return Optional.of(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            return Optional.empty();
        }
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "matches", List.of(p("s", Type.STRING), p("pattern", Type.STRING)), Type.BOOL,
            "Whether the pattern (RE2 syntax) matches anywhere in the string; anchor it with `^...$` or use "
                + "`full_match` to test the whole string. Null when the pattern is invalid.",
            "matches(\"nginx:1.25-alpine\", \"alpine\")",
            a -> withCompiled(a[0], a[1], (s, c) -> c.mayMatch(s) && remembered(c.found(), s, s, x -> c.pattern().get().matcher(x).find()))));
        add.accept(fn(CATEGORY, "full_match", List.of(p("s", Type.STRING), p("pattern", Type.STRING)), Type.BOOL,
            "Whether the pattern (RE2 syntax) matches the whole string. Null when the pattern is invalid.",
            "full_match(\"v1.2.3\", r\"v[0-9]+(\\.[0-9]+)*\") and not full_match(\"v1.2.3-rc\", r\"v[0-9.]+\")",
            a -> withCompiled(a[0], a[1], (s, c) -> c.mayMatch(s) && remembered(c.matched(), s, s, x -> c.pattern().get().matches(x)))));
        add.accept(fn(CATEGORY, "find", List.of(p("s", Type.STRING), p("pattern", Type.STRING)), Type.STRING,
            "The first part of the string the pattern matches, or null when it matches nowhere or is invalid.",
            "find(\"ghcr.io/org/app:2.4.1\", r\"[0-9]+\\.[0-9]+\") == \"2.4\"",
            a -> withPattern(a[0], a[1], (s, re) -> {
                Matcher m = re.matcher(s);
                return m.find() ? Values.string(m.group()) : Values.NULL;
            })));
        add.accept(fn(CATEGORY, "find_all", List.of(p("s", Type.STRING), p("pattern", Type.STRING)),
            Type.list(Type.STRING),
            "Every non-overlapping part of the string the pattern matches, left to right (an empty list when "
                + "none), as Go's `FindAllString` gives them: an empty match right after a match is not counted "
                + "(`find_all(\"ab\", \"a*\")` is `[\"a\", \"\"]`). Null when the pattern is invalid.",
            "find_all(\"a=1, b=22\", \"[0-9]+\") == [\"1\", \"22\"]",
            a -> withPattern(a[0], a[1], (s, re) -> {
                Matcher m = re.matcher(s);
                List<Value> found = new ArrayList<>();
                GoMatches matches = new GoMatches(s, m);
                while (matches.next()) found.add(Values.string(m.group()));
                return Values.list(found);
            })));
        add.accept(fn(CATEGORY, "regex_replace",
            List.of(p("s", Type.STRING), p("pattern", Type.STRING), p("replacement", Type.STRING)), Type.STRING,
            "The string with every match of the pattern replaced (the matches `find_all` finds). In the replacement, `$1` stands for a numbered "
                + "group, `${name}` for a named group `(?P<name>...)`, and a backslash before `$` makes it a plain "
                + "dollar sign. Null when the pattern or the replacement is invalid (e.g. it names a group the "
                + "pattern lacks).",
            "regex_replace(\"v1.25.3\", r\"v([0-9]+)\\.([0-9]+).*\", \"$1.$2\") == \"1.25\"",
            a -> {
                String replacement = str(a[2]), s = str(a[0]), regex = str(a[1]);
                if (replacement == null || s == null || regex == null) return Values.NULL;
                Compiled c = compiled(regex);
                if (c.pattern().isEmpty()) return Values.NULL;
                if (!c.mayMatch(s)) return Values.string(s);
                String out = remembered(c.replaced(), s, new Replacement(s, replacement), q -> {
                    try {
                        return replaceAll(q.text(), c.pattern().get(), q.replacement());
                    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                        return null;
                    }
                });
                return out == null ? Values.NULL : Values.string(out);
            }));
        add.accept(fn(CATEGORY, "regex_split", List.of(p("s", Type.STRING), p("pattern", Type.STRING)),
            Type.list(Type.STRING),
            "The parts of the string between matches of the pattern, empty parts included, as Go's "
                + "`regexp.Split(s, -1)` gives them: a separator at the start or the end leaves an empty part there, "
                + "a pattern that matches the empty string splits between characters (`regex_split(\"abc\", \"\")` "
                + "is `[\"a\", \"b\", \"c\"]`), and the empty string gives `[\"\"]` (`[]` for the empty pattern). "
                + "Null when the pattern is invalid.",
            "regex_split(\"a, b;c\", \"[,;] *\") == [\"a\", \"b\", \"c\"]",
            a -> withPattern(a[0], a[1], (s, re) -> {
                List<Value> parts = new ArrayList<>();
                for (String part : split(s, re)) parts.add(Values.string(part));
                return Values.list(parts);
            })));
    }

    /**
     * Go's {@code regexp.Split(s, -1)}. RE2J's own split follows Java instead: it keeps an empty part after an
     * empty match at the end ({@code "abc"} split by {@code ""} ends in {@code ""}) and counts an empty match
     * right after a match, which Go's matching does not see.
     */
    static List<String> split(String s, Pattern re) {
        if (!re.pattern().isEmpty() && s.isEmpty()) return List.of("");
        List<String> parts = new ArrayList<>();
        Matcher m = re.matcher(s);
        GoMatches matches = new GoMatches(s, m);
        int begin = 0, end = 0;
        while (matches.next()) {
            end = m.start();
            if (m.end() != 0) parts.add(s.substring(begin, end));
            begin = m.end();
        }
        if (end != s.length()) parts.add(s.substring(begin));
        return parts;
    }

    /**
     * Go's {@code regexp.ReplaceAllString}: every match the Go way (see {@link GoMatches}) replaced, the
     * replacement expanded as RE2J does. RE2J's own replaceAll also replaces an empty match right after a match
     * ({@code "ab"} with {@code a*} gave {@code "--b-"}, not {@code "-b-"}) and one between the two halves of a
     * surrogate pair, which cut an emoji in two.
     *
     * @throws IllegalArgumentException or IndexOutOfBoundsException when the replacement names a missing group
     */
    static String replaceAll(String s, Pattern re, String replacement) {
        Matcher m = re.matcher(s);
        GoMatches matches = new GoMatches(s, m);
        StringBuilder out = new StringBuilder();
        while (matches.next()) m.appendReplacement(out, replacement);
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The matches of a matcher as Go's {@code FindAll}, {@code ReplaceAll} and {@code Split} see them: an empty
     * match right after the previous match is ignored, and so is an empty match between the two halves of a
     * surrogate pair (Go works on characters, RE2J here on UTF-16 units).
     */
    private static final class GoMatches {
        private final String s;
        private final Matcher m;
        private int previousEnd = -1;

        GoMatches(String s, Matcher m) {
            this.s = s;
            this.m = m;
        }

        /** Moves the matcher to the next match Go would report; false when there is none. */
        boolean next() {
            while (m.find()) {
                int start = m.start(), stop = m.end();
                boolean empty = start == stop;
                boolean insideCharacter = empty && start > 0 && start < s.length()
                    && Character.isHighSurrogate(s.charAt(start - 1)) && Character.isLowSurrogate(s.charAt(start));
                if (insideCharacter) continue;
                boolean emptyAfterMatch = empty && start == previousEnd;
                previousEnd = stop;
                if (emptyAfterMatch) continue;
                return true;
            }
            return false;
        }
    }

    private static Value withCompiled(Value text, Value pattern, java.util.function.BiPredicate<String, Compiled> f) {
        String s = str(text), regex = str(pattern);
        if (s == null || regex == null) return Values.NULL;
        Compiled c = compiled(regex);
        return c.pattern().isPresent() ? Values.bool(f.test(s, c)) : Values.NULL;
    }

    private static Value withPattern(Value text, Value pattern, java.util.function.BiFunction<String, Pattern, Value> f) {
        String s = str(text), regex = str(pattern);
        if (s == null || regex == null) return Values.NULL;
        Optional<Pattern> re = compile(regex);
        return re.isPresent() ? f.apply(s, re.get()) : Values.NULL;
    }

    /**
     * A generous estimate of the compiled size of a pattern: one unit per literal, class or operator, with the
     * size of a repeated item multiplied by its largest count. Exact parsing is RE2J's job; this only has to
     * never underestimate the effect of nested counted repeats.
     */
    static long estimatedSize(String re) {
        Deque<long[]> frames = new ArrayDeque<>(); // per open group: {size so far, size of the last item}
        frames.push(new long[] {0, 0});
        int i = 0;
        int n = re.length();
        while (i < n) {
            long[] top = frames.peek();
            char c = re.charAt(i);
            if (c == '\\') {
                int next = skipEscape(re, i);
                // \Q...\E quotes a whole literal; every other escape is one character or class.
                item(top, i + 1 < n && re.charAt(i + 1) == 'Q' ? next - i : 1);
                i = next;
            } else if (c == '[') {
                i = skipClass(re, i);
                item(top, 1);
            } else if (c == '(') {
                frames.push(new long[] {0, 0});
                i++;
            } else if (c == ')' && frames.size() > 1) {
                long[] group = frames.pop();
                item(frames.peek(), group[0] + 1);
                i++;
            } else if (c == '{') {
                int close = re.indexOf('}', i);
                long count = close < 0 ? -1 : repeatCount(re.substring(i + 1, close));
                if (count < 0) {
                    item(top, 1); // a literal brace
                    i++;
                } else {
                    long grown = Math.min(top[1] * count, MAX_PROGRAM_SIZE + 1);
                    top[0] = Math.min(top[0] - top[1] + grown, Long.MAX_VALUE / 4);
                    top[1] = grown;
                    i = close + 1;
                }
            } else {
                item(top, 1);
                i++;
            }
            if (frames.peek()[0] > MAX_PROGRAM_SIZE) return frames.peek()[0];
        }
        long total = 0;
        for (long[] f : frames) total += f[0];
        return total;
    }

    private static void item(long[] frame, long size) {
        frame[0] += size;
        frame[1] = size;
    }

    /** The largest count of a {@code n}, {@code n,} or {@code n,m} repeat body, or -1 when it is not one. */
    private static long repeatCount(String body) {
        if (!body.matches("[0-9]{1,9}(,[0-9]{0,9})?")) return -1;
        String[] parts = body.split(",", -1);
        long min = Long.parseLong(parts[0]);
        long max = parts.length == 1 ? min : parts[1].isEmpty() ? min + 1 : Long.parseLong(parts[1]);
        return Math.max(1, Math.max(min, max));
    }

    private static int skipEscape(String re, int i) {
        if (i + 1 >= re.length()) return re.length();
        char e = re.charAt(i + 1);
        if ((e == 'x' || e == 'p' || e == 'P') && i + 2 < re.length() && re.charAt(i + 2) == '{') {
            int close = re.indexOf('}', i + 2);
            return close < 0 ? re.length() : close + 1;
        }
        if (e == 'Q') {
            int end = re.indexOf("\\E", i + 2);
            return end < 0 ? re.length() : end + 2;
        }
        return i + 2;
    }

    private static int skipClass(String re, int i) {
        int j = i + 1;
        if (j < re.length() && re.charAt(j) == '^') j++;
        if (j < re.length() && re.charAt(j) == ']') j++;
        while (j < re.length()) {
            char c = re.charAt(j);
            if (c == '\\') {
                j = skipEscape(re, j);
            } else if (c == '[' && j + 1 < re.length() && re.charAt(j + 1) == ':') {
                int close = re.indexOf(":]", j + 2);
                j = close < 0 ? j + 1 : close + 2;
            } else if (c == ']') {
                return j + 1;
            } else {
                j++;
            }
        }
        return re.length();
    }
}
