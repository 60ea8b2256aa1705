package org.codomyrmex.policy.config;

import java.util.Map;

/**
 * A bracket expression of a shell pattern, as git's wildmatch reads it: {@code [abc]}, {@code [a-z]},
 * {@code [!abc]} or {@code [^abc]}, {@code [[:digit:]]}; a {@code ]} right after the opening bracket (or its
 * {@code !}) is a member, a backslash makes the next character a member. Translated into a Java regex class
 * whose members are all written as code points, so no pattern a user or a {@code .gitignore} writes can become
 * an invalid regex: a reversed range such as {@code [z-a]} holds nothing, as in git, instead of failing.
 * {@link Glob} and {@link NamePattern} share it.
 */
final class BracketExpression {
    private static final Map<String, String> CLASSES = Map.ofEntries(
        Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("blank", "\\p{Blank}"),
        Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"), Map.entry("graph", "\\p{Graph}"),
        Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
        Map.entry("space", "\\p{Space}"), Map.entry("upper", "\\p{Upper}"), Map.entry("xdigit", "\\p{XDigit}"));

    private BracketExpression() {
    }

    /**
     * Appends to {@code regex} the class for the bracket expression that opens at {@code pattern[open]}, and
     * returns the index of its closing {@code ]}; returns -1 and appends nothing when no {@code ]} closes it
     * (the caller then takes the {@code [} as itself). With {@code slashExcluded} the class never matches
     * {@code /}, as a path pattern's brackets do not.
     */
    static int translate(String pattern, int open, boolean slashExcluded, StringBuilder regex) {
        int i = open + 1;
        boolean negated = i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^');
        if (negated) i++;
        StringBuilder members = new StringBuilder();
        boolean first = true;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == ']' && !first) {
                regex.append(asClass(members, negated, slashExcluded));
                return i;
            }
            first = false;
            if (c == '[' && pattern.startsWith("[:", i)) {
                int end = pattern.indexOf(":]", i + 2);
                if (end > 0) {
                    // An unknown class name adds no member: like a reversed range, it matches nothing.
                    String named = CLASSES.get(pattern.substring(i + 2, end));
                    if (named != null) members.append(named);
                    i = end + 2;
                    continue;
                }
            }
            int[] low = member(pattern, i);
            i = low[1];
            if (i + 1 < pattern.length() && pattern.charAt(i) == '-' && pattern.charAt(i + 1) != ']') {
                int[] high = member(pattern, i + 1);
                i = high[1];
                if (low[0] <= high[0]) members.append(codePoint(low[0])).append('-').append(codePoint(high[0]));
            } else {
                members.append(codePoint(low[0]));
            }
        }
        return -1;
    }

    /** The member at {@code i} (a backslash takes the next character as itself) and the index after it. */
    private static int[] member(String pattern, int i) {
        if (pattern.charAt(i) == '\\' && i + 1 < pattern.length()) i++;
        int c = pattern.codePointAt(i);
        return new int[] {c, i + Character.charCount(c)};
    }

    private static String codePoint(int c) {
        return "\\x{" + Integer.toHexString(c) + "}";
    }

    private static String asClass(CharSequence members, boolean negated, boolean slashExcluded) {
        if (members.isEmpty()) {
            // Java has no empty class: nothing at all, or (negated) any one character.
            if (!negated) return "(?!)";
            return slashExcluded ? "[^/]" : "(?s:.)";
        }
        if (negated) return "[^" + members + (slashExcluded ? "/" : "") + "]";
        return slashExcluded ? "[" + members + "&&[^/]]" : "[" + members + "]";
    }
}
