package org.codomyrmex.policy.check;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.types.Type;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checker's output for a whole policy set: rules, functions, constants and tests that passed, how each
 * name resolved, the type of each expression, and all diagnostics (errors leave the faulty declaration out).
 * {@code resolutions} and {@code types} are identity maps keyed by AST node.
 */
public record CheckedProgram(List<CheckedRule> rules, Map<String, CheckedFunction> functions,
                             Map<String, CheckedConstant> constants, List<CheckedTest> tests,
                             Map<Expr, Resolution> resolutions, Map<Expr, Type> types, Map<Span, Integer> bindingSlots,
                             Map<String, SourceFile> sources, List<Diagnostic> diagnostics) {

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public Optional<SourceFile> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    public Resolution resolution(Expr e) {
        Resolution r = resolutions.get(e);
        if (r == null) throw new IllegalStateException("unresolved node at " + e.span());
        return r;
    }
}
