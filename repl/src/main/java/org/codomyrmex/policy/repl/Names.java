package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.syntax.Expr;

import java.util.LinkedHashSet;
import java.util.Set;

/** The plain names an expression mentions, to pick the session bindings it needs. */
final class Names {
    private Names() {
    }

    static Set<String> referenced(Expr e) {
        Set<String> out = new LinkedHashSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        if (e instanceof Expr.Name n) {
            out.add(n.name());
        } else if (e instanceof Expr.Field f) {
            collect(f.target(), out);
        } else if (e instanceof Expr.Index i) {
            collect(i.target(), out);
            collect(i.index(), out);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> collect(a, out));
        } else if (e instanceof Expr.Unary u) {
            collect(u.operand(), out);
        } else if (e instanceof Expr.Binary b) {
            collect(b.left(), out);
            collect(b.right(), out);
        } else if (e instanceof Expr.Conditional c) {
            collect(c.condition(), out);
            collect(c.then(), out);
            collect(c.otherwise(), out);
        } else if (e instanceof Expr.Let l) {
            collect(l.value(), out);
            collect(l.body(), out);
        } else if (e instanceof Expr.Quantified q) {
            collect(q.source(), out);
            collect(q.predicate(), out);
        } else if (e instanceof Expr.Comprehension c) {
            collect(c.source(), out);
            collect(c.element(), out);
            c.filter().ifPresent(f -> collect(f, out));
        } else if (e instanceof Expr.ListLiteral l) {
            l.items().forEach(i -> collect(i, out));
        } else if (e instanceof Expr.MapLiteral m) {
            m.entries().forEach(en -> collect(en.value(), out));
        } else if (e instanceof Expr.Template t) {
            for (Expr.TemplatePart p : t.parts()) {
                if (p instanceof Expr.ExprPart x) collect(x.expr(), out);
            }
        }
    }
}
