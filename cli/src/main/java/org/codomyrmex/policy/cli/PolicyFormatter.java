package org.codomyrmex.policy.cli;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The canonical layout of a policy file ({@code policy fmt}), computed from the token stream so comments stay
 * where they are: the lines inside a bracket two spaces right of the line that opened it, two more for an
 * expression continued on the next line, one space around binary operators and after commas and colons, none inside brackets or around dots,
 * at most one blank line in a row, one after each top-level block and none just inside a block, no trailing
 * spaces, one final newline. Line
 * breaks stay the author's; text blocks ({@code """...""""}) and block comments are kept byte for byte.
 * Formatting is idempotent, and a result whose tokens differ from the input's is never returned.
 */
final class PolicyFormatter {
    private static final Set<String> SPACED = Set.of("==", "!=", "<", "<=", ">", ">=", "=", "+", "*", "/", "%");
    private static final Set<Integer> TOP_LEVEL = Set.of(PolicyLexer.PACKAGE, PolicyLexer.IMPORT, PolicyLexer.CONST,
        PolicyLexer.PARAM, PolicyLexer.FUNC, PolicyLexer.RULE, PolicyLexer.TEST);
    private static final Set<Integer> CLAUSES = Set.of(PolicyLexer.SEVERITY, PolicyLexer.THREAT, PolicyLexer.REFS,
        PolicyLexer.REMEDIATION, PolicyLexer.DESCRIPTION, PolicyLexer.TAGS, PolicyLexer.ON, PolicyLexer.FOR, PolicyLexer.LET,
        PolicyLexer.WHERE, PolicyLexer.REPORT, PolicyLexer.GIVEN, PolicyLexer.EXPECT);

    private PolicyFormatter() {
    }

    /** The formatted text, or empty when the text has tokens the lexer rejects (let the parser report those). */
    static Optional<String> format(String text) {
        List<Token> tokens = lex(text);
        for (Token t : tokens) {
            if (t.getType() == PolicyLexer.UNEXPECTED_CHAR || t.getType() == PolicyLexer.UNTERMINATED_STRING) return Optional.empty();
        }
        String out = layout(tokens);
        // A file written with CRLF throughout (Windows) keeps them: else fmt --check would fail it forever, and
        // its text blocks, kept byte for byte, would end up with other line endings than the lines around them.
        if (text.indexOf('\n') >= 0 && text.replace("\r\n", "").indexOf('\n') < 0) out = out.replaceAll("(?<!\r)\n", "\r\n");
        return sameTokens(tokens, lex(out)) ? Optional.of(out) : Optional.empty();
    }

    private static List<Token> lex(String text) {
        PolicyLexer lexer = new PolicyLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<Token> out = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) out.add(t);
        return out;
    }

    /**
     * A bracket that is open at some point of the output, whether it is a rule's or test's block, and the indent
     * of the line it was opened on: the lines inside go two spaces further, so a bracket opened on a continued
     * line keeps its contents to the right of that line.
     */
    private record Open(String bracket, boolean block, int lineIndent) {
    }

    private static String layout(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        List<Open> stack = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int pendingBreaks = 0;        // line breaks in the whitespace before the next token
        boolean pendingSpace = false; // whitespace without a break before the next token
        Token prev = null;            // previous token that is not whitespace
        Token prevSignificant = null; // previous token that is not whitespace or a comment
        boolean lastLineOpened = false;
        boolean lastClosedTopBlock = false;
        int lineIndent = 0;
        for (Token t : tokens) {
            if (t.getType() == PolicyLexer.WS) {
                int breaks = (int) t.getText().chars().filter(c -> c == '\n').count();
                pendingBreaks += breaks;
                pendingSpace = breaks == 0 || pendingSpace;
                continue;
            }
            String text = t.getType() == PolicyLexer.LINE_COMMENT ? t.getText().stripTrailing() : t.getText();
            boolean closer = text.equals("}") || text.equals("]") || text.equals(")");
            boolean comment = t.getType() == PolicyLexer.LINE_COMMENT || t.getType() == PolicyLexer.BLOCK_COMMENT;
            if (prev == null || pendingBreaks > 0) {
                if (prev != null) {
                    flush(out, line);
                    // Declarations after a block are set apart by one blank line (before the comments that
                    // document them, not between those and the declaration); elsewhere at most one is kept.
                    boolean blank = (pendingBreaks > 1 || lastClosedTopBlock && stack.isEmpty()) && !lastLineOpened && !closer;
                    if (blank) out.append('\n');
                    lastClosedTopBlock = false;
                }
                boolean continuation = continuation(t, stack, prevSignificant);
                Open inner = stack.isEmpty() ? null : stack.get(stack.size() - 1);
                lineIndent = inner == null ? (continuation ? 2 : 0)
                    : closer ? inner.lineIndent() : inner.lineIndent() + 2 + (continuation ? 2 : 0);
                line.append(" ".repeat(lineIndent));
            } else if (prev != null) {
                line.append(space(prev, t, pendingSpace) ? (t.getType() == PolicyLexer.LINE_COMMENT ? "  " : " ") : "");
            }
            line.append(text);
            if (text.equals("{") || text.equals("[") || text.equals("(")) {
                boolean block = text.equals("{") && stack.isEmpty() && prevSignificant != null && isString(prevSignificant);
                stack.add(new Open(text, block, lineIndent));
            } else if (closer && !stack.isEmpty()) {
                stack.remove(stack.size() - 1);
            }
            lastLineOpened = text.equals("{") || text.equals("[") || text.equals("(");
            // A comment after a block's brace on its line leaves the block just closed.
            if (!comment) lastClosedTopBlock = text.equals("}") && stack.isEmpty();
            pendingBreaks = 0;
            pendingSpace = false;
            prev = t;
            if (t.getType() != PolicyLexer.LINE_COMMENT && t.getType() != PolicyLexer.BLOCK_COMMENT) prevSignificant = t;
        }
        flush(out, line);
        String result = out.toString();
        while (result.startsWith("\n")) result = result.substring(1);
        while (result.endsWith("\n\n")) result = result.substring(0, result.length() - 1);
        return result.isEmpty() ? "" : result.endsWith("\n") ? result : result + "\n";
    }

    private static void flush(StringBuilder out, StringBuilder line) {
        String l = line.toString().stripTrailing();
        out.append(l).append('\n');
        line.setLength(0);
    }

    /**
     * A line that continues an expression: inside a rule or test block, one not opened by a clause keyword;
     * at the top level, one not opened by a declaration keyword. Comments and closers never are.
     */
    private static boolean continuation(Token t, List<Open> stack, Token prevSignificant) {
        if (prevSignificant == null || t.getType() == PolicyLexer.LINE_COMMENT || t.getType() == PolicyLexer.BLOCK_COMMENT) return false;
        String text = t.getText();
        if (text.equals("}") || text.equals("]") || text.equals(")")) return false;
        if (stack.isEmpty()) return !TOP_LEVEL.contains(t.getType());
        Open inner = stack.get(stack.size() - 1);
        if (inner.block()) return !CLAUSES.contains(t.getType()) && !prevSignificant.getText().equals("{");
        return false;
    }

    private static boolean isString(Token t) {
        return t.getType() == PolicyLexer.STRING || t.getType() == PolicyLexer.RAW_STRING;
    }

    /** Whether one space goes between two tokens on one line. */
    private static boolean space(Token a, Token b, boolean hadSpace) {
        String x = a.getText();
        String y = b.getText();
        if (b.getType() == PolicyLexer.LINE_COMMENT || b.getType() == PolicyLexer.BLOCK_COMMENT) return true;
        if (a.getType() == PolicyLexer.BLOCK_COMMENT) return hadSpace;
        if (y.equals(",") || y.equals(":") || y.equals(".") || x.equals(".")) return false;
        if (x.equals("(") || x.equals("[") || y.equals(")") || y.equals("]")) return false;
        if (x.equals(",") || x.equals(":")) return true;
        if (SPACED.contains(x) || SPACED.contains(y)) return true;
        if (y.equals("{") && isString(a)) return true;
        if (x.equals("{") || y.equals("}")) return false;
        return hadSpace;
    }

    private static boolean sameTokens(List<Token> a, List<Token> b) {
        List<String> x = significant(a);
        List<String> y = significant(b);
        return x.equals(y);
    }

    private static List<String> significant(List<Token> tokens) {
        List<String> out = new ArrayList<>();
        for (Token t : tokens) {
            if (t.getType() == PolicyLexer.WS) continue;
            String text = t.getType() == PolicyLexer.LINE_COMMENT ? t.getText().stripTrailing() : t.getText();
            out.add(t.getType() + ":" + text);
        }
        return out;
    }
}
