package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.PolicyTests;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.compile.Compiler;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.grammar.PolicyLexer;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.report.TextReport;
import org.codomyrmex.policy.runtime.Budget;
import org.codomyrmex.policy.runtime.Cancellation;
import org.codomyrmex.policy.runtime.CompiledPolicy;
import org.codomyrmex.policy.runtime.CompiledRule;
import org.codomyrmex.policy.runtime.Frame;
import org.codomyrmex.policy.runtime.Node;
import org.codomyrmex.policy.runtime.builtins.Builtin;
import org.codomyrmex.policy.runtime.builtins.BuiltinRegistry;
import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state and the commands of one REPL session, independent of the terminal: loaded input documents (one of
 * them current), the definitions typed so far (each its own module in package {@code main}, with the imports
 * made before it), the imported standard library packages, and session bindings ({@code let c = containers[0]},
 * {@code for c in containers}). Every input goes through the engine's
 * own pipeline: parser, checker, compiler, evaluator. Nothing here throws at the user: errors print with a
 * caret and the session goes on.
 */
public final class ReplSession {
    /** Commands whose argument is an expression (highlighted and completed as code). */
    static final Set<String> EXPRESSION_COMMANDS = Set.of(":trace", ":type", ":let", ":for", ":doc");

    static final List<String> COMMANDS = List.of(":load", ":input", ":inputs", ":use", ":let", ":for", ":unlet",
        ":type", ":trace", ":doc", ":rules", ":check", ":test", ":save", ":reset", ":help", ":quit");

    private static final long STEP_LIMIT = PolicyEngine.DEFAULT_STEP_LIMIT;
    private static final SourceFile CONTEXT_SOURCE = new SourceFile("<session>", "");
    private static final String PACKAGE_AT_PROMPT = "the session is package main: 'package' is not available at the prompt"
        + " (import is: import escape as e)";

    /** Where {@code :input} reads the pasted lines from; empty at end of input or on Ctrl-C. */
    @FunctionalInterface
    public interface LineSource {
        Optional<String> readLine(String prompt);
    }

    /** One declaration typed at the prompt, as its own module so its spans stay those of the input. */
    record Definition(String key, Decl decl, Module module, String text) {
        String kind() {
            if (decl instanceof Decl.Rule) return "rule";
            if (decl instanceof Decl.Function) return "func";
            if (decl instanceof Decl.Const) return "const";
            return "test";
        }
    }

    /** A session name: {@code let} binds one value, {@code for} (each) binds every element in turn. */
    record Binding(String name, boolean each, Expr value, Span nameSpan) {
    }

    /** A name bound in text being completed (a rule's {@code for}/{@code let}, a quantifier). */
    record TextBinding(String name, boolean each, String source) {
    }

    private final PrintWriter out;
    private final LoadOptions loadOptions;
    private LineSource lines = prompt -> Optional.empty();
    private final List<Document> documents = new ArrayList<>();
    private int current = -1;
    private final Map<String, Definition> definitions = new LinkedHashMap<>();
    private final Map<String, Binding> bindings = new LinkedHashMap<>();
    private final Map<String, SourceFile> sources = new HashMap<>();
    private final DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(sources.get(n)));
    private int inputCount;
    private int errorCount;
    private CheckedProgram program;
    private PolicyEngine standardLibrary;
    /** Policy files and folders loaded beside the standard library ({@code policy repl --policy}). */
    private final List<Path> policies = new ArrayList<>();
    private final ImportedPackages imports = new ImportedPackages(this::standardLibrary);
    /** What stops the input being handled: set for the length of one {@link #handle(String, Cancellation)}. */
    private Cancellation cancellation = Cancellation.never();

    public ReplSession(PrintWriter out) {
        this(out, LoadOptions.defaults());
    }

    public ReplSession(PrintWriter out, LoadOptions loadOptions) {
        this.out = out;
        this.loadOptions = loadOptions;
        this.program = Checker.check(List.of());
    }

    public void lineSource(LineSource source) {
        this.lines = source;
    }

    /** How many inputs ended in an error (a script's exit code is 1 when any did). */
    public int errorCount() {
        return errorCount;
    }

    // ------------------------------------------------------------------ entry

    /** Handles one complete input; returns false when the session should end ({@code :quit}). */
    public boolean handle(String input) {
        return handle(input, Cancellation.never());
    }

    /**
     * Handles one complete input, stopping its evaluations when {@code cancellation} is cancelled (Ctrl-C, from
     * the terminal's signal thread): they end with "interrupted after N steps", and the session keeps every
     * binding, definition and input it had, so the next input works as usual.
     */
    public boolean handle(String input, Cancellation cancellation) {
        String text = input.strip();
        if (text.isEmpty()) return true;
        this.cancellation = cancellation;
        try {
            if (text.startsWith(":")) return command(text);
            code(text, text);
        } catch (Budget.Interrupted e) {
            // Asked for, so not an error: a script's exit code does not change.
            out.println(e.getMessage());
        } catch (Budget.LimitExceeded e) {
            error(e.getMessage() + "; narrow the expression's loops");
        } catch (RuntimeException | StackOverflowError e) {
            // A bug in the REPL or the engine must not end the session or lose the user's definitions.
            error("internal error: " + e);
        } finally {
            this.cancellation = Cancellation.never();
            out.flush();
        }
        return true;
    }

    private boolean command(String text) {
        int space = firstSpace(text);
        String name = text.substring(0, space);
        String arg = text.substring(space).strip();
        switch (name) {
            case ":quit", ":q", ":exit" -> {
                return false;
            }
            case ":help", ":h", ":?" -> help();
            case ":load", ":l" -> load(arg);
            case ":input" -> input(arg);
            case ":inputs" -> listInputs();
            case ":use" -> use(arg);
            case ":let" -> {
                if (arg.isEmpty()) listBindings();
                else code("let " + arg, text);
            }
            case ":for" -> code("for " + arg, text);
            case ":unlet" -> unlet(arg);
            case ":type", ":t" -> typeCommand(arg, text);
            case ":trace" -> trace(arg, text);
            case ":doc" -> doc(arg);
            case ":rules" -> rules(arg);
            case ":check" -> check(arg);
            case ":test" -> test();
            case ":save" -> save(arg);
            case ":reset" -> reset();
            default -> error("unknown command " + name + Suggestion.of(name, COMMANDS) + "; :help lists the commands");
        }
        return true;
    }

    private static int firstSpace(String text) {
        for (int i = 0; i < text.length(); i++) if (Character.isWhitespace(text.charAt(i))) return i;
        return text.length();
    }

    /**
     * Code typed at the prompt. {@code shown} is what the user typed (for carets); {@code text} may differ
     * only in a leading command word replaced by a keyword of the same meaning.
     */
    private void code(String text, String shown) {
        List<Token> tokens = Tokens.significant(text);
        if (tokens.isEmpty()) return;
        int first = tokens.get(0).getType();
        if (first == PolicyLexer.RULE || first == PolicyLexer.FUNC || first == PolicyLexer.CONST || first == PolicyLexer.TEST
            || first == PolicyLexer.IMPORT) {
            define(text);
        } else if (first == PolicyLexer.PACKAGE) {
            error(PACKAGE_AT_PROMPT);
        } else if (first == PolicyLexer.FOR && isBindingHeader(tokens, PolicyLexer.IN)) {
            bind(tokens, true, text, shown);
        } else if (first == PolicyLexer.LET && isBindingHeader(tokens, -1) && !hasTopLevelIn(tokens)) {
            bind(tokens, false, text, shown);
        } else {
            evaluate(text);
        }
    }

    /** {@code for NAME in} or {@code let NAME =}. */
    private static boolean isBindingHeader(List<Token> tokens, int third) {
        if (tokens.size() < 4 || tokens.get(1).getType() != PolicyLexer.IDENT) return false;
        return third == -1 ? tokens.get(2).getText().equals("=") : tokens.get(2).getType() == third;
    }

    /** Whether a {@code let} is the expression {@code let x = v in body} rather than a session binding. */
    private static boolean hasTopLevelIn(List<Token> tokens) {
        int depth = 0;
        int lets = 0;
        for (Token t : tokens) {
            String s = t.getText();
            if (s.equals("(") || s.equals("[") || s.equals("{")) depth++;
            else if (s.equals(")") || s.equals("]") || s.equals("}")) depth--;
            else if (depth == 0 && t.getType() == PolicyLexer.LET) lets++;
            else if (depth == 0 && t.getType() == PolicyLexer.IN && lets > 0) return true;
            else if (depth == 0 && isQuantifier(t)) lets--; // `any x in` consumes its own `in`
        }
        return false;
    }

    private static boolean isQuantifier(Token t) {
        int type = t.getType();
        return type == PolicyLexer.ANY || type == PolicyLexer.ALL || type == PolicyLexer.NONE || type == PolicyLexer.COUNT;
    }

    // ------------------------------------------------------------------ inputs

    private void load(String arg) {
        if (arg.isEmpty()) {
            error("name a file to load: :load deploy.yaml [more files]");
            return;
        }
        Optional<List<String>> words = paths(arg);
        if (words.isEmpty()) {
            error("unclosed quote in :load " + arg + ": write a path with spaces as \"my dir/pod.yaml\" or my\\ dir/pod.yaml");
            return;
        }
        List<String> paths = words.get();
        if (paths.contains("-")) {
            error("standard input is where the REPL reads from: paste an input with :input KIND instead");
            return;
        }
        // As `policy check` does: files by their kind, folders walked for files of a known kind.
        FileCollector.Collected collected = FileCollector.collect(paths, java.io.InputStream.nullInputStream());
        report(collected.diagnostics());
        if (!collected.skipped().isEmpty()) {
            out.println("skipped " + collected.skipped().size() + " files of no known kind: "
                + String.join(", ", collected.skipped().stream().limit(5).toList()) + (collected.skipped().size() > 5 ? ", ..." : ""));
        }
        int before = documents.size();
        for (InputSource source : collected.sources()) loadSource(source, Optional.empty());
        loaded(before);
    }

    /** The paths of a {@code :load} line ({@link PathWords}); empty when a quote is not closed. */
    static Optional<List<String>> paths(String arg) {
        PathWords words = PathWords.of(arg);
        return words.openQuote() != 0 ? Optional.empty() : Optional.of(words.words());
    }

    /** Loads one source; returns how many documents it added. */
    private int loadSource(InputSource source, Optional<InputKind> kind) {
        LoadResult result = Inputs.load(source, kind, loadOptions);
        result.documents().forEach(d -> sources.putIfAbsent(d.source().name(), d.source()));
        report(result.diagnostics());
        if (result.documents().isEmpty() && result.diagnostics().stream().noneMatch(Diagnostic::isError)) {
            error(source.name() + " holds no document");
        }
        documents.addAll(result.documents());
        return result.documents().size();
    }

    /** The documents from index {@code first} on are new: the first becomes current, session rules run on them. */
    private void loaded(int first) {
        if (documents.size() == first) return;
        current = first;
        for (int i = first; i < documents.size(); i++) {
            out.println("[" + (i + 1) + "] " + describe(documents.get(i)) + (i == current ? "  (current)" : ""));
        }
        List<Definition> rules = definitions.values().stream().filter(d -> d.decl() instanceof Decl.Rule).toList();
        if (!rules.isEmpty()) showFindings(rules, documents.subList(first, documents.size()));
    }

    private static String describe(Document d) {
        return d.source().name() + ": " + d.resource().display() + " (" + d.kind().id() + ")";
    }

    private void input(String arg) {
        String[] parts = arg.isEmpty() ? new String[0] : arg.split("\\s+");
        if (parts.length == 0 || parts.length > 2) {
            error("usage: :input KIND [END]   KIND is k8s, compose, dockerfile or image; the text ends at a blank line or at a line END");
            return;
        }
        Optional<InputKind> kind = InputKind.parse(parts[0]);
        if (kind.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (InputKind k : InputKind.values()) {
                names.add(k.id());
                names.add(k.shortName());
            }
            error("unknown input kind '" + parts[0] + "'" + Suggestion.of(parts[0], names));
            return;
        }
        Optional<String> end = parts.length == 2 ? Optional.of(parts[1]) : Optional.empty();
        StringBuilder text = new StringBuilder();
        while (true) {
            Optional<String> line = lines.readLine(".... ");
            if (line.isEmpty()) {
                if (end.isPresent()) {
                    out.println("input cancelled");
                    return;
                }
                break;
            }
            String l = line.get();
            if (end.isPresent() ? l.strip().equals(end.get()) : l.isBlank()) break;
            text.append(l).append('\n');
        }
        if (text.isEmpty()) {
            out.println("input cancelled: nothing was pasted");
            return;
        }
        String ext = switch (kind.get()) {
            case KUBERNETES, COMPOSE -> ".yaml";
            case DOCKERFILE -> ".Dockerfile";
            case IMAGE -> ".json";
        };
        int before = documents.size();
        loadSource(InputSource.ofText("input-" + (++inputCount) + ext, text.toString()), kind);
        loaded(before);
    }

    private void listInputs() {
        if (documents.isEmpty()) {
            out.println("no inputs loaded: :load FILE or :input KIND");
            return;
        }
        for (int i = 0; i < documents.size(); i++) {
            out.println((i == current ? "* [" : "  [") + (i + 1) + "] " + describe(documents.get(i)));
        }
    }

    private void use(String arg) {
        try {
            int n = Integer.parseInt(arg.strip());
            if (n < 1 || n > documents.size()) throw new NumberFormatException();
            current = n - 1;
            out.println("[" + n + "] " + describe(documents.get(current)) + "  (current)");
        } catch (NumberFormatException e) {
            error("usage: :use N, where N is an input number from :inputs (1 to " + documents.size() + ")");
        }
    }

    public Optional<Document> currentDocument() {
        return current < 0 ? Optional.empty() : Optional.of(documents.get(current));
    }

    Optional<InputKind> currentKind() {
        return currentDocument().map(Document::kind);
    }

    // ------------------------------------------------------------------ bindings

    private void bind(List<Token> tokens, boolean each, String text, String shown) {
        String name = tokens.get(1).getText();
        Token afterHeader = tokens.get(3);
        int offset = afterHeader.getStartIndex();
        String name0 = nextSourceName();
        // The value is parsed with the header blanked out, so its columns are those of what the user typed.
        SourceFile shownSource = new SourceFile(name0, shown);
        sources.put(name0, shownSource);
        int shift = shown.length() - text.length();
        String blanked = blank(shown, offset + shift) + text.substring(offset);
        Parser.Result<Expr> parsed = Parser.parseExpression(new SourceFile(name0, blanked));
        if (!parsed.ok()) {
            report(parsed.diagnostics());
            return;
        }
        if (imports.named(name).isPresent()) {
            // The binding would hide the package wherever both could be meant (`name.f(x)`).
            error("'" + name + "' names the imported package " + imports.named(name).get().packageName() + ": choose another name");
            return;
        }
        if (Names.referenced(parsed.value().get()).contains(name)) {
            // It would stand for itself once bound; a new name keeps both meanings clear.
            error("a binding cannot use its own name: choose another one, e.g. let " + name + "2 = ...");
            return;
        }
        Token nameToken = tokens.get(1);
        Span nameSpan = shownSource.span(nameToken.getStartIndex() + shift, nameToken.getStopIndex() + shift);
        Binding binding = new Binding(name, each, parsed.value().get(), nameSpan);
        // A new binding may refer to the old one of the same name: check it before replacing.
        Prepared p = prepare(binding.value(), false, bindingsFor(binding.value()));
        if (!p.checked().ok()) {
            report(p.checked().diagnostics());
            return;
        }
        bindings.remove(name);
        bindings.put(name, binding);
        Type t = p.type();
        if (each) t = elementType(t);
        Expr self = new Expr.Name(name, nameSpan);
        List<Binding> used = bindingsFor(self);
        Prepared shownValue = prepare(self, true, used);
        Value v;
        try {
            v = run(shownValue, Compiler.compileExpression(shownValue.checked().program(), shownValue.expr()));
        } catch (Budget.Interrupted e) {
            // Bindings are expressions, evaluated at each use: the binding holds even though its value is unseen.
            out.println(e.getMessage() + ": " + name + " is bound, its value is not shown (:unlet " + name + " removes it)");
            return;
        }
        if (each) {
            out.println(name + ": " + t.display() + ", each element in turn (expressions using " + name + " print one line per element)");
            printEach(v, used.stream().filter(Binding::each).toList(), 0, "", true);
        } else {
            out.println(name + ": " + t.display() + " = " + ValuePrinter.brief(v));
        }
    }

    private static Type elementType(Type t) {
        if (t instanceof Type.ListOf l) return l.element();
        if (t instanceof Type.MapOf || t instanceof ObjectType) return Type.STRING;
        return Type.ANY;
    }

    private void listBindings() {
        if (bindings.isEmpty()) {
            out.println("no session bindings; bind one with: let c = containers[0]   or   for c in containers");
            return;
        }
        for (Binding b : bindings.values()) {
            SourceFile s = sources.get(b.nameSpan().file());
            out.println((b.each() ? "for " : "let ") + b.name() + "    # " + (s == null ? "" : s.text().lines().findFirst().orElse("")));
        }
    }

    private void unlet(String name) {
        if (bindings.remove(name.strip()) == null) error("no session binding named '" + name.strip() + "'");
        else out.println("unbound " + name.strip());
    }

    /** The session bindings an expression refers to, with those they refer to, in session order. */
    private List<Binding> bindingsFor(Expr expr) {
        Set<String> wanted = new HashSet<>(Names.referenced(expr));
        List<Binding> all = new ArrayList<>(bindings.values());
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Binding b : all) {
                if (wanted.contains(b.name())) {
                    for (String n : Names.referenced(b.value())) grew |= wanted.add(n);
                }
            }
        }
        return all.stream().filter(b -> wanted.contains(b.name())).toList();
    }

    // ------------------------------------------------------------------ expressions

    /**
     * An expression wrapped in the session bindings it uses, checked against the current document's kind.
     * {@code eachDepth} counts the {@code for} bindings: the value is a list nested that deep. With
     * {@code pairs}, each level's items are {@code [element, inner]}, so results can be labelled.
     */
    record Prepared(Expr expr, Checker.CheckedExpression checked, int eachDepth) {
        Type type() {
            Type t = checked.type();
            for (int i = 0; i < eachDepth; i++) t = t instanceof Type.ListOf l ? l.element() : Type.ANY;
            return t;
        }
    }

    private Prepared prepare(Expr expr, boolean pairs, List<Binding> used) {
        Expr wrapped = expr;
        int depth = 0;
        for (int i = used.size() - 1; i >= 0; i--) {
            Binding b = used.get(i);
            if (b.each()) {
                // Wrappers carry no span: they are not the user's text, and traces leave them out.
                Expr element = pairs ? new Expr.ListLiteral(List.of(new Expr.Name(b.name(), Span.NONE), wrapped), Span.NONE) : wrapped;
                wrapped = new Expr.Comprehension(element, b.name(), b.nameSpan(), b.value(), Optional.empty(), Span.NONE);
                depth++;
            } else {
                wrapped = new Expr.Let(b.name(), b.nameSpan(), b.value(), wrapped, Span.NONE);
            }
        }
        Module context = new Module(CONTEXT_SOURCE, Optional.empty(), imports.list(), List.of());
        Checker.CheckedExpression checked = Checker.checkExpression(modules(), context, wrapped, currentKind());
        return new Prepared(wrapped, checked, depth);
    }

    private List<Module> modules() {
        return withLibrary(definitions.values(), imports.list());
    }

    /** The modules of these definitions with those of the library packages the session imports. */
    private List<Module> withLibrary(Collection<Definition> defs, List<Module.Import> sessionImports) {
        List<Module> all = new ArrayList<>(defs.stream().map(Definition::module).toList());
        all.addAll(imports.modulesFor(sessionImports));
        return all;
    }

    private Value run(Prepared p, Node node) {
        Document doc = currentDocument().orElse(null);
        return node.eval(new Frame(p.checked().frameSize(), doc, new Budget(STEP_LIMIT, cancellation)));
    }

    private void evaluate(String text) {
        SourceFile source = register(text);
        Parser.Result<Expr> parsed = Parser.parseExpression(source);
        if (!parsed.ok()) {
            report(parsed.diagnostics());
            return;
        }
        showValue(parsed.value().get(), bindingsFor(parsed.value().get()));
    }

    private void showValue(Expr expr, List<Binding> used) {
        Prepared p = prepare(expr, true, used);
        if (!p.checked().ok()) {
            report(p.checked().diagnostics());
            return;
        }
        report(p.checked().diagnostics()); // warnings
        Value v = run(p, Compiler.compileExpression(p.checked().program(), p.expr()));
        List<Binding> each = used.stream().filter(Binding::each).toList();
        if (each.isEmpty()) {
            out.println(ValuePrinter.withLocation(v));
        } else {
            printEach(v, each, 0, "", false);
        }
    }

    /** Results of an expression over {@code for} bindings, one line per element, labelled by element. */
    private void printEach(Value v, List<Binding> each, int level, String label, boolean brief) {
        if (!(v instanceof Value.ListV list)) {
            out.println(label + (brief ? ValuePrinter.brief(v) : ValuePrinter.withLocation(v)));
            return;
        }
        if (list.items().isEmpty() && level == 0) out.println("(" + each.get(0).name() + " has no elements)");
        int index = 0;
        for (Value item : list.items()) {
            Value.ListV pair = (Value.ListV) item;
            Value element = pair.items().get(0);
            String here = label + each.get(level).name() + "=" + elementLabel(element, index++) + "  ";
            Value result = pair.items().get(1);
            if (level + 1 == each.size()) out.println(here + (brief ? ValuePrinter.brief(result) : ValuePrinter.withLocation(result)));
            else printEach(result, each, level + 1, here, brief);
        }
    }

    private static String elementLabel(Value element, int index) {
        if (element instanceof Value.MapV m && m.get("name") instanceof Value.Str s) return s.value();
        if (element instanceof Value.Str s) return s.value();
        return "#" + index;
    }

    private void typeCommand(String arg, String shown) {
        Optional<Expr> expr = parseArgument(arg, shown);
        if (expr.isEmpty()) return;
        List<Binding> used = bindingsFor(expr.get());
        Prepared p = prepare(expr.get(), false, used);
        if (!p.checked().ok()) {
            report(p.checked().diagnostics());
            return;
        }
        Type t = p.type();
        out.println(t.display() + (p.eachDepth() > 0 ? "  (for each element of the for-bound names)" : ""));
        if (t instanceof ObjectType o && !o.doc().isEmpty()) out.println("  " + o.doc());
    }

    /**
     * The first {@code length} characters of what the user typed, as spaces: parsed in front of the rest, they keep
     * its lines and columns. Line breaks stay, or a value typed on the line after {@code let x =} would be placed
     * on the header's line.
     */
    private static String blank(String typed, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length && i < typed.length(); i++) {
            char c = typed.charAt(i);
            sb.append(c == '\n' || c == '\r' ? c : ' ');
        }
        while (sb.length() < length) sb.append(' ');
        return sb.toString();
    }

    /** Parses a command's expression argument, with columns as typed after the command. */
    private Optional<Expr> parseArgument(String arg, String shown) {
        if (arg.isEmpty()) {
            error("this command needs an expression");
            return Optional.empty();
        }
        String name = nextSourceName();
        sources.put(name, new SourceFile(name, shown));
        int offset = shown.indexOf(arg);
        Parser.Result<Expr> parsed = Parser.parseExpression(new SourceFile(name, blank(shown, Math.max(0, offset)) + arg));
        if (!parsed.ok()) {
            report(parsed.diagnostics());
            return Optional.empty();
        }
        return parsed.value();
    }

    private void trace(String arg, String shown) {
        Optional<Expr> expr = parseArgument(arg, shown);
        if (expr.isEmpty()) return;
        List<Binding> used = bindingsFor(expr.get());
        Prepared p = prepare(expr.get(), true, used);
        if (!p.checked().ok()) {
            report(p.checked().diagnostics());
            return;
        }
        Tracer tracer = new Tracer(this::textOf);
        Node node = Compiler.compileExpression(p.checked().program(), p.expr(), tracer);
        tracer.start();
        Value v;
        try {
            v = run(p, node);
        } finally {
            tracer.stop();
        }
        out.print(tracer.render());
        List<Binding> each = used.stream().filter(Binding::each).toList();
        out.print("=> ");
        if (each.isEmpty()) out.println(ValuePrinter.withLocation(v));
        else {
            out.println();
            printEach(v, each, 0, "   ", false);
        }
    }

    /** The source text of a span, on one line, for traces. */
    String textOf(Span span) {
        SourceFile s = sources.get(span.file());
        if (s == null || !span.isKnown()) return "?";
        StringBuilder sb = new StringBuilder();
        for (int line = span.line(); line <= span.endLine(); line++) {
            String text = s.line(line);
            int from = line == span.line() ? span.column() - 1 : 0;
            int to = line == span.endLine() ? Math.min(text.length(), span.endColumn()) : text.length();
            if (from < to) sb.append(text, Math.max(0, from), to);
            if (line < span.endLine()) sb.append(' ');
        }
        return sb.toString().replaceAll("\\s+", " ").strip();
    }

    // ------------------------------------------------------------------ definitions

    private void define(String text) {
        SourceFile source = register(text);
        Parser.Result<Module> parsed = Parser.parseModule(source);
        if (!parsed.ok()) {
            report(parsed.diagnostics());
            return;
        }
        Module m = parsed.value().get();
        if (m.packageName().isPresent()) {
            error(PACKAGE_AT_PROMPT);
            return;
        }
        // Imports typed with the definitions hold for them and for everything typed after.
        Map<String, Module.Import> nextImports = new LinkedHashMap<>();
        imports.list().forEach(i -> nextImports.put(i.localName(), i));
        for (Module.Import i : m.imports()) {
            Optional<Diagnostic> problem = imports.problem(i);
            if (problem.isPresent()) {
                report(List.of(problem.get()));
                return;
            }
            if (bindings.containsKey(i.localName())) {
                error("'" + i.localName() + "' is a session binding: import under another name (import "
                    + i.packageName() + " as NAME), or :unlet " + i.localName() + " first");
                return;
            }
            Module.Import before = nextImports.get(i.localName());
            if (before != null && !before.packageName().equals(i.packageName())) {
                // Definitions made since may use the name: one module (what :save writes) cannot mean both.
                error("'" + i.localName() + "' is already the import of " + before.packageName() + ": import "
                    + i.packageName() + " under another name (import " + i.packageName() + " as NAME)");
                return;
            }
            nextImports.remove(i.localName());
            nextImports.put(i.localName(), i);
        }
        List<Module.Import> importList = List.copyOf(nextImports.values());
        Map<String, Definition> next = new LinkedHashMap<>(definitions);
        List<Definition> added = new ArrayList<>();
        for (Decl d : m.declarations()) {
            Definition def = new Definition(keyOf(d), d, new Module(source, Optional.empty(), importList, List.of(d)),
                Spans.text(source, d.span()));
            next.remove(def.key());
            next.put(def.key(), def);
            added.add(def);
        }
        CheckedProgram checked = Checker.check(withLibrary(next.values(), importList));
        if (checked.hasErrors()) {
            report(checked.diagnostics().stream().filter(Diagnostic::isError).toList());
            out.println("(not defined; the session keeps its previous definitions)");
            return;
        }
        report(checked.diagnostics().stream().filter(d -> d.span().file().equals(source.name())).toList());
        for (Module.Import i : m.imports()) {
            imports.add(i);
            out.println("imported " + i.packageName() + (i.localName().equals(i.packageName()) ? "" : " as " + i.localName())
                + ": " + membersLine(i.localName()));
        }
        for (Definition def : added) {
            String verb = definitions.containsKey(def.key()) ? "redefined " : "defined ";
            out.println(verb + def.kind() + " " + signature(def, checked));
        }
        definitions.clear();
        definitions.putAll(next);
        program = checked;
        List<Definition> rules = added.stream().filter(d -> d.decl() instanceof Decl.Rule).toList();
        if (!rules.isEmpty()) showFindings(rules, documents);
    }

    /** {@code 9 functions (e.under, ...), 12 constants (e.safe_sysctls, ...)}. */
    private String membersLine(String localName) {
        List<String> functions = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (Decl d : imports.members(localName)) (d instanceof Decl.Function ? functions : constants).add(localName + "." + d.name());
        return count(functions, "function") + ", " + count(constants, "constant");
    }

    private static String count(List<String> names, String what) {
        String shown = names.size() <= 4 ? String.join(", ", names) : String.join(", ", names.subList(0, 4)) + ", ...";
        return names.size() + " " + what + (names.size() == 1 ? "" : "s") + (names.isEmpty() ? "" : " (" + shown + ")");
    }

    private static String keyOf(Decl d) {
        if (d instanceof Decl.Rule) return "rule " + d.name();
        if (d instanceof Decl.Test) return "test " + d.name();
        return "name " + d.name(); // functions and constants share one namespace
    }

    private static String signature(Definition def, CheckedProgram checked) {
        Decl d = def.decl();
        if (d instanceof Decl.Function f) {
            return f.name() + "(" + String.join(", ", f.params().stream().map(Decl.Param::name).toList()) + ")";
        }
        if (d instanceof Decl.Const c) {
            var cc = checked.constants().get("main." + c.name());
            return c.name() + (cc == null ? "" : ": " + cc.type().display());
        }
        if (d instanceof Decl.Rule r) {
            List<String> formats = checked.rules().stream().filter(cr -> cr.id().equals(r.name()))
                .flatMap(cr -> cr.formats().stream()).map(InputKind::id).sorted().toList();
            return r.name() + " " + org.codomyrmex.policy.model.Values.quote(r.title()) + " (applies to " + String.join(", ", formats) + ")";
        }
        return "\"" + d.name() + "\" (run it with :test)";
    }

    /** Runs session rules on documents and prints each finding with the input line it points at. */
    private void showFindings(List<Definition> rules, List<Document> docs) {
        CompiledPolicy compiled = Compiler.compile(program);
        for (Definition def : rules) {
            Optional<CompiledRule> rule = compiled.rule(def.decl().name());
            if (rule.isEmpty()) continue;
            if (documents.isEmpty()) {
                out.println("  no inputs loaded: :load a file to see this rule's findings");
                continue;
            }
            List<Finding> findings = new ArrayList<>();
            Set<List<Object>> seen = new HashSet<>();
            int applicable = 0;
            for (Document doc : docs) {
                if (!rule.get().appliesTo(doc)) continue;
                applicable++;
                try {
                    rule.get().evaluate(doc, new Budget(STEP_LIMIT, cancellation), f -> {
                        if (seen.add(List.of(f.ruleId(), f.location()))) findings.add(f);
                    });
                } catch (Budget.Interrupted e) {
                    out.println("rule " + def.decl().name() + " " + e.getMessage() + " on " + describe(doc)
                        + "; its findings are not shown, and the rule stays defined (:check session runs it again)");
                    return;
                } catch (Budget.LimitExceeded e) {
                    error("rule " + def.decl().name() + " stopped on " + describe(doc) + ": " + e.getMessage());
                }
            }
            RuleInfo info = rule.get().info();
            if (applicable == 0) {
                out.println("  " + info.id() + " applies to " + String.join(", ", info.formats().stream().map(InputKind::id).sorted().toList())
                    + "; no loaded input is one");
                continue;
            }
            findings.sort(Report.ORDER);
            out.println("  " + info.id() + ": " + findings.size() + (findings.size() == 1 ? " finding" : " findings")
                + " on " + applicable + (applicable == 1 ? " input" : " inputs"));
            for (Finding f : findings) out.print(renderFinding(f).indent(2));
        }
    }

    private String renderFinding(Finding f) {
        String headline = f.location() + ": " + f.ruleId() + " " + f.severity().id() + ": " + f.message();
        String excerpt = renderer.render(new Diagnostic(f.ruleId(), Diagnostic.Level.NOTE, f.message(), f.location(), Optional.empty()));
        int nl = excerpt.indexOf('\n');
        return headline + "\n" + (nl < 0 ? "" : excerpt.substring(nl + 1));
    }

    // ------------------------------------------------------------------ policy commands

    private void rules(String arg) {
        List<Definition> rules = definitions.values().stream().filter(d -> d.decl() instanceof Decl.Rule).toList();
        if (arg.equals("stdlib")) {
            for (RuleInfo r : standardLibrary().rules()) out.println(ruleLine(r));
            return;
        }
        if (rules.isEmpty()) out.println("no session rules yet; :rules stdlib lists the standard library's");
        for (RuleInfo r : Compiler.compile(program).ruleInfos()) out.println(ruleLine(r));
    }

    private static String ruleLine(RuleInfo r) {
        return String.format("%-14s %-8s %-20s %-28s %s", r.id(), r.severity().id(), r.threat().id(),
            String.join(",", r.formats().stream().map(InputKind::id).sorted().toList()), r.title());
    }

    /** The standard library and the policies given with {@code policy repl --policy}. */
    private PolicyEngine standardLibrary() {
        if (standardLibrary == null) {
            PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(true);
            policies.forEach(builder::addPolicyPath);
            standardLibrary = builder.build();
        }
        return standardLibrary;
    }

    /**
     * Loads policy files or folders beside the standard library, as {@code policy check --policy} does: their
     * packages can be imported at the prompt, their rules are listed by {@code :rules stdlib} and run by
     * {@code :check}. Policies with errors are shown with their errors and left out; returns whether all loaded.
     */
    public boolean loadPolicies(List<Path> paths) {
        if (paths.isEmpty()) return true;
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(true);
        paths.forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();
        if (engine.hasPolicyErrors()) {
            DiagnosticRenderer policyRenderer = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
            engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> out.print(policyRenderer.render(d)));
            out.println("policies not loaded: " + String.join(", ", paths.stream().map(Path::toString).toList()));
            errorCount++;
            return false;
        }
        policies.clear();
        policies.addAll(paths);
        standardLibrary = engine;
        long own = engine.rules().stream().filter(r -> !r.span().file().startsWith("stdlib/")).count();
        out.println("loaded " + own + (own == 1 ? " rule" : " rules") + " from " + String.join(", ", paths.stream().map(Path::toString).toList()));
        return true;
    }

    /**
     * The session's definitions as policy sources, for {@link PolicyEngine}; {@code withStandardLibrary} tells
     * whether the builder loads the standard library, else the packages the session imports are added (their
     * functions, constants and parameters only).
     */
    private PolicyEngine.Builder withSession(PolicyEngine.Builder builder, boolean withStandardLibrary) {
        // The module :save would write: inputs that held several declarations, some since redefined, cannot be
        // added whole.
        builder.addPolicySource("<session>", ModuleWriter.format(imports.list(), List.copyOf(definitions.values())));
        if (!withStandardLibrary) imports.sourcesFor(imports.list()).forEach(builder::addPolicySource);
        return builder;
    }

    private void check(String arg) {
        if (documents.isEmpty()) {
            error("no inputs loaded: :load a file first");
            return;
        }
        String which = arg.isEmpty() ? "all" : arg;
        boolean stdlib = which.equals("all") || which.equals("stdlib");
        boolean session = which.equals("all") || which.equals("session");
        if (!stdlib && !session) {
            error("usage: :check [all|stdlib|session]   (all: the standard library and the session's rules)");
            return;
        }
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(stdlib);
        if (stdlib) policies.forEach(builder::addPolicyPath);
        if (session) withSession(builder, stdlib);
        PolicyEngine engine = builder.build();
        if (engine.hasPolicyErrors()) {
            report(engine.policyDiagnostics().stream().filter(Diagnostic::isError).toList());
            return;
        }
        Report report;
        try {
            report = engine.checkDocuments(documents, cancellation);
        } catch (Budget.Interrupted e) {
            out.println("interrupted: :check stopped before it finished, so no findings are shown");
            return;
        }
        out.print(TextReport.findings(report));
        report(report.diagnostics());
        out.println(report.findings().size() + (report.findings().size() == 1 ? " finding" : " findings") + " from "
            + engine.rules().size() + " rules (" + which + ") on " + documents.size()
            + (documents.size() == 1 ? " input" : " inputs"));
    }

    private void test() {
        List<Definition> tests = definitions.values().stream().filter(d -> d.decl() instanceof Decl.Test).toList();
        if (tests.isEmpty()) {
            out.println("no tests in the session; write one: test \"name\" { given k8s \"\"\"...\"\"\" expect RULE-ID }");
            return;
        }
        PolicyEngine engine = withSession(PolicyEngine.builder().standardLibrary(false), false).build();
        DiagnosticRenderer testRenderer = new DiagnosticRenderer(n -> Optional.ofNullable(engine.policySources().get(n)));
        if (engine.hasPolicyErrors()) {
            engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(d -> out.print(testRenderer.render(d)));
            errorCount++;
            return;
        }
        PolicyTests.Outcome outcome;
        try {
            outcome = PolicyTests.run(engine, t -> true, cancellation);
        } catch (Budget.Interrupted e) {
            out.println("interrupted: :test stopped before the tests finished, so no results are shown");
            return;
        }
        for (PolicyTests.TestResult r : outcome.results()) {
            out.println((r.passed() ? "PASS " : "FAIL ") + r.test().decl().name());
            for (Diagnostic d : r.failures()) out.print(testRenderer.render(d).indent(2));
        }
        out.printf(java.util.Locale.ROOT, "%d passed, %d failed%n", outcome.passedCount(), outcome.failedCount());
        if (outcome.failedCount() > 0) errorCount++;
    }

    private void save(String arg) {
        if (arg.isEmpty()) {
            error("name the file: :save my-rules.policy");
            return;
        }
        if (definitions.isEmpty()) {
            error("nothing to save: define a rule, func, const or test first");
            return;
        }
        Path file = Path.of(arg);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(file, ModuleWriter.format(imports.list(), List.copyOf(definitions.values())), StandardCharsets.UTF_8);
            // `policy test` loads the standard library only when asked: the imports need it.
            out.println("saved " + definitions.size() + (definitions.size() == 1 ? " definition" : " definitions") + " to " + file
                + "  (try: policy test " + (imports.list().isEmpty() ? "" : "--stdlib ") + file + ")");
        } catch (IOException | RuntimeException e) {
            error("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void reset() {
        documents.clear();
        current = -1;
        definitions.clear();
        bindings.clear();
        imports.clear();
        sources.clear();
        program = Checker.check(List.of());
        out.println("session reset: no inputs, definitions, bindings or imports");
    }

    // ------------------------------------------------------------------ :doc

    private void doc(String arg) {
        String name = arg.strip();
        if (name.isEmpty()) {
            error("usage: :doc NAME   (a builtin, view, type, rule id, session name or field path such as c.securityContext)");
            return;
        }
        List<String> found = Docs.lookup(this, name);
        if (found.isEmpty()) {
            List<String> names = new ArrayList<>(BuiltinRegistry.standard().names());
            names.addAll(Schemas.standard().allViewNames());
            names.addAll(Schemas.standard().types().keySet());
            names.addAll(ruleIds(true));
            names.addAll(sessionNames());
            error("nothing is named '" + name + "'" + Suggestion.of(name, names));
            return;
        }
        found.forEach(out::println);
    }

    /** Rule ids: the session's and, when asked, the standard library's. */
    List<String> ruleIds(boolean withStandardLibrary) {
        List<String> ids = new ArrayList<>();
        definitions.values().stream().filter(d -> d.decl() instanceof Decl.Rule).forEach(d -> ids.add(d.decl().name()));
        if (withStandardLibrary) standardLibrary().rules().forEach(r -> ids.add(r.id()));
        return ids;
    }

    Optional<RuleInfo> ruleInfo(String id) {
        Optional<RuleInfo> own = Compiler.compile(program).ruleInfos().stream().filter(r -> r.id().equals(id)).findFirst();
        return own.isPresent() ? own : standardLibrary().rules().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    Optional<Definition> definition(String name) {
        return definitions.values().stream().filter(d -> d.decl().name().equals(name)).findFirst();
    }

    /** Names of session bindings, functions and constants, and the names of imported packages. */
    List<String> sessionNames() {
        List<String> names = new ArrayList<>(bindings.keySet());
        imports.list().forEach(i -> names.add(i.localName()));
        for (Definition d : definitions.values()) {
            if (d.decl() instanceof Decl.Function || d.decl() instanceof Decl.Const) names.add(d.decl().name());
        }
        return names;
    }

    Map<String, Binding> bindings() {
        return bindings;
    }

    ImportedPackages imports() {
        return imports;
    }

    Map<String, Definition> definitions() {
        return definitions;
    }

    // ------------------------------------------------------------------ types for completion and :doc

    /**
     * The static type of {@code text} as an expression, seen through the session bindings and the names
     * bound in the text around it ({@code local}); empty when it does not parse.
     */
    Optional<Type> typeOf(String text, List<TextBinding> local) {
        StringBuilder wrapped = new StringBuilder("(" + text + ")");
        int depth = 0;
        for (int i = local.size() - 1; i >= 0; i--) {
            TextBinding b = local.get(i);
            if (b.each()) {
                wrapped = new StringBuilder("[").append(wrapped).append(" for ").append(b.name()).append(" in (").append(b.source()).append(")]");
                depth++;
            } else {
                wrapped = new StringBuilder("let ").append(b.name()).append(" = (").append(b.source()).append(") in ").append(wrapped);
            }
        }
        Parser.Result<Expr> parsed = Parser.parseExpression(new SourceFile("<completion>", wrapped.toString()));
        if (!parsed.ok()) return Optional.empty();
        Prepared p = prepare(parsed.value().get(), false, bindingsFor(parsed.value().get()));
        Type t = p.type();
        for (int i = 0; i < depth; i++) t = t instanceof Type.ListOf l ? l.element() : Type.ANY;
        return Optional.of(t);
    }

    /** The value of {@code text} on the current document, when it checks without errors and binds no element. */
    Optional<Value> valueOf(String text) {
        Parser.Result<Expr> parsed = Parser.parseExpression(new SourceFile("<completion>", text));
        if (!parsed.ok()) return Optional.empty();
        List<Binding> used = bindingsFor(parsed.value().get());
        if (used.stream().anyMatch(Binding::each)) return Optional.empty();
        Prepared p = prepare(parsed.value().get(), false, used);
        if (!p.checked().ok()) return Optional.empty();
        try {
            return Optional.of(run(p, Compiler.compileExpression(p.checked().program(), p.expr())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The views of the current document's kind, or of every kind when nothing is loaded. */
    Map<String, ObjectType.Field> views() {
        Schemas schemas = Schemas.standard();
        if (currentKind().isPresent()) return schemas.views(currentKind().get());
        Map<String, ObjectType.Field> all = new LinkedHashMap<>();
        for (InputKind k : InputKind.values()) schemas.views(k).forEach(all::putIfAbsent);
        return all;
    }

    static Optional<Builtin> builtin(String name) {
        return BuiltinRegistry.standard().lookup(name);
    }

    // ------------------------------------------------------------------ output

    private String nextSourceName() {
        return "<input " + (++inputCount) + ">";
    }

    private SourceFile register(String text) {
        SourceFile s = new SourceFile(nextSourceName(), text);
        sources.put(s.name(), s);
        return s;
    }

    /** Prints diagnostics with their excerpt and caret; an error counts against the script's exit code. */
    private void report(List<Diagnostic> diagnostics) {
        Set<Diagnostic> printed = new LinkedHashSet<>(diagnostics);
        boolean anyError = false;
        for (Diagnostic d : printed) {
            out.print(renderer.render(d));
            anyError |= d.isError();
        }
        if (anyError) errorCount++;
    }

    private void error(String message) {
        out.println("error: " + message);
        errorCount++;
    }

    private void help() {
        out.print("""
            Type an expression to evaluate it on the current input; its value prints with where it came from.
            Type a rule, func, const or test to define it (Enter continues while brackets are open); a rule
            shows its findings on the loaded inputs at once. Tab completes names, builtins and field paths.

              let NAME = EXPR         bind a session name (also :let); plain `let x = 1 in x` is an expression
              import PKG [as NAME]    use a standard library package's functions and constants: NAME.f(x)
              for NAME in EXPR        bind NAME to each element: expressions using it print one line per element
              :load PATH...           load inputs (Kubernetes, compose, Dockerfile, image metadata)
              :input KIND [END]       paste an input; it ends at a blank line (or at a line END)
              :inputs, :use N         list the loaded inputs, pick the current one
              :let, :unlet NAME       list the session bindings, remove one
              :type EXPR              the static type of an expression
              :trace EXPR             evaluate step by step, with every sub-value
              :doc NAME               builtins, views, types, fields (c.securityContext), rules, session names
              :rules [stdlib]         the session's rules (or the standard library's)
              :check [all|stdlib|session]   run rules on every loaded input
              :test                   run the session's tests
              :save FILE              write the session's definitions as a policy module
              :reset                  forget inputs, definitions, bindings and imports
              :help, :quit            this text; leave (or Ctrl-D). Ctrl-C cancels the input being typed,
                                      or stops an evaluation that is running (bindings and definitions stay).
            """);
    }
}
