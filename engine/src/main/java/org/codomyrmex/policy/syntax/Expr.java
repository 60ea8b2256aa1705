package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

import java.util.List;
import java.util.Optional;

/** Expressions of the language: immutable records, one per construct. */
public sealed interface Expr {
    Span span();

    /** A literal: string, number, bool or null. */
    record Literal(Value value, Span span) implements Expr {
    }

    /** A name: a local binding, a parameter, a constant or an input view. */
    record Name(String name, Span span) implements Expr {
    }

    /** {@code target.name}: null-safe, an absent field or a null target gives null. */
    record Field(Expr target, String name, Span nameSpan, Span span) implements Expr {
    }

    /** {@code target[index]}: list index (negative counts from the end) or map key; null when absent. */
    record Index(Expr target, Expr index, Span span) implements Expr {
    }

    /**
     * A call of a builtin or a user function. {@code target.f(a)} is written as a method but means
     * {@code f(target, a)}; {@code method} remembers the spelling for messages and formatting.
     */
    record Call(String name, List<Expr> args, boolean method, Span nameSpan, Span span) implements Expr {
    }

    enum UnaryOp {
        NOT("not"), NEGATE("-");

        public final String symbol;

        UnaryOp(String symbol) {
            this.symbol = symbol;
        }
    }

    record Unary(UnaryOp op, Expr operand, Span span) implements Expr {
    }

    enum BinaryOp {
        OR("or"), AND("and"),
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), NOT_IN("not in"),
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%");

        public final String symbol;

        BinaryOp(String symbol) {
            this.symbol = symbol;
        }

        public boolean isComparison() {
            return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
        }

        public boolean isArithmetic() {
            return this == ADD || this == SUB || this == MUL || this == DIV || this == MOD;
        }
    }

    record Binary(BinaryOp op, Expr left, Expr right, Span span) implements Expr {
    }

    /** {@code if c then a else b}. */
    record Conditional(Expr condition, Expr then, Expr otherwise, Span span) implements Expr {
    }

    /** {@code let x = value in body}. */
    record Let(String name, Span nameSpan, Expr value, Expr body, Span span) implements Expr {
    }

    enum Quantifier {
        ANY, ALL, NONE, COUNT;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code any x in xs: p}, {@code all ...}, {@code none ...}, {@code count ...}. */
    record Quantified(Quantifier quantifier, String variable, Span variableSpan, Expr source, Expr predicate,
                      Span span) implements Expr {
    }

    /** {@code [element for x in xs if filter]}: map and filter in one. */
    record Comprehension(Expr element, String variable, Span variableSpan, Expr source, Optional<Expr> filter,
                         Span span) implements Expr {
    }

    record ListLiteral(List<Expr> items, Span span) implements Expr {
    }

    record MapLiteral(List<MapEntry> entries, Span span) implements Expr {
    }

    record MapEntry(String key, Span keySpan, Expr value) {
    }

    /** A report message: text with {@code {expr}} holes, parsed when the rule is read. */
    record Template(List<TemplatePart> parts, Span span) implements Expr {
    }

    sealed interface TemplatePart {
    }

    record TextPart(String text) implements TemplatePart {
    }

    record ExprPart(Expr expr) implements TemplatePart {
    }
}
