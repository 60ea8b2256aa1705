package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;

import java.util.List;
import java.util.Set;

/**
 * Decides whether REPL input is a whole expression, rule or command, or whether the user is still typing:
 * from the lexer's tokens, so brackets inside strings and comments do not count. Input is incomplete while
 * a bracket, brace or parenthesis is open, a text block or block comment is unterminated, a rule or test
 * header has not reached its brace, or the last token cannot end an expression ({@code and}, {@code +},
 * {@code =}, {@code then}, ...). Commands ({@code :load ...}) are always one line.
 */
final class Completeness {
    private static final Set<Integer> CONTINUING_KEYWORDS = Set.of(
        PolicyLexer.IF, PolicyLexer.THEN, PolicyLexer.ELSE, PolicyLexer.LET, PolicyLexer.IN, PolicyLexer.ANY,
        PolicyLexer.ALL, PolicyLexer.NONE, PolicyLexer.COUNT, PolicyLexer.AND, PolicyLexer.OR, PolicyLexer.NOT,
        PolicyLexer.PLUS, PolicyLexer.MINUS);

    private Completeness() {
    }

    static boolean isComplete(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.startsWith(":")) return true;
        List<Token> all = Tokens.lex(text);
        int depth = 0;
        boolean headerOpen = false;
        Token last = null;
        Token previous = null;
        for (Token t : all) {
            String s = t.getText();
            if (t.getType() == PolicyLexer.UNEXPECTED_CHAR || t.getType() == PolicyLexer.UNTERMINATED_STRING) {
                // `"""` without its end lexes as the string "" followed by an unterminated string.
                if (s.startsWith("\"") && previous != null && previous.getText().equals("\"\"")
                    && previous.getStopIndex() + 1 == t.getStartIndex()) return false;
            }
            // `/*` without its end lexes as the operators / and *.
            if (s.equals("*") && previous != null && previous.getText().equals("/")
                && previous.getStopIndex() + 1 == t.getStartIndex()) return false;
            previous = t;
            if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
            if (last == null && (t.getType() == PolicyLexer.RULE || t.getType() == PolicyLexer.TEST)) headerOpen = true;
            switch (s) {
                case "(", "[", "{" -> {
                    depth++;
                    if (s.equals("{")) headerOpen = false;
                }
                case ")", "]", "}" -> depth--;
                default -> {
                }
            }
            last = t;
        }
        if (depth > 0 || headerOpen) return false;
        // A doc comment alone documents what comes next: keep reading.
        if (last == null) return all.stream().noneMatch(t -> t.getType() == PolicyLexer.LINE_COMMENT && t.getText().startsWith("///"));
        return canEnd(last);
    }

    /** Whether an expression can end with this token: it is not an operator or a keyword that needs more. */
    static boolean canEnd(Token last) {
        if (Tokens.CONTINUING_SYMBOLS.contains(last.getText()) && last.getType() != PolicyLexer.STRING) return false;
        return !CONTINUING_KEYWORDS.contains(last.getType());
    }
}
