package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The policy lexer over REPL input: every token on every channel, so the tokens spell the input exactly
 * (whitespace and comments are hidden-channel tokens, anything else unknown is one UNEXPECTED_CHAR).
 */
final class Tokens {
    /** Keyword tokens are contiguous in the grammar, from 'package' to 'null'. */
    static final int FIRST_KEYWORD = PolicyLexer.PACKAGE;
    static final int LAST_KEYWORD = PolicyLexer.NULL;

    private Tokens() {
    }

    /**
     * The tokens of {@code text}, with start and stop indexes as offsets into the Java string (UTF-16 chars), as
     * every caller uses them: the lexer counts code points, so each character outside the BMP (an emoji) before a
     * token would otherwise shift it one char to the left.
     */
    static List<Token> lex(String text) {
        PolicyLexer lexer = new PolicyLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        boolean bmpOnly = text.codePointCount(0, text.length()) == text.length();
        List<Token> out = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (!bmpOnly && t instanceof CommonToken c) {
                c.setText(c.getText()); // kept: the text is read from the stream by code point indexes
                int start = text.offsetByCodePoints(0, c.getStartIndex());
                int stop = text.offsetByCodePoints(start, c.getStopIndex() - c.getStartIndex() + 1) - 1;
                c.setStartIndex(start);
                c.setStopIndex(stop);
            }
            out.add(t);
        }
        return out;
    }

    /** The tokens a parser sees: no whitespace, no comments. */
    static List<Token> significant(String text) {
        return lex(text).stream().filter(t -> t.getChannel() == Token.DEFAULT_CHANNEL).toList();
    }

    static boolean isKeyword(Token t) {
        return t.getType() >= FIRST_KEYWORD && t.getType() <= LAST_KEYWORD;
    }

    static boolean isString(Token t) {
        int type = t.getType();
        return type == PolicyLexer.STRING || type == PolicyLexer.RAW_STRING || type == PolicyLexer.TEXT_BLOCK;
    }

    /** Every keyword of the language, for completion. */
    static List<String> keywords() {
        List<String> out = new ArrayList<>();
        for (int type = FIRST_KEYWORD; type <= LAST_KEYWORD; type++) {
            String literal = PolicyLexer.VOCABULARY.getLiteralName(type);
            if (literal != null) out.add(literal.substring(1, literal.length() - 1));
        }
        return out;
    }

    /** Symbols after which an expression cannot end. */
    static final Set<String> CONTINUING_SYMBOLS = Set.of(
        ".", "=", "(", ",", "{", "[", ":", "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=");
}
