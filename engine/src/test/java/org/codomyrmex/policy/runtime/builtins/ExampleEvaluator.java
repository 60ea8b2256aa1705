package org.codomyrmex.policy.runtime.builtins;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;
import org.codomyrmex.policy.grammar.PolicyParser;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately small evaluator, for tests only, of the expressions builtin examples are written in: literals,
 * lists, maps, calls of builtins, field and index access, unary minus, comparisons, and/or/not. It parses with
 * the real grammar, so an example that does not parse fails here before it reaches the docs. The language's own
 * evaluator lives in the runtime; this one exists so that this package can check its examples on its own.
 */
final class ExampleEvaluator {
    private final BuiltinRegistry registry;
    /** Names of the builtins called while evaluating, to check that an example exercises its own builtin. */
    final List<String> called = new ArrayList<>();

    ExampleEvaluator(BuiltinRegistry registry) {
        this.registry = registry;
    }

    Value eval(String source) {
        PolicyLexer lexer = new PolicyLexer(CharStreams.fromString(source));
        PolicyParser parser = new PolicyParser(new CommonTokenStream(lexer));
        BaseErrorListener fail = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int col, String msg, RecognitionException e) {
                throw new IllegalArgumentException("syntax error at " + col + " in `" + source + "`: " + msg);
            }
        };
        lexer.removeErrorListeners();
        parser.removeErrorListeners();
        lexer.addErrorListener(fail);
        parser.addErrorListener(fail);
        PolicyParser.ExprContext tree = parser.expr();
        if (parser.getCurrentToken().getType() != Token.EOF) {
            throw new IllegalArgumentException("trailing input in `" + source + "`");
        }
        return expr(tree);
    }

    private Value expr(PolicyParser.ExprContext e) {
        if (e instanceof PolicyParser.PlainExprContext p) return or(p.orExpr());
        if (e instanceof PolicyParser.ConditionalExprContext c) {
            return Values.isTrue(expr(c.expr(0))) ? expr(c.expr(1)) : expr(c.expr(2));
        }
        throw new IllegalArgumentException("not supported in examples: " + e.getText());
    }

    private Value or(PolicyParser.OrExprContext e) {
        Value result = null;
        for (PolicyParser.AndExprContext a : e.andExpr()) {
            Value v = and(a);
            result = result == null ? v : Values.bool(Values.isTrue(result) || Values.isTrue(v));
        }
        return result;
    }

    private Value and(PolicyParser.AndExprContext e) {
        Value result = null;
        for (PolicyParser.NotExprContext n : e.notExpr()) {
            Value v = not(n);
            result = result == null ? v : Values.bool(Values.isTrue(result) && Values.isTrue(v));
        }
        return result;
    }

    private Value not(PolicyParser.NotExprContext e) {
        if (e.NOT() != null) return Values.bool(!Values.isTrue(not(e.notExpr())));
        return comparison(e.comparison());
    }

    private Value comparison(PolicyParser.ComparisonContext c) {
        Value left = additive(c.additive(0));
        if (c.compareOp() == null) return left;
        Value right = additive(c.additive(1));
        String op = c.compareOp().getText();
        return switch (op) {
            case "==" -> Values.bool(Values.equal(left, right));
            case "!=" -> Values.bool(!Values.equal(left, right));
            default -> {
                Double x = Args.number(left), y = Args.number(right);
                if (x == null || y == null) yield Values.FALSE;
                yield Values.bool(switch (op) {
                    case "<" -> x < y;
                    case "<=" -> x <= y;
                    case ">" -> x > y;
                    case ">=" -> x >= y;
                    default -> throw new IllegalArgumentException("not supported in examples: " + op);
                });
            }
        };
    }

    private Value additive(PolicyParser.AdditiveContext a) {
        if (a.multiplicative().size() != 1) throw new IllegalArgumentException("no arithmetic in examples: " + a.getText());
        PolicyParser.MultiplicativeContext m = a.multiplicative(0);
        if (m.unary().size() != 1) throw new IllegalArgumentException("no arithmetic in examples: " + a.getText());
        return unary(m.unary(0));
    }

    private Value unary(PolicyParser.UnaryContext u) {
        if (u.MINUS() != null) {
            Value v = unary(u.unary());
            if (v instanceof Value.Int i) return Values.integer(-i.value());
            if (v instanceof Value.Float f) return Values.number(-f.value());
            return Values.NULL;
        }
        PolicyParser.PostfixContext p = u.postfix();
        Value v = primary(p.primary());
        for (PolicyParser.PostfixOpContext op : p.postfixOp()) {
            if (op instanceof PolicyParser.FieldAccessContext f) {
                v = v instanceof Value.MapV m ? m.get(f.memberName().getText()) : Values.NULL;
            } else if (op instanceof PolicyParser.IndexAccessContext ix) {
                Value index = expr(ix.expr());
                if (v instanceof Value.ListV l && index instanceof Value.Int i && i.value() >= 0 && i.value() < l.items().size()) {
                    v = l.items().get((int) i.value());
                } else if (v instanceof Value.MapV m && index instanceof Value.Str s) {
                    v = m.get(s.value());
                } else {
                    v = Values.NULL;
                }
            } else {
                throw new IllegalArgumentException("no method calls in examples: " + op.getText());
            }
        }
        return v;
    }

    private Value primary(PolicyParser.PrimaryContext p) {
        if (p instanceof PolicyParser.LiteralPrimaryContext l) return literal(l.literal());
        if (p instanceof PolicyParser.ParenPrimaryContext paren) return expr(paren.expr());
        if (p instanceof PolicyParser.ListPrimaryContext list) {
            List<Value> items = new ArrayList<>();
            for (PolicyParser.ExprContext e : list.expr()) items.add(expr(e));
            return Values.list(items);
        }
        if (p instanceof PolicyParser.MapPrimaryContext map) {
            Map<String, Value> entries = new LinkedHashMap<>();
            for (PolicyParser.MapEntryContext e : map.mapEntry()) {
                String key = e.name() != null ? e.name().getText() : string(e.string());
                entries.put(key, expr(e.expr()));
            }
            return Values.map(entries);
        }
        if (p instanceof PolicyParser.CallPrimaryContext call) {
            String name = call.name().getText();
            Builtin b = registry.lookup(name).orElseThrow(() -> new IllegalArgumentException("unknown builtin " + name));
            List<Value> args = new ArrayList<>();
            if (call.args() != null) for (PolicyParser.ExprContext e : call.args().expr()) args.add(expr(e));
            if (!b.acceptsArity(args.size())) throw new IllegalArgumentException(name + " called with " + args.size() + " arguments");
            called.add(name);
            return b.impl().apply(args.toArray(Value[]::new));
        }
        throw new IllegalArgumentException("not supported in examples: " + p.getText());
    }

    private Value literal(PolicyParser.LiteralContext l) {
        if (l.INT() != null) return Values.integer(Long.parseLong(l.INT().getText()));
        if (l.FLOAT() != null) return Values.number(Double.parseDouble(l.FLOAT().getText()));
        if (l.TRUE() != null) return Values.TRUE;
        if (l.FALSE() != null) return Values.FALSE;
        if (l.NULL() != null) return Values.NULL;
        return Values.string(string(l.string()));
    }

    private static String string(PolicyParser.StringContext s) {
        String text = s.getText();
        if (s.RAW_STRING() != null) return text.substring(2, text.length() - 1);
        if (s.STRING() == null) throw new IllegalArgumentException("no text blocks in examples");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '"', '\\' -> sb.append(e);
                default -> throw new IllegalArgumentException("escape \\" + e + " not supported in examples");
            }
        }
        return sb.toString();
    }
}
