package org.codomyrmex.policy.syntax;

import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.grammar.PolicyLexer;
import org.codomyrmex.policy.grammar.PolicyParser;
import org.codomyrmex.policy.grammar.PolicyParser.*;
import org.codomyrmex.policy.model.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads policy source into the AST. The ANTLR parse tree lives only inside this class; what leaves it is
 * immutable records and diagnostics. Syntax errors are rewritten in a user's words ("expected an expression")
 * instead of ANTLR's token names.
 */
public final class Parser {
    private static final int MAX_ERRORS = 10;
    /**
     * Brackets nest at most this deep, and an expression's tree at most {@link #MAX_EXPR_DEPTH}: the parser, the
     * checker, the compiler and the evaluator recurse on nesting, so a hostile policy must end in a located
     * error here rather than in a StackOverflowError later.
     */
    static final int MAX_NESTING = 100;
    static final int MAX_EXPR_DEPTH = 256;
    /** Tokens in one file: the parse tree takes memory per token (the standard library's largest file has ~15k). */
    static final int MAX_TOKENS = 100_000;

    private final SourceFile source;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final CommonTokenStream tokens;

    /** A module, or nothing when the source has syntax errors; the diagnostics say why. */
    public record Result<T>(Optional<T> value, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return value.isPresent() && diagnostics.stream().noneMatch(Diagnostic::isError);
        }
    }

    /** Where in the file the parsed text starts: token indexes are relative to it. */
    private final int offset;
    /** The parsed text: the whole file, or one template hole. */
    private final String region;
    /**
     * The lexer counts code points, the file's offsets count UTF-16 chars: where the region holds characters
     * outside the BMP (an emoji in a comment), the char index of each code point index; else null (the same).
     */
    private final int[] charIndexOfCodePoint;

    private Parser(SourceFile source) {
        this(source, 0, source.text().length());
    }

    /** Parses {@code [start, end)} of the file; spans stay in the file's coordinates. */
    private Parser(SourceFile source, int start, int end) {
        this.source = source;
        this.offset = start;
        this.region = start == 0 && end == source.text().length() ? source.text() : source.text().substring(start, end);
        this.charIndexOfCodePoint = charIndexes(region);
        PolicyLexer lexer = new PolicyLexer(CharStreams.fromString(region, source.name()));
        lexer.removeErrorListeners();
        this.tokens = new CommonTokenStream(lexer);
    }

    public static Result<Module> parseModule(SourceFile source) {
        return parse(new Parser(source), PolicyParser::module, (p, tree) -> {
            Module m = p.module(tree);
            return p.diagnostics.stream().anyMatch(Diagnostic::isError) ? Optional.empty() : Optional.of(m);
        });
    }

    /** One expression (the REPL's input, a template hole). */
    public static Result<Expr> parseExpression(SourceFile source) {
        return parseExpression(new Parser(source));
    }

    private static Result<Expr> parseExpression(Parser region) {
        return parse(region, parser -> {
            ExprContext tree = parser.expr();
            if (parser.getCurrentToken().getType() != Token.EOF && parser.getNumberOfSyntaxErrors() == 0) {
                Token extra = parser.getCurrentToken();
                throw new SyntaxError(Diagnostic.error("P1001", "unexpected " + describe(extra)
                    + " after the end of the expression", region.span(extra)));
            }
            return tree;
        }, (p, tree) -> Optional.of(p.expr(tree)));
    }

    /**
     * The two steps every parse shares: ANTLR's parse (stopped after {@link #MAX_ERRORS} syntax errors), then the
     * AST builder; any syntax error, excessive nesting or builder error ends in diagnostics, never an exception.
     */
    private static <T, R> Result<R> parse(Parser p, java.util.function.Function<PolicyParser, T> rule,
                                          java.util.function.BiFunction<Parser, T, Optional<R>> build) {
        SourceFile source = p.source;
        if (p.nestedTooDeeply()) return new Result<>(Optional.empty(), p.diagnostics);
        T tree;
        PolicyParser parser = p.fastParser();
        try {
            // SLL prediction without error recovery parses every valid file (the grammar needs no full context)
            // and costs a fraction of LL; only a file with an error is parsed again, with LL and diagnostics.
            tree = rule.apply(parser);
        } catch (ParseCancellationException | SyntaxError notSll) {
            tree = null;
        } catch (StackOverflowError e) {
            p.diagnostics.add(p.tooDeep(p.span(parser.getCurrentToken())));
            return new Result<>(Optional.empty(), p.diagnostics);
        }
        if (tree == null) {
            p.tokens.seek(0);
            parser = p.newParser();
        }
        try {
            if (tree == null) tree = rule.apply(parser);
        } catch (ParseCancellationException tooManyErrors) {
            // The error listener stops the parse after MAX_ERRORS; the errors it kept are the result.
            return new Result<>(Optional.empty(), p.diagnostics);
        } catch (SyntaxError e) {
            p.diagnostics.add(e.diagnostic);
            return new Result<>(Optional.empty(), p.diagnostics);
        } catch (StackOverflowError e) {
            p.diagnostics.add(p.tooDeep(p.span(parser.getCurrentToken())));
            return new Result<>(Optional.empty(), p.diagnostics);
        }
        if (!p.diagnostics.isEmpty()) return new Result<>(Optional.empty(), p.diagnostics);
        try {
            return new Result<>(build.apply(p, tree), p.diagnostics);
        } catch (SyntaxError e) {
            p.diagnostics.add(e.diagnostic);
            return new Result<>(Optional.empty(), p.diagnostics);
        } catch (StackOverflowError e) {
            p.diagnostics.add(p.tooDeep(Span.of(source.name(), 1, 1)));
            return new Result<>(Optional.empty(), p.diagnostics);
        }
    }

    // ------------------------------------------------------------------ nesting limits

    private Diagnostic tooDeep(Span at) {
        return Diagnostic.error("P1014", "expression nested too deeply", at,
            "brackets nest at most " + MAX_NESTING + " levels and expressions at most " + MAX_EXPR_DEPTH
                + "; split it with let or a func");
    }

    /**
     * Checks size and bracket nesting on a separate pass of the lexer that keeps no tokens, before the parse
     * builds its tree (which costs memory per token); reports where a limit is passed.
     */
    private boolean nestedTooDeeply() {
        PolicyLexer scan = new PolicyLexer(CharStreams.fromString(region, source.name()));
        scan.removeErrorListeners();
        int depth = 0;
        int count = 0;
        for (Token t = scan.nextToken(); t.getType() != Token.EOF; t = scan.nextToken()) {
            if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
            if (++count > MAX_TOKENS) {
                diagnostics.add(Diagnostic.error("P1015", "policy file too large: more than " + MAX_TOKENS + " tokens",
                    span(t), "split it into several files"));
                return true;
            }
            switch (t.getText()) {
                case "(", "[", "{" -> {
                    if (++depth > MAX_NESTING) {
                        diagnostics.add(tooDeep(span(t)));
                        return true;
                    }
                }
                case ")", "]", "}" -> depth = Math.max(0, depth - 1);
                default -> { }
            }
        }
        return false;
    }

    /** Operator chains and keyword nesting (not, -, if, let, any) deepen the tree without brackets. */
    private static void checkDepth(Expr root, Parser p) {
        java.util.ArrayDeque<Expr> nodes = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        while (!nodes.isEmpty()) {
            Expr e = nodes.pop();
            int d = depths.pop();
            if (d > MAX_EXPR_DEPTH) throw new SyntaxError(p.tooDeep(e.span().isKnown() ? e.span() : root.span()));
            for (Expr child : children(e)) {
                nodes.push(child);
                depths.push(d + 1);
            }
        }
    }

    private static List<Expr> children(Expr e) {
        if (e instanceof Expr.Field f) return List.of(f.target());
        if (e instanceof Expr.Index i) return List.of(i.target(), i.index());
        if (e instanceof Expr.Call c) return c.args();
        if (e instanceof Expr.Unary u) return List.of(u.operand());
        if (e instanceof Expr.Binary b) return List.of(b.left(), b.right());
        if (e instanceof Expr.Conditional c) return List.of(c.condition(), c.then(), c.otherwise());
        if (e instanceof Expr.Let l) return List.of(l.value(), l.body());
        if (e instanceof Expr.Quantified q) return List.of(q.source(), q.predicate());
        if (e instanceof Expr.Comprehension c) {
            List<Expr> out = new ArrayList<>(List.of(c.element(), c.source()));
            c.filter().ifPresent(out::add);
            return out;
        }
        if (e instanceof Expr.ListLiteral l) return l.items();
        if (e instanceof Expr.MapLiteral m) return m.entries().stream().map(Expr.MapEntry::value).toList();
        if (e instanceof Expr.Template t) {
            return t.parts().stream().filter(x -> x instanceof Expr.ExprPart).map(x -> ((Expr.ExprPart) x).expr()).toList();
        }
        return List.of();
    }

    /** A parser that stops at the first error (SLL prediction, no recovery, no listeners). */
    private PolicyParser fastParser() {
        PolicyParser parser = new PolicyParser(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailErrorStrategy());
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        return parser;
    }

    private PolicyParser newParser() {
        PolicyParser parser = new PolicyParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int col, String msg,
                                    RecognitionException e) {
                if (diagnostics.size() >= MAX_ERRORS) throw new ParseCancellationException();
                Diagnostic d = syntaxDiagnostic((PolicyParser) recognizer, (Token) offending, e, msg);
                diagnostics.add(d);
                // An open comment or text block was meant to run on: errors in the rest are only noise.
                if (d.code().equals("P1016") || d.message().equals("unterminated text block")) throw new ParseCancellationException();
            }
        });
        return parser;
    }

    // ------------------------------------------------------------------ syntax error messages

    private Diagnostic syntaxDiagnostic(PolicyParser parser, Token offending, RecognitionException e, String antlrMessage) {
        Span at = offending != null ? span(offending) : Span.of(source.name(), 1, 1);
        if (offending != null && offending.getType() == PolicyLexer.UNEXPECTED_CHAR) {
            return Diagnostic.error("P1002", "unexpected character '" + offending.getText() + "'", at);
        }
        // `"""` and `/*` without their end do not lex as a text block or a comment, but as the string "" and an
        // unterminated string, or as the operators / and *: say what the author wrote.
        Token before = offending == null ? null : adjacent(offending, -1);
        if (offending != null && offending.getType() == PolicyLexer.UNTERMINATED_STRING && offending.getText().startsWith("\"")
            && before != null && before.getText().equals("\"\"")) {
            return Diagnostic.error("P1003", "unterminated text block", span(before), "close it with \"\"\"");
        }
        Token slash = offending == null ? null
            : offending.getText().equals("/") && isText(adjacent(offending, 1), "*") ? offending
            : offending.getText().equals("*") && isText(before, "/") ? before : null;
        if (slash != null) {
            return Diagnostic.error("P1016", "unterminated comment", span(slash), "close it with */");
        }
        if (offending != null && offending.getType() == PolicyLexer.UNTERMINATED_STRING) {
            return Diagnostic.error("P1003", "unterminated string", at, "close it with " + offending.getText().charAt(0)
                + " on the same line, or use a text block \"\"\"...\"\"\" for several lines");
        }
        IntervalSet expected = null;
        try {
            expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
        } catch (RuntimeException ignored) {
            // getExpectedTokens can fail in odd recovery states; the message below still stands.
        }
        String found = offending == null ? "input" : describe(offending);
        String want = expected == null ? "" : describeExpected(expected);
        String context = contextWords(parser.getContext());
        String message;
        if (e instanceof NoViableAltException || e instanceof InputMismatchException || antlrMessage.startsWith("mismatched")
            || antlrMessage.startsWith("extraneous") || antlrMessage.startsWith("no viable")) {
            message = "unexpected " + found + (context.isEmpty() ? "" : " in " + context);
        } else if (antlrMessage.startsWith("missing")) {
            message = "missing " + (want.isEmpty() ? "token" : want) + " before " + found;
            want = "";
        } else {
            message = "unexpected " + found;
        }
        if (before != null && before.getType() == PolicyLexer.STRING && before.getText().startsWith("\"") && hasOpenHole(before.getText())) {
            // report "x {labels["app"]}": the message ended at the inner quote.
            return Diagnostic.error("P1001", message, at, "the message ends at the \" before this; write strings inside a"
                + " {hole} with single quotes: {labels['app']}");
        }
        Optional<String> keyword = offending != null && offending.getType() == PolicyLexer.IDENT && expected != null
            ? org.codomyrmex.policy.diag.Suggestions.closest(offending.getText(), keywords(expected)) : Optional.empty();
        if (keyword.isPresent()) return Diagnostic.error("P1001", message, at, "did you mean '" + keyword.get() + "'?");
        return Diagnostic.error("P1001", message, at, want.isEmpty() ? null : "expected " + want);
    }

    /** The keywords among the expected tokens ({@code severity}, {@code expect}, ...): a misspelled one is a name. */
    private static List<String> keywords(IntervalSet expected) {
        List<String> words = new ArrayList<>();
        for (int type : expected.toArray()) {
            String lit = type > 0 ? PolicyParser.VOCABULARY.getLiteralName(type) : null;
            if (lit != null && lit.length() > 3 && lit.substring(1, lit.length() - 1).chars().allMatch(Character::isLetter)) {
                words.add(lit.substring(1, lit.length() - 1));
            }
        }
        return words;
    }

    /** Whether a quoted string's text has a '{' that no '}' closes (escapes skipped). */
    private static boolean hasOpenHole(String quoted) {
        int depth = 0;
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\') i++;
            else if (c == '{') depth++;
            else if (c == '}' && depth > 0) depth--;
        }
        return depth > 0;
    }

    /** The token right before ({@code -1}) or after ({@code 1}) this one with nothing between them, or null. */
    private Token adjacent(Token t, int direction) {
        int i = t.getTokenIndex() + direction;
        if (t.getTokenIndex() < 0 || i < 0 || i >= tokens.size()) return null;
        Token other = tokens.get(i);
        if (other.getType() == Token.EOF) return null;
        boolean touching = direction < 0 ? other.getStopIndex() + 1 == t.getStartIndex() : t.getStopIndex() + 1 == other.getStartIndex();
        return touching ? other : null;
    }

    private static boolean isText(Token t, String text) {
        return t != null && t.getText().equals(text);
    }

    private static String contextWords(ParserRuleContext ctx) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            if (c instanceof RuleDeclContext) return "rule";
            if (c instanceof TestDeclContext) return "test";
            if (c instanceof FuncDeclContext) return "function";
            if (c instanceof ConstDeclContext) return "constant";
        }
        return "";
    }

    static String describe(Token t) {
        if (t.getType() == Token.EOF) return "end of file";
        String text = t.getText();
        return switch (t.getType()) {
            case PolicyLexer.STRING, PolicyLexer.RAW_STRING -> "string " + abbreviate(text);
            case PolicyLexer.TEXT_BLOCK -> "text block";
            case PolicyLexer.INT, PolicyLexer.FLOAT -> "number " + text;
            case PolicyLexer.IDENT -> "name '" + text + "'";
            default -> "'" + abbreviate(text) + "'";
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 30 ? s.substring(0, 27) + "..." : s;
    }

    private static String describeExpected(IntervalSet set) {
        List<String> words = new ArrayList<>();
        boolean expression = set.contains(PolicyLexer.INT) && set.contains(PolicyLexer.STRING) && set.contains(PolicyLexer.IDENT);
        if (expression) words.add("an expression");
        boolean name = !expression && set.contains(PolicyLexer.IDENT);
        if (name) words.add("a name");
        for (int type : set.toArray()) {
            if (expression && isExpressionStart(type)) continue;
            if ((expression || name) && isSoftKeyword(type)) continue;
            String w = switch (type) {
                case Token.EOF -> "end of file";
                case PolicyLexer.IDENT -> null;
                case PolicyLexer.STRING, PolicyLexer.RAW_STRING, PolicyLexer.TEXT_BLOCK -> "a string";
                case PolicyLexer.INT -> "a number";
                case PolicyLexer.FLOAT -> null;
                default -> {
                    String lit = PolicyParser.VOCABULARY.getLiteralName(type);
                    yield lit != null ? lit : null;
                }
            };
            if (w != null && !words.contains(w)) words.add(w);
        }
        if (words.size() > 8) return words.get(0).equals("an expression") ? "an expression" : "a declaration or rule item";
        if (words.isEmpty()) return "";
        if (words.size() == 1) return words.get(0);
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }

    private static boolean isExpressionStart(int type) {
        return switch (type) {
            case PolicyLexer.INT, PolicyLexer.FLOAT, PolicyLexer.STRING, PolicyLexer.RAW_STRING, PolicyLexer.TEXT_BLOCK,
                PolicyLexer.TRUE, PolicyLexer.FALSE, PolicyLexer.NULL, PolicyLexer.IF, PolicyLexer.LET, PolicyLexer.ANY,
                PolicyLexer.ALL, PolicyLexer.NONE, PolicyLexer.COUNT, PolicyLexer.NOT, PolicyLexer.MINUS -> true;
            default -> {
                String lit = PolicyParser.VOCABULARY.getLiteralName(type);
                yield "'('".equals(lit) || "'['".equals(lit) || "'{'".equals(lit);
            }
        };
    }

    /** Keywords that the grammar also accepts as names; listing them after "a name" would only confuse. */
    private static boolean isSoftKeyword(int type) {
        return switch (type) {
            case PolicyLexer.SEVERITY, PolicyLexer.THREAT, PolicyLexer.REFS, PolicyLexer.REMEDIATION,
                PolicyLexer.DESCRIPTION, PolicyLexer.TAGS, PolicyLexer.ON, PolicyLexer.REPORT, PolicyLexer.AT,
                PolicyLexer.WHEN, PolicyLexer.GIVEN, PolicyLexer.EXPECT, PolicyLexer.LINE, PolicyLexer.COLUMN,
                PolicyLexer.FINDINGS, PolicyLexer.FILE, PolicyLexer.NO, PolicyLexer.TEST, PolicyLexer.AS, PolicyLexer.PARAM -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ spans

    private static int[] charIndexes(String text) {
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) return null;
        int[] index = new int[codePoints + 1];
        int c = 0;
        for (int i = 0; i < codePoints; i++) {
            index[i] = c;
            c += Character.charCount(text.codePointAt(c));
        }
        index[codePoints] = c;
        return index;
    }

    /** The file offset of a lexer index (a code point index into the region). */
    private int fileOffset(int lexerIndex) {
        if (charIndexOfCodePoint == null || lexerIndex < 0) return offset + lexerIndex;
        return offset + charIndexOfCodePoint[Math.min(lexerIndex, charIndexOfCodePoint.length - 1)];
    }

    private Span span(Token t) {
        int start = fileOffset(t.getStartIndex());
        int stop = fileOffset(t.getStopIndex());
        if (t.getType() == Token.EOF || t.getStartIndex() < 0) {
            int end = Math.max(0, offset + region.length() - 1);
            return Span.of(source.name(), source.lineOf(end), source.columnOf(end) + 1);
        }
        return source.span(start, Math.max(start, stop));
    }

    private Span span(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() != null ? ctx.getStop() : start;
        if (stop.getStopIndex() < start.getStartIndex()) return span(start);
        return source.span(fileOffset(start.getStartIndex()), fileOffset(stop.getStopIndex()));
    }

    private Span span(TerminalNode n) {
        return span(n.getSymbol());
    }

    private static final class SyntaxError extends RuntimeException {
        final transient Diagnostic diagnostic;

        SyntaxError(Diagnostic d) {
            super(d.message(), null, false, false);
            this.diagnostic = d;
        }
    }

    private SyntaxError error(String code, String message, Span at) {
        return new SyntaxError(Diagnostic.error(code, message, at));
    }

    private SyntaxError error(String code, String message, Span at, String hint) {
        return new SyntaxError(Diagnostic.error(code, message, at, hint));
    }

    // ------------------------------------------------------------------ module

    private Module module(ModuleContext ctx) {
        Optional<String> pkg = ctx.packageDecl() == null ? Optional.empty() : Optional.of(ctx.packageDecl().qualifiedName().getText());
        List<Module.Import> imports = new ArrayList<>();
        for (ImportDeclContext i : ctx.importDecl()) {
            imports.add(new Module.Import(i.qualifiedName().getText(),
                i.name() == null ? Optional.empty() : Optional.of(i.name().getText()), span(i)));
        }
        List<Decl> decls = new ArrayList<>();
        for (DeclarationContext d : ctx.declaration()) {
            try {
                decls.add(declaration(d));
            } catch (SyntaxError e) {
                diagnostics.add(e.diagnostic); // keep reading the other declarations
            }
        }
        return new Module(source, pkg, imports, decls);
    }

    private Decl declaration(DeclarationContext d) {
        if (d.constDecl() != null) {
            ConstDeclContext c = d.constDecl();
            return new Decl.Const(c.name().getText(), span(c.name()), expr(c.expr()), docComment(c), span(c));
        }
        if (d.paramDecl() != null) {
            ParamDeclContext c = d.paramDecl();
            return new Decl.Parameter(c.name().getText(), span(c.name()), expr(c.expr()), docComment(c), span(c));
        }
        if (d.funcDecl() != null) {
            FuncDeclContext f = d.funcDecl();
            List<Decl.Param> params = new ArrayList<>();
            for (ParamContext p : f.param()) params.add(new Decl.Param(p.getText(), span(p)));
            return new Decl.Function(f.name().getText(), span(f.name()), params, expr(f.expr()), docComment(f), span(f));
        }
        if (d.ruleDecl() != null) return rule(d.ruleDecl());
        return test(d.testDecl());
    }

    /** The {@code ///} lines right above a declaration. */
    private String docComment(ParserRuleContext ctx) {
        List<Token> hidden = tokens.getHiddenTokensToLeft(ctx.getStart().getTokenIndex());
        if (hidden == null) return "";
        StringBuilder sb = new StringBuilder();
        for (Token t : hidden) {
            String text = t.getText();
            if (text.startsWith("///")) {
                if (sb.length() > 0) sb.append('\n');
                sb.append(text.substring(3).strip());
            }
        }
        return sb.toString();
    }

    private String ruleId(RuleIdContext ctx) {
        StringBuilder sb = new StringBuilder();
        int expectedStart = ctx.getStart().getStartIndex();
        for (int i = ctx.getStart().getTokenIndex(); i <= ctx.getStop().getTokenIndex(); i++) {
            Token t = tokens.get(i);
            if (t.getChannel() != Token.DEFAULT_CHANNEL || t.getStartIndex() != expectedStart) {
                throw error("P1004", "a rule id is written without spaces, like ESC-001", span(ctx));
            }
            sb.append(t.getText());
            expectedStart = t.getStopIndex() + 1;
        }
        return sb.toString();
    }

    private Decl.Word word(ParserRuleContext ctx) {
        return new Decl.Word(ctx.getText(), span(ctx));
    }

    private Decl.Rule rule(RuleDeclContext ctx) {
        String id = ruleId(ctx.ruleId());
        String title = stringValue(ctx.string());
        Optional<Decl.Word> severity = Optional.empty();
        Optional<Decl.Word> threat = Optional.empty();
        List<String> refs = new ArrayList<>();
        Optional<String> remediation = Optional.empty();
        Optional<String> description = Optional.empty();
        List<String> tags = new ArrayList<>();
        List<Decl.Selector> selectors = new ArrayList<>();
        List<Decl.Clause> clauses = new ArrayList<>();
        List<Decl.Report> reports = new ArrayList<>();
        for (RuleItemContext item : ctx.ruleItem()) {
            if (!reports.isEmpty() && !(item instanceof ReportItemContext)) {
                throw error("P1005", "reports come last in a rule; move this before the first 'report'", span(item));
            }
            if (item instanceof SeverityItemContext s) {
                severity = once(severity, word(s.name()), s, "severity");
            } else if (item instanceof ThreatItemContext t) {
                threat = once(threat, word(t.hyphenName()), t, "threat");
            } else if (item instanceof RefsItemContext r) {
                r.string().forEach(s -> refs.add(stringValue(s)));
            } else if (item instanceof RemediationItemContext r) {
                remediation = once(remediation, stringValue(r.string()), r, "remediation");
            } else if (item instanceof DescriptionItemContext dsc) {
                description = once(description, stringValue(dsc.string()), dsc, "description");
            } else if (item instanceof TagsItemContext t) {
                t.string().forEach(s -> tags.add(stringValue(s)));
            } else if (item instanceof OnItemContext o) {
                for (SelectorContext s : o.selector()) {
                    List<Decl.Word> kinds = new ArrayList<>();
                    s.hyphenName().forEach(k -> kinds.add(word(k)));
                    selectors.add(new Decl.Selector(word(s.name()), kinds, span(s)));
                }
            } else if (item instanceof ForItemContext f) {
                clauses.add(new Decl.ForClause(f.name().getText(), span(f.name()), expr(f.expr()), span(f)));
            } else if (item instanceof LetItemContext l) {
                clauses.add(new Decl.LetClause(l.name().getText(), span(l.name()), expr(l.expr()), span(l)));
            } else if (item instanceof WhereItemContext w) {
                clauses.add(new Decl.WhereClause(expr(w.expr()), span(w)));
            } else if (item instanceof ReportItemContext r) {
                Expr.Template message = template(r.string());
                Optional<Expr> at = r.AT() == null ? Optional.empty() : Optional.of(expr(r.expr(0)));
                Optional<Expr> when = r.WHEN() == null ? Optional.empty() : Optional.of(expr(r.expr(r.AT() == null ? 0 : 1)));
                reports.add(new Decl.Report(message, at, when, span(r)));
            }
        }
        if (reports.isEmpty()) {
            throw error("P1006", "rule " + id + " has no 'report'; a rule must say what it reports", span(ctx.ruleId()));
        }
        return new Decl.Rule(id, span(ctx.ruleId()), title, severity, threat, refs, remediation, description, tags,
            selectors, clauses, reports, docComment(ctx), span(ctx));
    }

    private <T> Optional<T> once(Optional<T> previous, T value, ParserRuleContext at, String what) {
        if (previous.isPresent()) throw error("P1007", "'" + what + "' is given twice", span(at));
        return Optional.of(value);
    }

    private Decl.Test test(TestDeclContext ctx) {
        List<Decl.Given> givens = new ArrayList<>();
        List<Decl.Expectation> expectations = new ArrayList<>();
        OptionalInt count = OptionalInt.empty();
        Span countSpan = Span.NONE;
        for (TestItemContext item : ctx.testItem()) {
            if (item instanceof GivenItemContext g) {
                boolean isFile = g.FILE() != null;
                String text = stringValue(g.string());
                givens.add(new Decl.Given(word(g.name()), isFile ? Optional.empty() : Optional.of(text),
                    isFile ? Optional.of(text) : Optional.empty(), span(g.string()), span(g)));
            } else if (item instanceof ExpectItemContext e) {
                OptionalInt line = e.INT().size() > 0 ? OptionalInt.of(intOf(e.INT(0))) : OptionalInt.empty();
                OptionalInt column = e.INT().size() > 1 ? OptionalInt.of(intOf(e.INT(1))) : OptionalInt.empty();
                expectations.add(new Decl.Expectation(ruleId(e.ruleId()), e.NO() != null, line, column, span(e)));
            } else if (item instanceof ExpectCountItemContext c) {
                // A second count silently replaced the first: the test checked only the last one.
                if (count.isPresent()) throw error("P1007", "'expect N findings' is given twice", span(c));
                count = OptionalInt.of(intOf(c.INT()));
                countSpan = span(c);
            }
        }
        return new Decl.Test(stringValue(ctx.string()), givens, expectations, count, countSpan, span(ctx));
    }

    private int intOf(TerminalNode n) {
        try {
            return Integer.parseInt(n.getText());
        } catch (NumberFormatException e) {
            throw error("P1008", "number too large: " + n.getText(), span(n));
        }
    }

    // ------------------------------------------------------------------ expressions

    /** Expressions being built; the outermost one has its depth checked once it is complete. */
    private int building;

    private Expr expr(ExprContext ctx) {
        building++;
        try {
            Expr e = buildExpr(ctx);
            if (building == 1) checkDepth(e, this);
            return e;
        } finally {
            building--;
        }
    }

    private Expr buildExpr(ExprContext ctx) {
        if (ctx instanceof ConditionalExprContext c) {
            return new Expr.Conditional(expr(c.expr(0)), expr(c.expr(1)), expr(c.expr(2)), span(c));
        }
        if (ctx instanceof LetExprContext l) {
            return new Expr.Let(l.name().getText(), span(l.name()), expr(l.expr(0)), expr(l.expr(1)), span(l));
        }
        if (ctx instanceof QuantifierExprContext q) {
            Expr.Quantifier kind = switch (q.quantifier().getStart().getType()) {
                case PolicyLexer.ANY -> Expr.Quantifier.ANY;
                case PolicyLexer.ALL -> Expr.Quantifier.ALL;
                case PolicyLexer.NONE -> Expr.Quantifier.NONE;
                default -> Expr.Quantifier.COUNT;
            };
            return new Expr.Quantified(kind, q.name().getText(), span(q.name()), expr(q.expr(0)), expr(q.expr(1)), span(q));
        }
        return or(((PlainExprContext) ctx).orExpr());
    }

    private Expr or(OrExprContext ctx) {
        // The operand lists are taken once: ANTLR builds a new list on each call, quadratic on long chains.
        List<AndExprContext> terms = ctx.andExpr();
        Expr left = and(terms.get(0));
        for (int i = 1; i < terms.size(); i++) {
            Expr right = and(terms.get(i));
            left = new Expr.Binary(Expr.BinaryOp.OR, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Expr and(AndExprContext ctx) {
        List<NotExprContext> terms = ctx.notExpr();
        Expr left = not(terms.get(0));
        for (int i = 1; i < terms.size(); i++) {
            Expr right = not(terms.get(i));
            left = new Expr.Binary(Expr.BinaryOp.AND, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Expr not(NotExprContext ctx) {
        if (ctx.NOT() != null) return new Expr.Unary(Expr.UnaryOp.NOT, not(ctx.notExpr()), span(ctx));
        return comparison(ctx.comparison());
    }

    private Expr comparison(ComparisonContext ctx) {
        Expr left = additive(ctx.additive(0));
        if (ctx.compareOp() == null) return left;
        Expr right = additive(ctx.additive(1));
        String op = ctx.compareOp().getText();
        Expr.BinaryOp binary = switch (op) {
            case "==" -> Expr.BinaryOp.EQ;
            case "!=" -> Expr.BinaryOp.NE;
            case "<" -> Expr.BinaryOp.LT;
            case "<=" -> Expr.BinaryOp.LE;
            case ">" -> Expr.BinaryOp.GT;
            case ">=" -> Expr.BinaryOp.GE;
            case "in" -> Expr.BinaryOp.IN;
            default -> Expr.BinaryOp.NOT_IN;
        };
        return new Expr.Binary(binary, left, right, left.span().to(right.span()));
    }

    private Expr additive(AdditiveContext ctx) {
        List<MultiplicativeContext> terms = ctx.multiplicative();
        Expr left = multiplicative(terms.get(0));
        for (int i = 1; i < terms.size(); i++) {
            Token op = ((TerminalNode) ctx.getChild(2 * i - 1)).getSymbol();
            Expr right = multiplicative(terms.get(i));
            left = new Expr.Binary(op.getType() == PolicyLexer.PLUS ? Expr.BinaryOp.ADD : Expr.BinaryOp.SUB, left, right,
                left.span().to(right.span()));
        }
        return left;
    }

    private Expr multiplicative(MultiplicativeContext ctx) {
        List<UnaryContext> terms = ctx.unary();
        Expr left = unary(terms.get(0));
        for (int i = 1; i < terms.size(); i++) {
            String op = ctx.getChild(2 * i - 1).getText();
            Expr right = unary(terms.get(i));
            Expr.BinaryOp binary = switch (op) {
                case "*" -> Expr.BinaryOp.MUL;
                case "/" -> Expr.BinaryOp.DIV;
                default -> Expr.BinaryOp.MOD;
            };
            left = new Expr.Binary(binary, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Expr unary(UnaryContext ctx) {
        if (ctx.MINUS() != null) {
            Expr operand = unary(ctx.unary());
            // -5 is a literal, so constants like -1 need no folding and print as written.
            if (operand instanceof Expr.Literal lit && lit.value() instanceof Value.Int i) {
                return new Expr.Literal(new Value.Int(-i.value(), Span.NONE), span(ctx));
            }
            if (operand instanceof Expr.Literal lit && lit.value() instanceof Value.Float f) {
                return new Expr.Literal(new Value.Float(-f.value(), Span.NONE), span(ctx));
            }
            return new Expr.Unary(Expr.UnaryOp.NEGATE, operand, span(ctx));
        }
        return postfix(ctx.postfix());
    }

    private Expr postfix(PostfixContext ctx) {
        Expr e = primary(ctx.primary());
        for (PostfixOpContext op : ctx.postfixOp()) {
            Span whole = e.span().to(span(op));
            if (op instanceof MethodCallContext m) {
                List<Expr> args = new ArrayList<>();
                args.add(e);
                if (m.args() != null) m.args().expr().forEach(a -> args.add(expr(a)));
                e = new Expr.Call(m.memberName().getText(), args, true, span(m.memberName()), whole);
            } else if (op instanceof FieldAccessContext f) {
                e = new Expr.Field(e, f.memberName().getText(), span(f.memberName()), whole);
            } else {
                e = new Expr.Index(e, expr(((IndexAccessContext) op).expr()), whole);
            }
        }
        return e;
    }

    private Expr primary(PrimaryContext ctx) {
        if (ctx instanceof LiteralPrimaryContext l) return literal(l.literal());
        if (ctx instanceof CallPrimaryContext c) {
            List<Expr> args = new ArrayList<>();
            if (c.args() != null) c.args().expr().forEach(a -> args.add(expr(a)));
            return new Expr.Call(c.name().getText(), args, false, span(c.name()), span(c));
        }
        if (ctx instanceof NamePrimaryContext n) return new Expr.Name(n.getText(), span(n));
        if (ctx instanceof ParenPrimaryContext p) return expr(p.expr());
        if (ctx instanceof ComprehensionPrimaryContext c) {
            Optional<Expr> filter = c.IF() == null ? Optional.empty() : Optional.of(expr(c.expr(2)));
            return new Expr.Comprehension(expr(c.expr(0)), c.name().getText(), span(c.name()), expr(c.expr(1)), filter, span(c));
        }
        if (ctx instanceof ListPrimaryContext l) {
            List<Expr> items = new ArrayList<>();
            l.expr().forEach(x -> items.add(expr(x)));
            return new Expr.ListLiteral(items, span(l));
        }
        MapPrimaryContext m = (MapPrimaryContext) ctx;
        List<Expr.MapEntry> entries = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (MapEntryContext e : m.mapEntry()) {
            String key = e.name() != null ? e.name().getText() : stringValue(e.string());
            Span keySpan = e.name() != null ? span(e.name()) : span(e.string());
            if (seen.contains(key)) throw error("P1009", "duplicate key '" + key + "' in map literal", keySpan);
            seen.add(key);
            entries.add(new Expr.MapEntry(key, keySpan, expr(e.expr())));
        }
        return new Expr.MapLiteral(entries, span(m));
    }

    /**
     * A literal's value has no place in any input: its span stays on the expression, so a finding reported
     * {@code at} a literal (or a {@code for} over a literal list) points at the input, not into the policy file.
     */
    private Expr literal(LiteralContext ctx) {
        Span at = span(ctx);
        Span none = Span.NONE;
        if (ctx.INT() != null) {
            try {
                return new Expr.Literal(new Value.Int(Long.parseLong(ctx.getText()), none), at);
            } catch (NumberFormatException e) {
                throw error("P1008", "integer too large: " + ctx.getText(), at);
            }
        }
        if (ctx.FLOAT() != null) {
            double d = Double.parseDouble(ctx.getText());
            if (Double.isInfinite(d)) throw error("P1008", "number too large: " + ctx.getText(), at);
            return new Expr.Literal(new Value.Float(d, none), at);
        }
        if (ctx.TRUE() != null) return new Expr.Literal(new Value.Bool(true, none), at);
        if (ctx.FALSE() != null) return new Expr.Literal(new Value.Bool(false, none), at);
        if (ctx.NULL() != null) return new Expr.Literal(new Value.Null(none), at);
        return new Expr.Literal(new Value.Str(stringValue(ctx.string()), none), at);
    }

    // ------------------------------------------------------------------ strings and templates

    /** The value of a string literal of any form, escapes processed. */
    private String stringValue(StringContext ctx) {
        Token t = ctx.getStart();
        String raw = t.getText();
        return switch (t.getType()) {
            case PolicyLexer.RAW_STRING -> raw.substring(2, raw.length() - 1);
            case PolicyLexer.TEXT_BLOCK -> textBlock(raw.substring(3, raw.length() - 3));
            default -> unescape(raw.substring(1, raw.length() - 1), fileOffset(t.getStartIndex()) + 1, false).text;
        };
    }

    /**
     * Text blocks drop a line break right after the opening quotes and the common indentation, so embedded
     * YAML keeps its own line 1 and column 1.
     */
    static String textBlock(String body) {
        String text = body;
        int firstBreak = text.indexOf('\n');
        if (firstBreak >= 0 && text.substring(0, firstBreak).isBlank()) text = text.substring(firstBreak + 1);
        String[] lines = text.split("\n", -1);
        int lastIndex = lines.length - 1;
        boolean dropLast = lines[lastIndex].isBlank();
        int indent = Integer.MAX_VALUE;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            int n = 0;
            while (n < lines[i].length() && (lines[i].charAt(n) == ' ' || lines[i].charAt(n) == '\t')) n++;
            indent = Math.min(indent, n);
        }
        if (indent == Integer.MAX_VALUE) indent = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i == lastIndex && dropLast) break;
            String line = lines[i];
            sb.append(line.length() >= indent ? line.substring(indent) : line.strip());
            if (i < lastIndex) sb.append('\n');
        }
        return sb.toString();
    }

    private record Unescaped(String text, List<int[]> holes) {
    }

    /**
     * Processes escapes of a quoted string whose content starts at file offset {@code base}. With
     * {@code template}, {@code {...}} holes are collected as [start, end) offsets into the file instead.
     */
    private Unescaped unescape(String raw, int base, boolean template) {
        StringBuilder sb = new StringBuilder();
        List<int[]> holes = new ArrayList<>();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(++i);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\', '"', '\'', '{', '}' -> sb.append(n);
                    case 'u' -> {
                        if (i + 4 >= raw.length()) {
                            throw error("P1010", "\\u needs four hex digits", source.span(base + i - 1, base + i));
                        }
                        String hex = raw.substring(i + 1, i + 5);
                        // parseInt alone takes a sign: the digits "+041" gave an A, and "-001" gave U+FFFF.
                        if (!hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                            throw error("P1010", "\\u needs four hex digits", source.span(base + i - 1, base + i + 4));
                        }
                        sb.append((char) Integer.parseInt(hex, 16));
                        i += 4;
                    }
                    default -> throw error("P1011", "unknown escape '\\" + n + "'", source.span(base + i - 1, base + i),
                        "use \\\\ for a backslash, or a raw string r\"...\" for regular expressions");
                }
            } else if (template && c == '{') {
                int depth = 1;
                int j = i + 1;
                char quote = 0;
                while (j < raw.length() && depth > 0) {
                    char d = raw.charAt(j);
                    if (quote != 0) {
                        // A string inside the hole has escapes of its own: {'it\'s'} closes at the last quote.
                        if (d == '\\') j++;
                        else if (d == quote) quote = 0;
                    } else if (d == '\\') {
                        j++; // an escaped quote of the message itself opens no string
                    } else if (d == '\'' || d == '"') {
                        quote = d;
                    } else if (d == '{') {
                        depth++;
                    } else if (d == '}') {
                        depth--;
                    }
                    j++;
                }
                if (depth > 0) {
                    throw error("P1012", "unclosed '{' in message template", source.span(base + i, base + i),
                        "write \\{ for a literal brace");
                }
                holes.add(new int[] {sb.length(), base + i + 1, base + j - 1});
                i = j - 1;
            } else {
                sb.append(c);
            }
        }
        return new Unescaped(sb.toString(), holes);
    }

    private Expr.Template template(StringContext ctx) {
        Token t = ctx.getStart();
        Span at = span(ctx);
        if (t.getType() != PolicyLexer.STRING) {
            return new Expr.Template(List.of(new Expr.TextPart(stringValue(ctx))), at);
        }
        String raw = t.getText();
        Unescaped u = unescape(raw.substring(1, raw.length() - 1), fileOffset(t.getStartIndex()) + 1, true);
        List<Expr.TemplatePart> parts = new ArrayList<>();
        int textPos = 0;
        for (int[] hole : u.holes) {
            if (hole[0] > textPos) parts.add(new Expr.TextPart(u.text.substring(textPos, hole[0])));
            textPos = hole[0];
            parts.add(new Expr.ExprPart(holeExpr(hole[1], hole[2])));
        }
        if (textPos < u.text.length()) parts.add(new Expr.TextPart(u.text.substring(textPos)));
        return new Expr.Template(parts, at);
    }

    /** Parses the expression between file offsets [start, end) with spans in the file's own coordinates. */
    private Expr holeExpr(int start, int end) {
        String text = source.text();
        if (text.substring(start, end).isBlank()) throw error("P1013", "empty '{}' in message template", source.span(start - 1, end));
        // Only the hole is lexed and parsed (the whole file again per hole made big files quadratic).
        Result<Expr> r = parseExpression(new Parser(source, start, end));
        if (r.value().isEmpty()) throw new SyntaxError(r.diagnostics().get(0));
        return r.value().get();
    }
}
