package org.codomyrmex.policy.config;

import java.util.regex.Pattern;

/**
 * A shell-style pattern on a name (a rule id, a kind, a namespace, a resource name), compiled once: {@code *} is
 * any run of characters, {@code ?} one character, {@code [abc]}, {@code [a-z]} and {@code [!abc]} one character
 * of (or not of) a set ({@link BracketExpression}); everything else stands for itself. Unlike {@link Glob},
 * {@code *} crosses {@code /}, because names such as image references contain slashes that are not folders. The empty pattern matches
 * anything: it is what an exception that does not select on a field holds.
 */
public final class NamePattern {
    private static final NamePattern ANY = new NamePattern("", null);

    private final String text;
    private final Pattern regex; // null for the empty pattern, which matches everything

    private NamePattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    public static NamePattern of(String text) {
        if (text.isEmpty()) return ANY;
        StringBuilder sb = new StringBuilder();
        boolean wild = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int close;
            if (c == '*') {
                sb.append(".*");
                wild = true;
            } else if (c == '?') {
                sb.append('.');
                wild = true;
            } else if (c == '[' && (close = BracketExpression.translate(text, i, false, sb)) > 0) {
                i = close;
                wild = true;
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        // A pattern without wildcards is compared as a string: most exceptions name one rule and one resource.
        return new NamePattern(text, wild ? Pattern.compile(sb.toString()) : null);
    }

    public boolean matches(String name) {
        if (regex != null) return regex.matcher(name).matches();
        return text.isEmpty() || text.equals(name);
    }

    /** Whether this pattern selects nothing in particular (the field was not given). */
    public boolean isAny() {
        return text.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamePattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The pattern as written. */
    @Override
    public String toString() {
        return text;
    }
}
