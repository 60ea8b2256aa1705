package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;
import org.codomyrmex.policy.runtime.builtins.BuiltinRegistry;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Colours the input line from the policy lexer's tokens: keywords, strings, numbers, comments, builtin names
 * and REPL commands. The tokens spell the input exactly, so the highlighted text is the buffer unchanged.
 */
final class ReplHighlighter implements Highlighter {
    static final AttributedStyle KEYWORD = AttributedStyle.BOLD.foreground(AttributedStyle.BLUE);
    static final AttributedStyle STRING = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    static final AttributedStyle NUMBER = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    static final AttributedStyle COMMENT = AttributedStyle.DEFAULT.faint();
    static final AttributedStyle BUILTIN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    static final AttributedStyle COMMAND = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);
    static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);

    private final BooleanSupplier plain;

    /** @param plain true while the line is not code (an input being pasted) */
    ReplHighlighter(BooleanSupplier plain) {
        this.plain = plain;
    }

    @Override
    public AttributedString highlight(LineReader reader, String buffer) {
        return plain.getAsBoolean() ? new AttributedString(buffer) : highlight(buffer);
    }

    static AttributedString highlight(String buffer) {
        AttributedStringBuilder sb = new AttributedStringBuilder();
        String code = buffer;
        if (buffer.stripLeading().startsWith(":")) {
            // A command: its name, then the rest as code when the command takes an expression.
            int start = buffer.indexOf(':');
            int end = start;
            while (end < buffer.length() && !Character.isWhitespace(buffer.charAt(end))) end++;
            String name = buffer.substring(start, end);
            sb.append(buffer.substring(0, start));
            sb.styled(COMMAND, name);
            code = buffer.substring(end);
            if (!ReplSession.EXPRESSION_COMMANDS.contains(name)) {
                sb.append(code);
                return sb.toAttributedString();
            }
        }
        List<Token> tokens = Tokens.lex(code);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            sb.styled(style(t, i + 1 < tokens.size() ? tokens.get(i + 1) : null), t.getText());
        }
        return sb.toAttributedString();
    }

    private static AttributedStyle style(Token t, Token next) {
        int type = t.getType();
        if (Tokens.isKeyword(t)) return KEYWORD;
        if (Tokens.isString(t)) return STRING;
        if (type == PolicyLexer.INT || type == PolicyLexer.FLOAT) return NUMBER;
        if (type == PolicyLexer.LINE_COMMENT || type == PolicyLexer.BLOCK_COMMENT) return COMMENT;
        if (type == PolicyLexer.UNEXPECTED_CHAR) return ERROR;
        if (type == PolicyLexer.IDENT && next != null && next.getText().equals("(")
            && BuiltinRegistry.standard().lookup(t.getText()).isPresent()) return BUILTIN;
        return AttributedStyle.DEFAULT;
    }

    @Override
    public void setErrorPattern(Pattern errorPattern) {
        // Errors are shown after the input is evaluated, with a caret; nothing to mark while typing.
    }

    @Override
    public void setErrorIndex(int errorIndex) {
        // As above.
    }
}
