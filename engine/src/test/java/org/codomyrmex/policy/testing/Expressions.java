package org.codomyrmex.policy.testing;

import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.compile.Compiler;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.runtime.Budget;
import org.codomyrmex.policy.runtime.Frame;
import org.codomyrmex.policy.runtime.Node;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;

import java.util.List;
import java.util.Optional;

/** Test helper: runs one expression through parse, check, compile and evaluation. */
public final class Expressions {
    private Expressions() {
    }

    /** Evaluates {@code source}, optionally with definitions ({@code func}, {@code const}) in scope. */
    public static Value eval(String source, String definitions) {
        return eval(source, definitions, Budget.unlimited());
    }

    /** As {@link #eval(String, String)}, counting steps against {@code budget}. */
    public static Value eval(String source, String definitions, Budget budget) {
        Module context = module(definitions);
        Parser.Result<org.codomyrmex.policy.syntax.Expr> parsed = Parser.parseExpression(new SourceFile("expr", source));
        if (!parsed.ok()) throw new AssertionError("parse failed: " + parsed.diagnostics());
        Checker.CheckedExpression checked = Checker.checkExpression(List.of(context), context, parsed.value().get(), Optional.empty());
        List<Diagnostic> errors = checked.diagnostics().stream().filter(Diagnostic::isError).toList();
        if (!errors.isEmpty() || checked.program().hasErrors()) {
            throw new AssertionError("check failed: " + errors + checked.program().diagnostics());
        }
        Node n = Compiler.compileExpression(checked.program(), checked.expr());
        return n.eval(new Frame(checked.frameSize(), (Document) null, budget));
    }

    public static Value eval(String source) {
        return eval(source, "");
    }

    /** The diagnostics of checking {@code source} as an expression. */
    public static List<Diagnostic> checkDiagnostics(String source, String definitions) {
        Module context = module(definitions);
        Parser.Result<org.codomyrmex.policy.syntax.Expr> parsed = Parser.parseExpression(new SourceFile("expr", source));
        if (!parsed.ok()) return parsed.diagnostics();
        Checker.CheckedExpression checked = Checker.checkExpression(List.of(context), context, parsed.value().get(), Optional.empty());
        List<Diagnostic> all = new java.util.ArrayList<>(checked.program().diagnostics());
        all.addAll(checked.diagnostics());
        return all;
    }

    public static Module module(String text) {
        Parser.Result<Module> m = Parser.parseModule(new SourceFile("defs.policy", text));
        if (!m.ok()) throw new AssertionError("definitions do not parse: " + m.diagnostics());
        return m.value().get();
    }
}
