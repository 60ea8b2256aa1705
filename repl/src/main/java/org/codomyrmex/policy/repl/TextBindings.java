package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The names bound in the text being typed that are in scope at its end (the cursor), each with the text of
 * its value, for completion: a rule's {@code for} and {@code let} clauses (one per line or several on one
 * line, over any number of lines), a comprehension's {@code for}, a quantifier before its {@code :}, and
 * {@code let x = ... in}. Read from the lexer's tokens rather than parsed: the text is unfinished by nature.
 * A name whose value is still being typed is not in scope yet, and one bound inside brackets goes out of scope
 * where they close.
 */
final class TextBindings {
    /** The rule items: after a complete expression at the rule's level, one of these starts the next clause. */
    private static final Set<Integer> CLAUSE_STARTS = Set.of(PolicyLexer.FOR, PolicyLexer.LET, PolicyLexer.WHERE,
        PolicyLexer.REPORT, PolicyLexer.SEVERITY, PolicyLexer.THREAT, PolicyLexer.REFS, PolicyLexer.REMEDIATION,
        PolicyLexer.DESCRIPTION, PolicyLexer.TAGS, PolicyLexer.ON);

    /** What a binder's value ends at: its kind, and whether it stands at a rule's level (not in brackets). */
    private enum Binder {
        /** {@code for x in xs} inside {@code [...]}: ends at {@code if} or the closing bracket. */
        COMPREHENSION,
        /** {@code any x in xs:}: ends at the colon. */
        QUANTIFIER,
        /** A rule's {@code for x in xs}: ends where the next clause starts, or at the rule's closing brace. */
        FOR_CLAUSE,
        /** {@code let x = v}: ends at its {@code in}, or, at a rule's level, where the next clause starts. */
        LET
    }

    /** An open bracket and how many bindings were in scope when it opened. */
    private record Open(String bracket, int bindingsBefore) {
    }

    private TextBindings() {
    }

    static List<ReplSession.TextBinding> inScopeAt(String text) {
        List<Token> tokens = Tokens.significant(text);
        List<ReplSession.TextBinding> out = new ArrayList<>();
        Deque<Open> open = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            String s = tokens.get(i).getText();
            if (isOpening(s)) {
                open.push(new Open(s, out.size()));
                continue;
            }
            if (isClosing(s)) {
                if (!open.isEmpty()) out.subList(open.pop().bindingsBefore(), out.size()).clear();
                continue;
            }
            boolean ruleLevel = open.isEmpty() || open.peek().bracket().equals("{");
            Optional<Binder> binder = binderAt(tokens, i, ruleLevel);
            if (binder.isEmpty()) continue;
            int from = i + 3;
            Optional<String> value = valueOf(tokens, from, binder.get(), ruleLevel, text);
            if (value.isEmpty()) continue; // still being typed: the name is not in scope at the cursor
            out.add(new ReplSession.TextBinding(tokens.get(i + 1).getText(), binder.get() != Binder.LET, value.get()));
        }
        return out;
    }

    /** {@code for NAME in}, {@code any NAME in} (and the other quantifiers), {@code let NAME =}. */
    private static Optional<Binder> binderAt(List<Token> tokens, int i, boolean ruleLevel) {
        if (i + 2 >= tokens.size() || tokens.get(i + 1).getType() != PolicyLexer.IDENT) return Optional.empty();
        int type = tokens.get(i).getType();
        boolean thenIn = tokens.get(i + 2).getType() == PolicyLexer.IN;
        if (type == PolicyLexer.FOR && thenIn) return Optional.of(ruleLevel ? Binder.FOR_CLAUSE : Binder.COMPREHENSION);
        if (isQuantifier(type) && thenIn) return Optional.of(Binder.QUANTIFIER);
        if (type == PolicyLexer.LET && tokens.get(i + 2).getText().equals("=")) return Optional.of(Binder.LET);
        return Optional.empty();
    }

    /**
     * The text of a binder's value, from token {@code from} to where it ends; empty while it has no end yet
     * (the cursor is in it). The end of the text ends a rule's clause too when the user went on to a new line.
     */
    private static Optional<String> valueOf(List<Token> tokens, int from, Binder binder, boolean ruleLevel, String text) {
        int depth = 0;
        int lets = 0; // nested `let ... =` whose own `in` is still to come
        for (int j = from; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            String s = t.getText();
            if (isOpening(s)) {
                depth++;
                continue;
            }
            if (isClosing(s)) {
                if (depth-- > 0) continue;
                // The bracket around the binder closes: a comprehension's `]`, a rule's `}`.
                return slice(text, tokens, from, j);
            }
            if (depth > 0) continue;
            int type = t.getType();
            boolean afterWhole = j > from && Completeness.canEnd(tokens.get(j - 1));
            if (ruleLevel && (binder == Binder.FOR_CLAUSE || binder == Binder.LET) && afterWhole && CLAUSE_STARTS.contains(type)) {
                return slice(text, tokens, from, j);
            }
            if (isQuantifier(type) && j + 2 < tokens.size() && tokens.get(j + 2).getType() == PolicyLexer.IN) {
                j += 2; // a nested quantifier's own `in`
            } else if (type == PolicyLexer.LET) {
                lets++;
            } else if (type == PolicyLexer.IN && binder == Binder.LET) {
                if (lets == 0) return slice(text, tokens, from, j);
                lets--;
            } else if (s.equals(":") && binder == Binder.QUANTIFIER) {
                return slice(text, tokens, from, j);
            } else if (type == PolicyLexer.IF && binder == Binder.COMPREHENSION) {
                return slice(text, tokens, from, j);
            }
        }
        boolean clause = ruleLevel && (binder == Binder.FOR_CLAUSE || binder == Binder.LET);
        if (!clause || from >= tokens.size()) return Optional.empty();
        Token last = tokens.get(tokens.size() - 1);
        boolean newLineAfter = text.indexOf('\n', last.getStopIndex() + 1) >= 0;
        return newLineAfter && Completeness.canEnd(last) ? slice(text, tokens, from, tokens.size()) : Optional.empty();
    }

    /** The text of tokens {@code from} (inclusive) to {@code to} (exclusive); empty when there are none. */
    private static Optional<String> slice(String text, List<Token> tokens, int from, int to) {
        if (to <= from) return Optional.empty();
        int start = tokens.get(from).getStartIndex();
        int end = tokens.get(to - 1).getStopIndex() + 1;
        if (start < 0 || end > text.length() || start >= end) return Optional.empty();
        return Optional.of(text.substring(start, end));
    }

    private static boolean isQuantifier(int type) {
        return type == PolicyLexer.ANY || type == PolicyLexer.ALL || type == PolicyLexer.NONE || type == PolicyLexer.COUNT;
    }

    private static boolean isOpening(String s) {
        return s.equals("(") || s.equals("[") || s.equals("{");
    }

    private static boolean isClosing(String s) {
        return s.equals(")") || s.equals("]") || s.equals("}");
    }
}
