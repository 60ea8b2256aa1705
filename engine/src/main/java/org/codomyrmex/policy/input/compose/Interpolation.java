package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Variable interpolation as the Compose Specification defines it: {@code $VAR}, {@code ${VAR}}, the default
 * forms {@code ${VAR:-d}} / {@code ${VAR-d}}, the required forms {@code ${VAR:?e}} / {@code ${VAR?e}}, the
 * alternative forms {@code ${VAR:+a}} / {@code ${VAR+a}}, nested expressions in the word, and {@code $$} for a
 * literal dollar. Only string values are interpolated, never mapping keys. The result keeps the span of the
 * scalar it came from, so a finding on an interpolated value points at the text that produced it.
 */
final class Interpolation {
    /** Defaults nest at most this deep: deeper nesting is refused rather than recursed into. */
    private static final int MAX_NESTING = 32;

    private final Function<String, String> lookup;
    private final List<Diagnostic> diagnostics;
    /** Where a string took a set variable's value: what is there was not written in the file. */
    private final java.util.Set<Span> fromVariables = new java.util.HashSet<>();

    /** @param lookup the value of a variable, or null when it is unset */
    Interpolation(Function<String, String> lookup, List<Diagnostic> diagnostics) {
        this.lookup = lookup;
        this.diagnostics = diagnostics;
    }

    /** The tree with every string value interpolated; keys and spans are kept. */
    Value apply(Value v) {
        if (v instanceof Value.Str s) {
            if (s.value().indexOf('$') < 0) return s;
            Parser parser = new Parser(s.value(), s.span());
            String out = interpolate(parser);
            if (parser.usedVariable) fromVariables.add(s.span());
            return new Value.Str(out, s.span());
        }
        if (v instanceof Value.ListV l) {
            List<Value> items = new ArrayList<>(l.items().size());
            for (Value item : l.items()) items.add(apply(item));
            return new Value.ListV(items, l.span());
        }
        if (v instanceof Value.MapV m) {
            Map<String, Value> entries = new LinkedHashMap<>();
            for (Map.Entry<String, Value> e : m.entries().entrySet()) entries.put(e.getKey(), apply(e.getValue()));
            return new Value.MapV(entries, m.keySpans(), m.span());
        }
        return v;
    }

    /**
     * The text with its variables substituted. On an error (bad syntax, a required variable unset) a located
     * diagnostic is reported and the text is returned as written, so the rest of the file can still be read.
     */
    String interpolate(String text, Span at) {
        return interpolate(new Parser(text, at));
    }

    private String interpolate(Parser parser) {
        try {
            return parser.expand(0, parser.text.length());
        } catch (InterpolationError e) {
            diagnostics.add(Diagnostic.error(e.code, e.getMessage(), parser.at, e.hint));
            return parser.text;
        }
    }

    /** Whether the string at {@code span} holds a value taken from a set variable (not only a default). */
    boolean fromVariable(Span span) {
        return fromVariables.contains(span);
    }

    private static boolean nameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean namePart(char c) {
        return nameStart(c) || (c >= '0' && c <= '9');
    }

    private final class Parser {
        private final String text;
        private final Span at;
        private int nesting;
        /** Set when a variable's value went into the result (a default or an alternative written here does not count). */
        private boolean usedVariable;

        Parser(String text, Span at) {
            this.text = text;
            this.at = at;
        }

        /** Expands text[from, to). */
        String expand(int from, int to) {
            StringBuilder out = new StringBuilder();
            int i = from;
            while (i < to) {
                char c = text.charAt(i);
                if (c != '$') {
                    out.append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= to) throw invalid("a '$' ends the value", "write '$$' for a literal '$'");
                char n = text.charAt(i + 1);
                if (n == '$') {
                    out.append('$');
                    i += 2;
                } else if (n == '{') {
                    int close = matchingBrace(i + 1, to);
                    out.append(braced(i + 2, close));
                    i = close + 1;
                } else if (nameStart(n)) {
                    int j = i + 1;
                    while (j < to && namePart(text.charAt(j))) j++;
                    out.append(variable(text.substring(i + 1, j)));
                    i = j;
                } else {
                    throw invalid("'$" + n + "' is not a variable", "write '$$' for a literal '$'");
                }
            }
            return out.toString();
        }

        /**
         * The index of the '}' closing the '{' at {@code open}, counting nested ${...}. Only "${" opens, as in
         * compose-go: a lone '{' in a default ({@code ${A:-{}}) is text, not something that needs closing.
         */
        private int matchingBrace(int open, int to) {
            int depth = 1;
            for (int i = open + 1; i < to; i++) {
                char c = text.charAt(i);
                if (c == '$' && i + 1 < to && text.charAt(i + 1) == '$') {
                    i++;
                } else if (c == '$' && i + 1 < to && text.charAt(i + 1) == '{') {
                    depth++;
                    i++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) return i;
                }
            }
            throw invalid("'${' is not closed", "close it with '}', or write '$$' for a literal '$'");
        }

        /** The expression between "${" and "}": a name, optionally followed by an operator and a word. */
        private String braced(int from, int close) {
            int j = from;
            while (j < close && namePart(text.charAt(j))) j++;
            String name = text.substring(from, j);
            if (name.isEmpty() || !nameStart(name.charAt(0))) {
                throw invalid("'${" + text.substring(from, close) + "}' does not start with a variable name", null);
            }
            if (j == close) return variable(name);
            String value = lookup.apply(name);
            boolean set = value != null;
            boolean setAndNonEmpty = set && !value.isEmpty();
            char op = text.charAt(j);
            boolean colon = op == ':';
            if (colon) {
                if (j + 1 >= close) throw invalid("'${" + text.substring(from, close) + "}' has an incomplete operator", null);
                op = text.charAt(j + 1);
            }
            int wordStart = j + (colon ? 2 : 1);
            boolean present = colon ? setAndNonEmpty : set;
            if (nesting + 1 > MAX_NESTING) throw invalid("expressions nested more than " + MAX_NESTING + " deep", null);
            nesting++;
            try {
                switch (op) {
                    case '-' -> {
                        if (present) usedVariable = true;
                        return present ? value : expand(wordStart, close);
                    }
                    case '+' -> {
                        return present ? expand(wordStart, close) : "";
                    }
                    case '?' -> {
                        if (present) {
                            usedVariable = true;
                            return value;
                        }
                        String message = expand(wordStart, close);
                        String why = colon && set ? "is empty" : "is not set";
                        throw new InterpolationError("I3002", "required variable " + name + " " + why
                            + (message.isEmpty() ? "" : ": " + message), "set " + name + " in the environment or in .env");
                    }
                    default -> throw invalid("'${" + text.substring(from, close) + "}' has an unknown operator '"
                        + text.substring(j, Math.min(close, j + (colon ? 2 : 1))) + "'", "operators are :- - :? ? :+ +");
                }
            } finally {
                nesting--;
            }
        }

        private String variable(String name) {
            String value = lookup.apply(name);
            if (value == null) {
                diagnostics.add(Diagnostic.warning("I3003", "variable " + name + " is not set; it is replaced by an empty string",
                    at, "set " + name + " in the environment or in .env, or give a default: ${" + name + ":-default}"));
                return "";
            }
            usedVariable = true;
            return value;
        }

        private InterpolationError invalid(String what, String hint) {
            return new InterpolationError("I3001", "invalid interpolation in \"" + text + "\": " + what, hint);
        }
    }

    private static final class InterpolationError extends RuntimeException {
        final String code;
        final String hint;

        InterpolationError(String code, String message, String hint) {
            super(message, null, false, false);
            this.code = code;
            this.hint = hint;
        }
    }
}
