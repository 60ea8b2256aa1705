package org.codomyrmex.policy.runtime.builtins;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Text that every match of a pattern must contain, found from the pattern's source: a literal run at the top
 * level ({@code hvs\.} in {@code \bhvs\.[A-Za-z0-9]+}), or a required group of literal alternatives
 * ({@code (AKIA|ASIA)}). A string that contains none of the alternatives cannot match, and
 * {@link String#contains} answers that far faster than RE2J's automaton: the standard library's credential
 * patterns run on every string value, and nearly none of them match.
 *
 * <p>Conservative by construction: anything not understood (flags such as {@code (?i)}, a top-level
 * alternation, octal or quoted escapes) gives no requirement, so the answer of a match never changes.
 */
final class RequiredLiteral {
    /** Shorter requirements save too little to be worth the check. */
    private static final int MIN_LENGTH = 2;

    private final String re;
    private final List<List<String>> candidates = new ArrayList<>();
    private final StringBuilder run = new StringBuilder();

    private RequiredLiteral(String re) {
        this.re = re;
    }

    /** The alternatives one of which every match contains, or empty when none can be told. */
    static Optional<List<String>> of(String regex) {
        try {
            return new RequiredLiteral(regex).scan();
        } catch (Unsupported | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * What every match contains: {@link #of} for a case-sensitive pattern; for one that starts with
     * {@code (?i)}, the same alternatives compared ignoring ASCII case.
     */
    record Requirement(List<String> alternatives, boolean ignoreCase) {
        /**
         * Whether the text contains an alternative. Ignoring case, only ASCII text is judged: RE2's case folding
         * makes some non-ASCII letters equal to ASCII ones (the Kelvin sign K and k), so any other text may match.
         */
        boolean presentIn(String text) {
            if (!ignoreCase) return present(alternatives, text);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) > 0x7f) return true;
            }
            for (String a : alternatives) {
                if (containsIgnoreAsciiCase(text, a)) return true;
            }
            return false;
        }

        private static boolean containsIgnoreAsciiCase(String text, String part) {
            for (int from = 0; from + part.length() <= text.length(); from++) {
                if (text.regionMatches(true, from, part, 0, part.length())) return true;
            }
            return false;
        }
    }

    /** The requirement of a pattern, or empty when none can be told. */
    static Optional<Requirement> requirement(String regex) {
        boolean ignoreCase = regex.startsWith("(?i)");
        String rest = ignoreCase ? regex.substring(4) : regex;
        if (ignoreCase && !rest.chars().allMatch(ch -> ch < 0x80)) return Optional.empty(); // folding of non-ASCII literals
        return of(rest).map(alternatives -> new Requirement(alternatives, ignoreCase));
    }

    /** Whether {@code text} contains one of the alternatives. */
    static boolean present(List<String> alternatives, String text) {
        for (String a : alternatives) {
            if (text.contains(a)) return true;
        }
        return false;
    }

    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private Optional<List<String>> scan() throws Unsupported {
        List<String> branches = topLevelBranches();
        if (branches.size() > 1) {
            // A match is a match of one branch: the union of the branches' requirements, if each has one.
            List<String> union = new ArrayList<>();
            for (String branch : branches) {
                Optional<List<String>> r = new RequiredLiteral(branch).scan();
                if (r.isEmpty()) return Optional.empty();
                union.addAll(r.get());
            }
            return Optional.of(List.copyOf(union));
        }
        int n = re.length();
        int i = 0;
        while (i < n) {
            char c = re.charAt(i);
            switch (c) {
                case '\\' -> i = escape(i);
                case '[' -> {
                    endRun();
                    i = skipQuantifier(classEnd(i) + 1);
                }
                case '(' -> i = group(i);
                case '.', '^', '$' -> {
                    endRun();
                    i = skipQuantifier(i + 1);
                }
                case ')', '|', '*', '+', '?', '{' -> throw new Unsupported(); // not where a valid pattern has them
                default -> i = literal(c, i + 1);
            }
        }
        endRun();
        List<String> best = null;
        for (List<String> alternatives : candidates) {
            if (shortest(alternatives) >= MIN_LENGTH && (best == null || shortest(alternatives) > shortest(best))) best = alternatives;
        }
        return Optional.ofNullable(best).map(List::copyOf);
    }

    private static int shortest(List<String> alternatives) {
        return alternatives.stream().mapToInt(String::length).min().orElse(0);
    }

    private void endRun() {
        if (!run.isEmpty()) candidates.add(List.of(run.toString()));
        run.setLength(0);
    }

    /** A literal character at {@code next - 1}: required unless a quantifier lets it be absent. */
    private int literal(char c, int next) throws Unsupported {
        if (next < re.length()) {
            char q = re.charAt(next);
            if (q == '?' || q == '*' || (q == '{' && minRepeat(next) == 0)) {
                endRun();
                return skipQuantifier(next);
            }
            if (q == '+' || q == '{') {
                run.append(c);
                endRun(); // what follows a repeated character is not adjacent to the run
                return skipQuantifier(next);
            }
        }
        run.append(c);
        return next;
    }

    private int escape(int i) throws Unsupported {
        if (i + 1 >= re.length()) throw new Unsupported();
        char d = re.charAt(i + 1);
        if (!Character.isLetterOrDigit(d)) return literal(d, i + 2); // \. \- \/ ... stand for themselves
        endRun();
        int next = switch (d) {
            case 'b', 'B', 'A', 'z', 'd', 'D', 's', 'S', 'w', 'W' -> i + 2;
            case 'x' -> re.charAt(i + 2) == '{' ? re.indexOf('}', i + 2) + 1 : i + 4;
            case 'p', 'P' -> re.charAt(i + 2) == '{' ? re.indexOf('}', i + 2) + 1 : i + 3;
            default -> throw new Unsupported(); // \Q..\E, octal, \n \t (could be literal; rare in our patterns)
        };
        if (next <= i) throw new Unsupported();
        return skipQuantifier(next);
    }

    /** A group: a required group of plain literal alternatives is a candidate; any other group ends the run. */
    private int group(int i) throws Unsupported {
        int end = groupEnd(i);
        String content = re.substring(i + 1, end);
        if (content.startsWith("?:")) content = content.substring(2);
        else if (content.startsWith("?")) throw new Unsupported(); // flags, named groups: not worth understanding
        endRun();
        int next = end + 1;
        boolean optional = next < re.length() && (re.charAt(next) == '?' || re.charAt(next) == '*'
            || (re.charAt(next) == '{' && minRepeat(next) == 0));
        if (!optional && isPlainAlternation(content)) candidates.add(List.of(content.split("\\|", -1)));
        return skipQuantifier(next);
    }

    private static boolean isPlainAlternation(String content) {
        if (content.isEmpty()) return false;
        for (int k = 0; k < content.length(); k++) {
            char ch = content.charAt(k);
            if (!(Character.isLetterOrDigit(ch) || ch == '_' || ch == '-' || ch == '|' || ch == ' ' || ch == '=' || ch == ':')) return false;
        }
        return !content.startsWith("|") && !content.endsWith("|") && !content.contains("||");
    }

    private int groupEnd(int open) throws Unsupported {
        int depth = 0;
        for (int k = open; k < re.length(); k++) {
            char ch = re.charAt(k);
            if (ch == '\\') k++;
            else if (ch == '[') k = classEnd(k);
            else if (ch == '(') depth++;
            else if (ch == ')' && --depth == 0) return k;
        }
        throw new Unsupported();
    }

    private int classEnd(int open) throws Unsupported {
        int k = open + 1;
        if (k < re.length() && re.charAt(k) == '^') k++;
        if (k < re.length() && re.charAt(k) == ']') k++;
        while (k < re.length()) {
            char ch = re.charAt(k);
            if (ch == '\\') k += 2;
            else if (ch == '[' && k + 1 < re.length() && re.charAt(k + 1) == ':') {
                int close = re.indexOf(":]", k + 2);
                if (close < 0) throw new Unsupported();
                k = close + 2;
            } else if (ch == ']') return k;
            else k++;
        }
        throw new Unsupported();
    }

    private int minRepeat(int brace) throws Unsupported {
        int k = brace + 1;
        int start = k;
        while (k < re.length() && Character.isDigit(re.charAt(k))) k++;
        if (k == start) throw new Unsupported();
        return Integer.parseInt(re.substring(start, k));
    }

    /** Past a quantifier (and its lazy mark) at {@code i}, if there is one. */
    private int skipQuantifier(int i) throws Unsupported {
        if (i >= re.length()) return i;
        char q = re.charAt(i);
        int next = i;
        if (q == '?' || q == '*' || q == '+') next = i + 1;
        else if (q == '{') {
            int close = re.indexOf('}', i);
            if (close < 0) throw new Unsupported();
            next = close + 1;
        }
        if (next > i && next < re.length() && re.charAt(next) == '?') next++;
        return next;
    }

    /** The pattern split at its top-level {@code |}: one branch when there is none. */
    private List<String> topLevelBranches() throws Unsupported {
        List<String> branches = new ArrayList<>();
        int depth = 0, start = 0;
        for (int k = 0; k < re.length(); k++) {
            char ch = re.charAt(k);
            if (ch == '\\') k++;
            else if (ch == '[') k = classEnd(k);
            else if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if (ch == '|' && depth == 0) {
                branches.add(re.substring(start, k));
                start = k + 1;
            }
        }
        branches.add(re.substring(start));
        return branches;
    }
}
