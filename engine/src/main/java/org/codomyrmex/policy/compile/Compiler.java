package org.codomyrmex.policy.compile;

import org.codomyrmex.policy.check.CheckedConstant;
import org.codomyrmex.policy.check.CheckedFunction;
import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.check.CheckedRule;
import org.codomyrmex.policy.check.Resolution;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.runtime.Budget;
import org.codomyrmex.policy.runtime.CompiledPolicy;
import org.codomyrmex.policy.runtime.CompiledRule;
import org.codomyrmex.policy.runtime.EvalAnd;
import org.codomyrmex.policy.runtime.EvalArithmetic;
import org.codomyrmex.policy.runtime.EvalBuiltin;
import org.codomyrmex.policy.runtime.EvalCall;
import org.codomyrmex.policy.runtime.EvalCompare;
import org.codomyrmex.policy.runtime.EvalComprehension;
import org.codomyrmex.policy.runtime.EvalConditional;
import org.codomyrmex.policy.runtime.EvalEquals;
import org.codomyrmex.policy.runtime.EvalField;
import org.codomyrmex.policy.runtime.EvalIn;
import org.codomyrmex.policy.runtime.EvalIndex;
import org.codomyrmex.policy.runtime.EvalLet;
import org.codomyrmex.policy.runtime.EvalList;
import org.codomyrmex.policy.runtime.EvalLiteral;
import org.codomyrmex.policy.runtime.EvalLocal;
import org.codomyrmex.policy.runtime.EvalMap;
import org.codomyrmex.policy.runtime.EvalNegate;
import org.codomyrmex.policy.runtime.EvalNot;
import org.codomyrmex.policy.runtime.EvalOr;
import org.codomyrmex.policy.runtime.EvalQuantifier;
import org.codomyrmex.policy.runtime.EvalTemplate;
import org.codomyrmex.policy.runtime.EvalTraced;
import org.codomyrmex.policy.runtime.EvalView;
import org.codomyrmex.policy.runtime.Frame;
import org.codomyrmex.policy.runtime.Node;
import org.codomyrmex.policy.runtime.TraceListener;
import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.syntax.Expr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checked AST to evaluator: one node per construct, names bound to slots, views, folded constants and builtin
 * implementations. Operators over constants are folded here; nothing reads the AST or looks up a name by
 * string at run time except document views.
 */
public final class Compiler {
    private final CheckedProgram program;
    private final Map<String, EvalCall.FunctionBody> functionBodies = new HashMap<>();
    private final Map<String, Value> constantValues = new HashMap<>();
    private final Map<String, Value> parameters;
    /**
     * Set when the {@code scan} view is compiled: tells which rules read it. Functions see only their arguments,
     * never a view, so a rule reads scan exactly when its own clauses or reports name it.
     */
    private boolean compiledScan;
    /** Null except for {@link #compileExpression(CheckedProgram, Expr, TraceListener)}. */
    private final TraceListener tracer;

    private Compiler(CheckedProgram program, Map<String, Value> parameters) {
        this(program, parameters, null);
    }

    private Compiler(CheckedProgram program, Map<String, Value> parameters, TraceListener tracer) {
        this.program = program;
        this.parameters = parameters;
        this.tracer = tracer;
    }

    /** Compiles everything that passed the checker (declarations with errors were already left out). */
    public static CompiledPolicy compile(CheckedProgram program) {
        return compile(program, Map.of());
    }

    /**
     * Compiles with parameter values replacing the defaults, keyed by qualified name ({@code registry.trusted});
     * see {@code api.Parameters} for how user names are resolved and checked.
     */
    public static CompiledPolicy compile(CheckedProgram program, Map<String, Value> parameters) {
        return new Compiler(program, parameters).run();
    }

    /** Compiles one expression checked inside {@code program} (the REPL's input). */
    public static Node compileExpression(CheckedProgram program, Expr expr) {
        Compiler c = new Compiler(program, Map.of());
        c.linkFunctions();
        return c.expr(expr);
    }

    /**
     * Like {@link #compileExpression(CheckedProgram, Expr)}, but every node (also in the functions it calls)
     * reports to {@code tracer} as it is evaluated, and nothing is folded (the REPL's {@code :trace}).
     * Constants are still computed while compiling, so the listener may see their steps before evaluation.
     */
    public static Node compileExpression(CheckedProgram program, Expr expr, TraceListener tracer) {
        Compiler c = new Compiler(program, Map.of(), java.util.Objects.requireNonNull(tracer));
        c.linkFunctions();
        return c.expr(expr);
    }

    private CompiledPolicy run() {
        linkFunctions();
        List<CompiledRule> rules = new ArrayList<>();
        for (CheckedRule r : program.rules()) rules.add(rule(r));
        return new CompiledPolicy(rules);
    }

    private void linkFunctions() {
        for (CheckedFunction f : program.functions().values()) {
            functionBodies.put(f.qualifiedName(), new EvalCall.FunctionBody(f.qualifiedName()));
        }
        for (CheckedFunction f : program.functions().values()) {
            functionBodies.get(f.qualifiedName()).define(expr(f.decl().body()), f.frameSize());
        }
    }

    public static RuleInfo info(CheckedRule r) {
        Decl.Rule d = r.decl();
        return new RuleInfo(d.name(), d.title(), r.severity(), r.threat(), r.formats(), r.resourceKinds(), d.refs(),
            d.remediation().orElse(""), d.description().orElse(""), d.tags(), r.packageName(), d.idSpan());
    }

    private CompiledRule rule(CheckedRule r) {
        compiledScan = false;
        List<CompiledRule.Step> steps = new ArrayList<>();
        for (Decl.Clause c : r.decl().clauses()) {
            if (c instanceof Decl.ForClause f) {
                steps.add(new CompiledRule.ForStep(slotOf(f.variableSpan()), expr(f.source()), f.variableSpan()));
            } else if (c instanceof Decl.LetClause l) {
                steps.add(new CompiledRule.LetStep(slotOf(l.variableSpan()), expr(l.value())));
            } else {
                Node cond = expr(((Decl.WhereClause) c).condition());
                steps.add(new CompiledRule.WhereStep(cond));
            }
        }
        List<CompiledRule.Report> reports = new ArrayList<>();
        for (Decl.Report rep : r.decl().reports()) {
            reports.add(new CompiledRule.Report((EvalTemplate) template(rep.message()),
                rep.at().map(this::expr).orElse(null), rep.when().map(this::expr).orElse(null)));
        }
        return new CompiledRule(info(r), steps, reports, r.frameSize(), compiledScan);
    }

    // ------------------------------------------------------------------ expressions

    Node expr(Expr e) {
        Node n = build(e);
        return tracer == null ? n : new EvalTraced(n, tracer);
    }

    /**
     * Operators whose operands are all constant are evaluated now. Builtin calls are not folded: some read the
     * clock, and regex builtins cache their patterns anyway.
     */
    private static Node folded(Node n, Node... operands) {
        for (Node o : operands) if (o != null && !o.isConstant()) return n;
        return new EvalLiteral(n.eval(new Frame(0, null, Budget.unlimited())), n.span);
    }

    private Node build(Expr e) {
        Span s = e.span();
        if (e instanceof Expr.Literal l) {
            return new EvalLiteral(l.value(), s);
        }
        if (e instanceof Expr.Name n) {
            Resolution r = program.resolution(n);
            if (r instanceof Resolution.Local local) return new EvalLocal(local.slot(), s);
            if (r instanceof Resolution.View v && v.name().equals("scan")) {
                compiledScan = true;
                return new EvalView.Scan(s);
            }
            if (r instanceof Resolution.View v) return new EvalView(v.name(), s);
            return new EvalLiteral(constant(((Resolution.Constant) r).qualifiedName()), s);
        }
        if (e instanceof Expr.Field f) {
            Resolution r = program.resolutions().get(f);
            if (r instanceof Resolution.Constant c) {
                    return new EvalLiteral(constant(c.qualifiedName()), s);
            }
            Node target = expr(f.target());
            return folded(new EvalField(target, f.name(), s), target);
        }
        if (e instanceof Expr.Index i) {
            Node target = expr(i.target());
            Node index = expr(i.index());
            return folded(new EvalIndex(target, index, s), target, index);
        }
        if (e instanceof Expr.Call c) return call(c);
        if (e instanceof Expr.Unary u) {
            Node operand = expr(u.operand());
            return folded(u.op() == Expr.UnaryOp.NOT ? new EvalNot(operand, s) : new EvalNegate(operand, s), operand);
        }
        if (e instanceof Expr.Binary b) {
            Node l = expr(b.left());
            Node r = expr(b.right());
            return folded(switch (b.op()) {
                case AND -> new EvalAnd(l, r, s);
                case OR -> new EvalOr(l, r, s);
                case EQ -> new EvalEquals(l, r, false, s);
                case NE -> new EvalEquals(l, r, true, s);
                case LT, LE, GT, GE -> new EvalCompare(l, r, b.op(), s);
                case IN -> new EvalIn(l, r, false, s);
                case NOT_IN -> new EvalIn(l, r, true, s);
                default -> new EvalArithmetic(l, r, b.op(), s);
            }, l, r);
        }
        if (e instanceof Expr.Conditional c) {
            Node cond = expr(c.condition());
            Node then = expr(c.then());
            Node otherwise = expr(c.otherwise());
            return folded(new EvalConditional(cond, then, otherwise, s), cond, then, otherwise);
        }
        if (e instanceof Expr.Let l) {
            Node value = expr(l.value());
            Node body = expr(l.body());
            return new EvalLet(slotOf(l.nameSpan()), value, body, s);
        }
        if (e instanceof Expr.Quantified q) {
            Node source = expr(q.source());
            Node predicate = expr(q.predicate());
            return new EvalQuantifier(q.quantifier(), slotOf(q.variableSpan()), source, predicate, s);
        }
        if (e instanceof Expr.Comprehension c) {
            Node source = expr(c.source());
            Node element = expr(c.element());
            Node filter = c.filter().map(this::expr).orElse(null);
            int slot = slotOf(c.variableSpan());
            return new EvalComprehension(element, slot, source, filter, s);
        }
        if (e instanceof Expr.ListLiteral l) {
            Node[] items = new Node[l.items().size()];
            for (int i = 0; i < items.length; i++) items[i] = expr(l.items().get(i));
            return folded(new EvalList(items, s), items);
        }
        if (e instanceof Expr.MapLiteral m) {
            String[] keys = new String[m.entries().size()];
            Node[] values = new Node[keys.length];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = m.entries().get(i).key();
                values[i] = expr(m.entries().get(i).value());
            }
            return folded(new EvalMap(keys, values, s), values);
        }
        return template((Expr.Template) e);
    }

    private Node template(Expr.Template t) {
        int n = t.parts().size();
        String[] texts = new String[n];
        Node[] holes = new Node[n];
        for (int i = 0; i < n; i++) {
            Expr.TemplatePart p = t.parts().get(i);
            if (p instanceof Expr.TextPart text) {
                texts[i] = text.text();
            } else {
                holes[i] = expr(((Expr.ExprPart) p).expr());
            }
        }
        return new EvalTemplate(texts, holes, t.span());
    }

    private Node call(Expr.Call c) {
        Resolution r = program.resolution(c);
        List<Expr> args = c.args();
        if (r instanceof Resolution.FunctionCall f && c.method() && args.size() > functionArity(f.qualifiedName())) {
            args = args.subList(1, args.size()); // pkg.f(x): the receiver was the package name
        }
        Node[] nodes = new Node[args.size()];
        for (int i = 0; i < nodes.length; i++) nodes[i] = expr(args.get(i));
        if (r instanceof Resolution.BuiltinCall b) return new EvalBuiltin(b.builtin(), nodes, c.span());
        return new EvalCall(functionBodies.get(((Resolution.FunctionCall) r).qualifiedName()), nodes, c.span());
    }

    private int functionArity(String qualifiedName) {
        return program.functions().get(qualifiedName).decl().params().size();
    }

    /** The slot the checker gave the binding written at {@code bindingSpan}. */
    private int slotOf(Span bindingSpan) {
        Integer slot = program.bindingSlots().get(bindingSpan);
        if (slot == null) throw new IllegalStateException("no slot for binding at " + bindingSpan);
        return slot;
    }

    private Value constant(String qualifiedName) {
        Value v = constantValues.get(qualifiedName);
        if (v != null) return v;
        CheckedConstant c = program.constants().get(qualifiedName);
        Value override = c.parameter() ? parameters.get(qualifiedName) : null;
        if (override != null) {
            v = override;
        } else {
            Node n = expr(c.value());
            v = n.eval(new Frame(c.frameSize(), null, Budget.unlimited()));
        }
        constantValues.put(qualifiedName, v);
        return v;
    }
}
