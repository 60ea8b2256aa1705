package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;
import static org.codomyrmex.policy.runtime.builtins.Args.str;

/**
 * Text functions. Positions and lengths count characters (Unicode code points), not UTF-16 units, so that
 * {@code len}, {@code substring} and {@code index_of} agree on non-ASCII text. Every result is at most a
 * small multiple of the input's size: there is deliberately no {@code repeat}.
 */
final class StringBuiltins {
    static final String CATEGORY = "strings";

    private StringBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "lower", List.of(p("s", Type.STRING)), Type.STRING,
            "The string in lower case (locale independent).",
            "lower(\"NET_ADMIN\") == \"net_admin\"",
            a -> mapString(a[0], s -> s.toLowerCase(Locale.ROOT))));
        add.accept(fn(CATEGORY, "upper", List.of(p("s", Type.STRING)), Type.STRING,
            "The string in upper case (locale independent).",
            "upper(\"sys_admin\") == \"SYS_ADMIN\"",
            a -> mapString(a[0], s -> s.toUpperCase(Locale.ROOT))));
        add.accept(fn(CATEGORY, "mask", List.of(p("secret", Type.STRING)), Type.STRING,
            "The text with all but its first four characters hidden (fewer shown for short text), for messages"
                + " about secrets: reports must never print a secret.",
            "mask(\"AKIAIOSFODNN7EXAMPLE\") == \"AKIA****************\"",
            a -> mapString(a[0], Masking::mask)));
        add.accept(fn(CATEGORY, "trim", List.of(p("s", Type.STRING)), Type.STRING,
            "The string without leading and trailing white space.",
            "trim(\"  root \") == \"root\"",
            a -> mapString(a[0], StringBuiltins::trim)));
        add.accept(fn(CATEGORY, "startswith", List.of(p("s", Type.STRING), p("prefix", Type.STRING)), Type.BOOL,
            "Whether the string starts with the prefix.",
            "startswith(\"/var/run/docker.sock\", \"/var/run\")",
            a -> test(a[0], a[1], String::startsWith)));
        add.accept(fn(CATEGORY, "endswith", List.of(p("s", Type.STRING), p("suffix", Type.STRING)), Type.BOOL,
            "Whether the string ends with the suffix.",
            "endswith(\"/var/run/docker.sock\", \".sock\")",
            a -> test(a[0], a[1], String::endsWith)));
        add.accept(fn(CATEGORY, "replace", List.of(p("s", Type.STRING), p("old", Type.STRING), p("new", Type.STRING)),
            Type.STRING,
            "The string with every occurrence of `old` replaced by `new` (plain text, not a pattern).",
            "replace(\"a-b-c\", \"-\", \"_\") == \"a_b_c\"",
            a -> {
                String s = str(a[0]), old = str(a[1]), rep = str(a[2]);
                return s == null || old == null || rep == null ? Values.NULL : Values.string(s.replace(old, rep));
            }));
        add.accept(fn(CATEGORY, "split", List.of(p("s", Type.STRING), p("separator", Type.STRING)),
            Type.list(Type.STRING),
            "The parts of the string between occurrences of the separator (plain text). An empty separator splits "
                + "into single characters; an empty string gives one empty part.",
            "split(\"a,b,,c\", \",\") == [\"a\", \"b\", \"\", \"c\"]",
            a -> {
                String s = str(a[0]), sep = str(a[1]);
                return s == null || sep == null ? Values.NULL : Values.list(split(s, sep));
            }));
        add.accept(fn(CATEGORY, "join", List.of(p("items", Type.list(Type.ANY)), p("separator", Type.STRING)),
            Type.STRING,
            "The items written one after another with the separator between them. Items may be strings, numbers "
                + "or booleans; null when an item is anything else.",
            "join([\"NET_RAW\", \"SYS_ADMIN\"], \", \") == \"NET_RAW, SYS_ADMIN\"",
            a -> {
                List<Value> items = Args.list(a[0]);
                String sep = str(a[1]);
                if (items == null || sep == null) return Values.NULL;
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < items.size(); i++) {
                    Value v = items.get(i);
                    if (!(v instanceof Value.Str || v instanceof Value.Int || v instanceof Value.Float
                        || v instanceof Value.Bool)) {
                        return Values.NULL;
                    }
                    if (i > 0) sb.append(sep);
                    sb.append(Values.display(v));
                }
                return Values.string(sb.toString());
            }));
        add.accept(fn(CATEGORY, "substring", List.of(p("s", Type.STRING), p("start", Type.INT), p("end", Type.INT)),
            Type.STRING,
            "The characters from index `start` (counted from 0) up to but not including `end`. Indexes are clamped "
                + "to the string; an end before the start gives the empty string.",
            "substring(\"sha256:abcdef\", 0, 6) == \"sha256\"",
            a -> {
                String s = str(a[0]);
                Long start = Args.integer(a[1]), end = Args.integer(a[2]);
                if (s == null || start == null || end == null) return Values.NULL;
                int n = Args.codePoints(s);
                int from = Args.clamp(start, n), to = Args.clamp(end, n);
                if (to <= from) return Values.EMPTY_STRING;
                return Values.string(s.substring(Args.offset(s, from), Args.offset(s, to)));
            }));
        add.accept(fn(CATEGORY, "strip_prefix", List.of(p("s", Type.STRING), p("prefix", Type.STRING)), Type.STRING,
            "The string without the prefix when it starts with it, else the string unchanged.",
            "strip_prefix(\"CAP_NET_ADMIN\", \"CAP_\") == \"NET_ADMIN\"",
            a -> {
                String s = str(a[0]), prefix = str(a[1]);
                if (s == null || prefix == null) return Values.NULL;
                return Values.string(s.startsWith(prefix) ? s.substring(prefix.length()) : s);
            }));
        add.accept(fn(CATEGORY, "strip_suffix", List.of(p("s", Type.STRING), p("suffix", Type.STRING)), Type.STRING,
            "The string without the suffix when it ends with it, else the string unchanged.",
            "strip_suffix(\"80/tcp\", \"/tcp\") == \"80\"",
            a -> {
                String s = str(a[0]), suffix = str(a[1]);
                if (s == null || suffix == null) return Values.NULL;
                return Values.string(s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s);
            }));
        add.accept(fn(CATEGORY, "index_of", List.of(p("s", Type.STRING), p("part", Type.STRING)), Type.INT,
            "The index (in characters, from 0) of the first occurrence of `part` in the string, or -1 when absent.",
            "index_of(\"registry:5000/app\", \":\") == 8",
            a -> {
                String s = str(a[0]), part = str(a[1]);
                if (s == null || part == null) return Values.NULL;
                int at = s.indexOf(part);
                return Values.integer(at < 0 ? -1 : s.codePointCount(0, at));
            }));
        add.accept(fn(CATEGORY, "entropy", List.of(p("s", Type.STRING)), Type.FLOAT,
            "Shannon entropy of the string in bits per character (0 for the empty string). Random secrets score "
                + "high (a hex token about 4, base64 about 6); words and repeated text score low.",
            "entropy(\"aaaa\") == 0.0 and entropy(\"abcd\") == 2.0",
            a -> {
                String s = str(a[0]);
                return s == null ? Values.NULL : Values.number(entropy(s));
            }));
    }

    /**
     * The string without leading and trailing Unicode white space. {@link String#strip} leaves the no-break
     * spaces (U+00A0, U+2007, U+202F) and U+0085, which text pasted from a web page or a word processor carries.
     */
    static String trim(String s) {
        int start = 0, end = s.length();
        while (start < end && isWhiteSpace(s.charAt(start))) start++;
        while (end > start && isWhiteSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    private static boolean isWhiteSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    private static Value mapString(Value v, java.util.function.UnaryOperator<String> f) {
        String s = str(v);
        return s == null ? Values.NULL : Values.string(f.apply(s));
    }

    private static Value test(Value a, Value b, java.util.function.BiPredicate<String, String> f) {
        String x = str(a), y = str(b);
        return x == null || y == null ? Values.NULL : Values.bool(f.test(x, y));
    }

    static List<Value> split(String s, String sep) {
        List<Value> parts = new ArrayList<>();
        if (sep.isEmpty()) {
            s.codePoints().forEach(cp -> parts.add(Values.string(new String(Character.toChars(cp)))));
            return parts;
        }
        int from = 0;
        while (true) {
            int at = s.indexOf(sep, from);
            if (at < 0) break;
            parts.add(Values.string(s.substring(from, at)));
            from = at + sep.length();
        }
        parts.add(Values.string(s.substring(from)));
        return parts;
    }

    static double entropy(String s) {
        Map<Integer, Integer> counts = new HashMap<>();
        int[] total = {0};
        s.codePoints().forEach(cp -> {
            counts.merge(cp, 1, Integer::sum);
            total[0]++;
        });
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / total[0];
            h -= p * (Math.log(p) / Math.log(2));
        }
        // -0.0 for a single repeated character would print oddly; entropy is never negative.
        return h <= 0 ? 0.0 : h;
    }

    /** Masking of secrets for messages. */
    static final class Masking {
        private Masking() {
        }

        static String mask(String s) {
            int n = s.codePointCount(0, s.length());
            int shown = n >= 16 ? 4 : n >= 8 ? 2 : 0;
            int cut = s.offsetByCodePoints(0, shown);
            return s.substring(0, cut) + "*".repeat(Math.min(n - shown, 32));
        }
    }
}
