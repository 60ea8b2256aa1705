package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Top-level declarations of a module. */
public sealed interface Decl {
    Span span();

    /** The name a user refers to it by (rule id for rules, test name for tests). */
    String name();

    record Const(String name, Span nameSpan, Expr value, String doc, Span span) implements Decl {
    }

    /** {@code param NAME = default}: a constant that configuration may override. */
    record Parameter(String name, Span nameSpan, Expr defaultValue, String doc, Span span) implements Decl {
    }

    record Param(String name, Span span) {
    }

    record Function(String name, Span nameSpan, List<Param> params, Expr body, String doc, Span span) implements Decl {
    }

    /** A word with its span, such as a severity or a threat name. */
    record Word(String text, Span span) {
    }

    /** {@code on kubernetes(Pod, Deployment)}. */
    record Selector(Word input, List<Word> kinds, Span span) {
    }

    sealed interface Clause {
        Span span();
    }

    /** {@code for x in source}: the rule runs once per element. */
    record ForClause(String variable, Span variableSpan, Expr source, Span span) implements Clause {
    }

    /** {@code let x = value}. */
    record LetClause(String variable, Span variableSpan, Expr value, Span span) implements Clause {
    }

    /** {@code where condition}: only true passes; null and false stop. */
    record WhereClause(Expr condition, Span span) implements Clause {
    }

    record Report(Expr.Template message, Optional<Expr> at, Optional<Expr> when, Span span) {
    }

    record Rule(String name, Span idSpan, String title, Optional<Word> severity, Optional<Word> threat,
                List<String> refs, Optional<String> remediation, Optional<String> description, List<String> tags,
                List<Selector> selectors, List<Clause> clauses, List<Report> reports, String doc, Span span)
        implements Decl {
    }

    /** {@code given k8s """..."""} or {@code given k8s file "path"}. */
    record Given(Word kind, Optional<String> text, Optional<String> file, Span textSpan, Span span) {
    }

    /** {@code expect ESC-001 at line 8}, {@code expect no ESC-001}. */
    record Expectation(String ruleId, boolean negated, OptionalInt line, OptionalInt column, Span span) {
    }

    /** @param expectedCountSpan where {@code expect N findings} is written; {@link Span#NONE} without one */
    record Test(String name, List<Given> givens, List<Expectation> expectations, OptionalInt expectedCount,
                Span expectedCountSpan, Span span) implements Decl {
    }
}
