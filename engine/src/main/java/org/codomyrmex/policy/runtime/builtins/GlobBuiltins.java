package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;
import static org.codomyrmex.policy.runtime.builtins.Args.str;

/**
 * Shell-style wildcards with path semantics, for paths, image names and other slash-separated names. A glob is
 * translated to an RE2 pattern (so matching is linear and the compiled form is cached with the regexes).
 *
 * <ul>
 *   <li>{@code *} matches any run of characters except {@code /}; {@code ?} matches one character except
 *       {@code /}.</li>
 *   <li>{@code [abc]}, {@code [a-z]}: one character of the set; {@code [!abc]} or {@code [^abc]}: one character
 *       not in the set and not {@code /}. A {@code ]} right after the opening bracket is a member.</li>
 *   <li>{@code **} as a whole path segment matches any number of segments, zero included: {@code a/**}/{@code b}
 *       matches {@code a/b} and {@code a/x/y/b}; a leading {@code **}/ matches in any directory; a trailing
 *       /{@code **} matches everything below the directory. Elsewhere {@code **} is the same as {@code *}.</li>
 *   <li>{@code \} makes the next character literal. Everything else matches itself.</li>
 * </ul>
 * The whole string must match. An unterminated {@code [} or a trailing {@code \} makes the glob invalid.
 */
final class GlobBuiltins {
    static final String CATEGORY = "glob";

    private GlobBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "glob", List.of(p("s", Type.STRING), p("pattern", Type.STRING)), Type.BOOL,
            "Whether the whole string matches the wildcard pattern: `*` and `?` match within one path segment, "
                + "`**` as a segment matches any number of segments, `[a-z]`/`[!a-z]` match one character of or "
                + "outside a set, a backslash quotes the next character. Null when the pattern is invalid.",
            "glob(\"/var/run/docker.sock\", \"/var/run/*.sock\") and glob(\"a/b/c.yaml\", \"**/*.yaml\") "
                + "and not glob(\"a/b.yaml\", \"*.yaml\")",
            a -> {
                String s = str(a[0]), pattern = str(a[1]);
                if (s == null || pattern == null) return Values.NULL;
                Optional<Matcher> m = matcher(pattern);
                return m.isPresent() ? Values.bool(m.get().matches(s)) : Values.NULL;
            }));
    }

    /**
     * A glob ready to match. The common shapes are plain string tests: no wildcard ({@code registry.k8s.io}), one
     * leading {@code *} ({@code *.gcr.io}), one trailing {@code *} ({@code localhost:*}); the others are RE2
     * patterns. Translating a glob costs more than matching it, so matchers are cached by glob.
     */
    record Matcher(Shape shape, String literal, Optional<Pattern> pattern) {
        enum Shape { EXACT, SUFFIX, PREFIX, PATTERN }

        boolean matches(String s) {
            return switch (shape) {
                case EXACT -> s.equals(literal);
                // '*' stops at '/': what it stands for must hold none.
                case SUFFIX -> s.endsWith(literal) && s.lastIndexOf('/', s.length() - literal.length() - 1) < 0;
                case PREFIX -> s.startsWith(literal) && s.indexOf('/', literal.length()) < 0;
                case PATTERN -> pattern.orElseThrow().matches(s);
            };
        }
    }

    private static final int CACHE_SIZE = 4096;
    private static final java.util.concurrent.ConcurrentHashMap<String, Optional<Matcher>> MATCHERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The matcher of a glob, empty when the glob is invalid. Thread-safe. */
    static Optional<Matcher> matcher(String glob) {
        Optional<Matcher> cached = MATCHERS.get(glob);
        if (cached != null) return cached;
        if (MATCHERS.size() >= CACHE_SIZE) MATCHERS.clear(); // bounded: globs come from policies and configs
        Optional<Matcher> made = make(glob);
        MATCHERS.put(glob, made);
        return made;
    }

    private static Optional<Matcher> make(String glob) {
        String rest = glob.length() > 1 && glob.startsWith("*") ? glob.substring(1)
            : glob.length() > 1 && glob.endsWith("*") ? glob.substring(0, glob.length() - 1) : glob;
        boolean plain = rest.chars().noneMatch(ch -> ch == '*' || ch == '?' || ch == '[' || ch == '\\');
        if (plain && rest.equals(glob)) return Optional.of(new Matcher(Matcher.Shape.EXACT, glob, Optional.empty()));
        if (plain && rest.indexOf('/') < 0 && glob.startsWith("*")) {
            return Optional.of(new Matcher(Matcher.Shape.SUFFIX, rest, Optional.empty()));
        }
        if (plain && !rest.endsWith("/") && glob.endsWith("*")) {
            return Optional.of(new Matcher(Matcher.Shape.PREFIX, rest, Optional.empty()));
        }
        return compile(glob).map(p -> new Matcher(Matcher.Shape.PATTERN, "", Optional.of(p)));
    }

    /** The compiled form of a glob, empty when the glob is invalid. */
    static Optional<Pattern> compile(String glob) {
        String regex = toRegex(glob);
        return regex == null ? Optional.empty() : RegexBuiltins.compile(regex);
    }

    /** The RE2 pattern (to be matched against the whole string) for a glob, or null when it is invalid. */
    static String toRegex(String glob) {
        // (?s): a dot also matches a line break, so '*' and '**' do not stop at one.
        StringBuilder re = new StringBuilder("(?s)");
        int n = glob.length();
        int i = 0;
        while (i < n) {
            char c = glob.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= n) return null;
                    int cp = glob.codePointAt(i + 1);
                    literal(re, cp);
                    i += 1 + Character.charCount(cp);
                }
                case '*' -> {
                    int start = i;
                    while (i < n && glob.charAt(i) == '*') i++;
                    boolean wholeSegmentStart = start == 0 || glob.charAt(start - 1) == '/';
                    if (i - start >= 2 && wholeSegmentStart && i < n && glob.charAt(i) == '/') {
                        re.append("(?:.*/)?"); // "**/": zero or more whole directories
                        i++;
                    } else if (i - start >= 2 && wholeSegmentStart && i == n) {
                        re.append(".*"); // trailing "**": everything below
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> {
                    re.append("[^/]");
                    i++;
                }
                case '[' -> {
                    i = charClass(glob, i, re);
                    if (i < 0) return null;
                }
                default -> {
                    int cp = glob.codePointAt(i);
                    literal(re, cp);
                    i += Character.charCount(cp);
                }
            }
        }
        return re.toString();
    }

    /** Appends the class starting at {@code glob[open]}; returns the index after it, or -1 when unterminated. */
    private static int charClass(String glob, int open, StringBuilder re) {
        int n = glob.length();
        int i = open + 1;
        boolean negated = i < n && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
        if (negated) i++;
        StringBuilder members = new StringBuilder();
        boolean first = true;
        while (i < n && (glob.charAt(i) != ']' || first)) {
            int cp;
            boolean escaped = glob.charAt(i) == '\\';
            if (escaped) {
                if (i + 1 >= n) return -1;
                cp = glob.codePointAt(i + 1);
                i += 1 + Character.charCount(cp);
            } else {
                cp = glob.codePointAt(i);
                i += Character.charCount(cp);
            }
            first = false;
            // A '-' between two members makes a range; at either end it is a member.
            if (cp == '-' && !escaped && !members.isEmpty() && i < n && glob.charAt(i) != ']') {
                members.append('-');
            } else {
                members.append(String.format("\\x{%x}", cp));
            }
        }
        if (i >= n) return -1;
        re.append(negated ? "[^/" : "[").append(members).append(']');
        return i + 1;
    }

    private static void literal(StringBuilder re, int cp) {
        if (cp < 128 && Character.isLetterOrDigit(cp)) {
            re.appendCodePoint(cp);
        } else {
            re.append(String.format("\\x{%x}", cp));
        }
    }
}
