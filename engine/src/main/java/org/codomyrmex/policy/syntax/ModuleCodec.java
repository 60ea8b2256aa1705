package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * A compact binary form of a parsed {@link Module}, so that a policy file whose text has not changed need not go
 * through the lexer and parser again (a cold JVM spends most of a short check's start there). Spans are stored
 * without their file name: decoding places them in the file it is given, so the same text read from another
 * path decodes to the module the parser would give for that path.
 *
 * <p>Decoding trusts nothing: every tag, count and string index is checked, a CRC guards against a damaged
 * file, and anything off gives {@link Optional#empty()}, never an exception, so the caller parses instead.
 */
public final class ModuleCodec {

    /** Bump when the encoding or any AST record changes shape. */
    static final int FORMAT = 2;
    private static final int MAGIC = 0x43504D31; // "CPM1"

    private ModuleCodec() {
    }

    /**
     * The module's bytes, or empty when it holds something this form cannot carry (a span in another file), in
     * which case the module is simply not cached.
     */
    public static Optional<byte[]> encode(Module module) {
        try {
            Writer w = new Writer(module.source().name());
            w.module(module);
            return Optional.of(w.finish());
        } catch (NotEncodable | StackOverflowError e) {
            return Optional.empty();
        }
    }

    /** The module these bytes hold, placed in {@code source}; empty when the bytes are not a valid encoding. */
    public static Optional<Module> decode(byte[] bytes, SourceFile source) {
        try {
            Reader r = new Reader(bytes, source);
            Module m = r.module();
            r.expectEnd();
            return Optional.of(m);
        } catch (RuntimeException | StackOverflowError e) {
            // Truncated, damaged or from another version: the caller parses the text instead.
            return Optional.empty();
        }
    }

    private static final class NotEncodable extends RuntimeException {
        NotEncodable(String why) {
            super(why, null, false, false);
        }
    }

    private static final class Corrupt extends RuntimeException {
        Corrupt(String why) {
            super(why, null, false, false);
        }
    }

    // Tags of the sealed hierarchies; the order is part of FORMAT.
    private static final int E_LITERAL = 1, E_NAME = 2, E_FIELD = 3, E_INDEX = 4, E_CALL = 5, E_UNARY = 6,
        E_BINARY = 7, E_CONDITIONAL = 8, E_LET = 9, E_QUANTIFIED = 10, E_COMPREHENSION = 11, E_LIST = 12,
        E_MAP = 13, E_TEMPLATE = 14;
    private static final int D_CONST = 1, D_PARAMETER = 2, D_FUNCTION = 3, D_RULE = 4, D_TEST = 5;
    private static final int C_FOR = 1, C_LET = 2, C_WHERE = 3;
    private static final int V_NULL = 1, V_BOOL = 2, V_INT = 3, V_FLOAT = 4, V_STR = 5, V_LIST = 6, V_MAP = 7;
    private static final int P_TEXT = 1, P_EXPR = 2;

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        private final Map<String, Integer> strings = new HashMap<>();
        private final String file;

        Writer(String file) {
            this.file = file;
        }

        byte[] finish() {
            byte[] body = out.toByteArray();
            CRC32 crc = new CRC32();
            crc.update(body);
            ByteArrayOutputStream whole = new ByteArrayOutputStream(body.length + 16);
            writeInt(whole, MAGIC);
            writeInt(whole, FORMAT);
            writeInt(whole, (int) crc.getValue());
            whole.writeBytes(body);
            return whole.toByteArray();
        }

        private static void writeInt(ByteArrayOutputStream o, int v) {
            o.write(v >>> 24);
            o.write(v >>> 16);
            o.write(v >>> 8);
            o.write(v);
        }

        void varint(long v) {
            // Zig-zag, so that small negative numbers stay short.
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                out.write((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            out.write((int) z);
        }

        void bool(boolean b) {
            out.write(b ? 1 : 0);
        }

        /** A string: its index when written before, else its bytes (the reader numbers them the same way). */
        void string(String s) {
            if (s == null) throw new NotEncodable("null string");
            Integer seen = strings.get(s);
            if (seen != null) {
                varint(seen + 1);
                return;
            }
            // UTF-8 has no form for half a surrogate pair ("\uD83D" in a policy): getBytes would write '?' and
            // the cached module would hold another string than the parser's. Such a module is not cached.
            if (hasLoneSurrogate(s)) throw new NotEncodable("a string with a lone surrogate");
            strings.put(s, strings.size());
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            varint(0);
            varint(bytes.length);
            out.writeBytes(bytes);
        }

        private static boolean hasLoneSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        /** A count, then each item. */
        <T> void list(List<T> items, Consumer<T> item) {
            varint(items.size());
            items.forEach(item);
        }

        /** Whether the value is there, then the value. */
        <T> void optional(Optional<T> value, Consumer<T> item) {
            bool(value.isPresent());
            value.ifPresent(item);
        }

        void optionalInt(OptionalInt i) {
            bool(i.isPresent());
            if (i.isPresent()) varint(i.getAsInt());
        }

        void span(Span s) {
            if (s.equals(Span.NONE)) {
                varint(0);
                return;
            }
            if (!s.isKnown() || !s.file().equals(file)) throw new NotEncodable("span outside the file: " + s);
            varint(s.line());
            varint(s.column());
            varint(s.endLine() - s.line());
            varint(s.endColumn());
        }

        void module(Module m) {
            optional(m.packageName(), this::string);
            list(m.imports(), i -> {
                string(i.packageName());
                optional(i.alias(), this::string);
                span(i.span());
            });
            list(m.declarations(), this::decl);
        }

        void decl(Decl d) {
            if (d instanceof Decl.Const c) {
                varint(D_CONST);
                string(c.name());
                span(c.nameSpan());
                expr(c.value());
                string(c.doc());
                span(c.span());
            } else if (d instanceof Decl.Parameter p) {
                varint(D_PARAMETER);
                string(p.name());
                span(p.nameSpan());
                expr(p.defaultValue());
                string(p.doc());
                span(p.span());
            } else if (d instanceof Decl.Function f) {
                varint(D_FUNCTION);
                string(f.name());
                span(f.nameSpan());
                list(f.params(), p -> {
                    string(p.name());
                    span(p.span());
                });
                expr(f.body());
                string(f.doc());
                span(f.span());
            } else if (d instanceof Decl.Rule r) {
                rule(r);
            } else if (d instanceof Decl.Test t) {
                test(t);
            } else {
                throw new NotEncodable("unknown node " + d.getClass().getSimpleName());
            }
        }

        void rule(Decl.Rule r) {
            varint(D_RULE);
            string(r.name());
            span(r.idSpan());
            string(r.title());
            optional(r.severity(), this::word);
            optional(r.threat(), this::word);
            list(r.refs(), this::string);
            optional(r.remediation(), this::string);
            optional(r.description(), this::string);
            list(r.tags(), this::string);
            list(r.selectors(), s -> {
                word(s.input());
                list(s.kinds(), this::word);
                span(s.span());
            });
            list(r.clauses(), this::clause);
            list(r.reports(), rep -> {
                expr(rep.message());
                optional(rep.at(), this::expr);
                optional(rep.when(), this::expr);
                span(rep.span());
            });
            string(r.doc());
            span(r.span());
        }

        void clause(Decl.Clause c) {
            if (c instanceof Decl.ForClause f) {
                varint(C_FOR);
                string(f.variable());
                span(f.variableSpan());
                expr(f.source());
                span(f.span());
            } else if (c instanceof Decl.LetClause l) {
                varint(C_LET);
                string(l.variable());
                span(l.variableSpan());
                expr(l.value());
                span(l.span());
            } else if (c instanceof Decl.WhereClause w) {
                varint(C_WHERE);
                expr(w.condition());
                span(w.span());
            } else {
                throw new NotEncodable("unknown node " + c.getClass().getSimpleName());
            }
        }

        void test(Decl.Test t) {
            varint(D_TEST);
            string(t.name());
            list(t.givens(), g -> {
                word(g.kind());
                optional(g.text(), this::string);
                optional(g.file(), this::string);
                span(g.textSpan());
                span(g.span());
            });
            list(t.expectations(), e -> {
                string(e.ruleId());
                bool(e.negated());
                optionalInt(e.line());
                optionalInt(e.column());
                span(e.span());
            });
            optionalInt(t.expectedCount());
            span(t.expectedCountSpan());
            span(t.span());
        }

        void word(Decl.Word w) {
            string(w.text());
            span(w.span());
        }


        void expr(Expr e) {
            if (e instanceof Expr.Literal l) {
                varint(E_LITERAL);
                value(l.value());
                span(l.span());
            } else if (e instanceof Expr.Name n) {
                varint(E_NAME);
                string(n.name());
                span(n.span());
            } else if (e instanceof Expr.Field f) {
                varint(E_FIELD);
                expr(f.target());
                string(f.name());
                span(f.nameSpan());
                span(f.span());
            } else if (e instanceof Expr.Index i) {
                varint(E_INDEX);
                expr(i.target());
                expr(i.index());
                span(i.span());
            } else if (e instanceof Expr.Call c) {
                varint(E_CALL);
                string(c.name());
                list(c.args(), this::expr);
                bool(c.method());
                span(c.nameSpan());
                span(c.span());
            } else if (e instanceof Expr.Unary u) {
                varint(E_UNARY);
                varint(u.op().ordinal());
                expr(u.operand());
                span(u.span());
            } else if (e instanceof Expr.Binary b) {
                varint(E_BINARY);
                varint(b.op().ordinal());
                expr(b.left());
                expr(b.right());
                span(b.span());
            } else if (e instanceof Expr.Conditional c) {
                varint(E_CONDITIONAL);
                expr(c.condition());
                expr(c.then());
                expr(c.otherwise());
                span(c.span());
            } else if (e instanceof Expr.Let l) {
                varint(E_LET);
                string(l.name());
                span(l.nameSpan());
                expr(l.value());
                expr(l.body());
                span(l.span());
            } else if (e instanceof Expr.Quantified q) {
                varint(E_QUANTIFIED);
                varint(q.quantifier().ordinal());
                string(q.variable());
                span(q.variableSpan());
                expr(q.source());
                expr(q.predicate());
                span(q.span());
            } else if (e instanceof Expr.Comprehension c) {
                varint(E_COMPREHENSION);
                expr(c.element());
                string(c.variable());
                span(c.variableSpan());
                expr(c.source());
                optional(c.filter(), this::expr);
                span(c.span());
            } else if (e instanceof Expr.ListLiteral l) {
                varint(E_LIST);
                list(l.items(), this::expr);
                span(l.span());
            } else if (e instanceof Expr.MapLiteral m) {
                varint(E_MAP);
                list(m.entries(), entry -> {
                    string(entry.key());
                    span(entry.keySpan());
                    expr(entry.value());
                });
                span(m.span());
            } else if (e instanceof Expr.Template t) {
                varint(E_TEMPLATE);
                list(t.parts(), p -> {
                    if (p instanceof Expr.TextPart text) {
                        varint(P_TEXT);
                        string(text.text());
                    } else {
                        varint(P_EXPR);
                        expr(((Expr.ExprPart) p).expr());
                    }
                });
                span(t.span());
            } else {
                throw new NotEncodable("unknown node " + e.getClass().getSimpleName());
            }
        }

        void value(Value v) {
            if (v instanceof Value.Null) {
                varint(V_NULL);
            } else if (v instanceof Value.Bool b) {
                varint(V_BOOL);
                bool(b.value());
            } else if (v instanceof Value.Int i) {
                varint(V_INT);
                varint(i.value());
            } else if (v instanceof Value.Float f) {
                varint(V_FLOAT);
                varint(Double.doubleToRawLongBits(f.value()));
            } else if (v instanceof Value.Str s) {
                varint(V_STR);
                string(s.value());
            } else if (v instanceof Value.ListV l) {
                varint(V_LIST);
                list(l.items(), this::value);
            } else if (v instanceof Value.MapV m) {
                varint(V_MAP);
                varint(m.entries().size());
                for (Map.Entry<String, Value> entry : m.entries().entrySet()) {
                    string(entry.getKey());
                    span(m.keySpan(entry.getKey()));
                    value(entry.getValue());
                }
            } else {
                throw new NotEncodable("unknown node " + v.getClass().getSimpleName());
            }
            span(v.span());
        }
    }

    private static final class Reader {
        private final byte[] bytes;
        private final SourceFile source;
        private final String file;
        private final List<String> strings = new ArrayList<>();
        private int pos;

        Reader(byte[] bytes, SourceFile source) {
            this.bytes = bytes;
            this.source = source;
            this.file = source.name();
            if (bytes.length < 12 || readInt() != MAGIC || readInt() != FORMAT) throw new Corrupt("not this format");
            int crc = readInt();
            CRC32 check = new CRC32();
            check.update(bytes, 12, bytes.length - 12);
            if ((int) check.getValue() != crc) throw new Corrupt("checksum");
        }

        private int readInt() {
            int v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | (bytes[pos++] & 0xFF);
            return v;
        }

        void expectEnd() {
            if (pos != bytes.length) throw new Corrupt("trailing bytes");
        }

        long varint() {
            long z = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) throw new Corrupt("varint too long");
                int b = bytes[pos++] & 0xFF;
                z |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
            }
            return (z >>> 1) ^ -(z & 1);
        }

        int count() {
            long n = varint();
            // Every element takes at least a byte: a count past what is left is damage, not a huge list.
            if (n < 0 || n > bytes.length - pos) throw new Corrupt("count");
            return (int) n;
        }

        int small() {
            long n = varint();
            if (n < 0 || n > Integer.MAX_VALUE) throw new Corrupt("number");
            return (int) n;
        }

        boolean bool() {
            int b = bytes[pos++];
            if (b != 0 && b != 1) throw new Corrupt("bool");
            return b == 1;
        }

        String string() {
            long ref = varint();
            if (ref > 0) {
                if (ref > strings.size()) throw new Corrupt("string index");
                return strings.get((int) (ref - 1));
            }
            if (ref < 0) throw new Corrupt("string index");
            int length = count();
            String s = new String(bytes, pos, length, StandardCharsets.UTF_8);
            pos += length;
            strings.add(s);
            return s;
        }

        /** A count, then that many items. */
        <T> List<T> list(Supplier<T> item) {
            int n = count();
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(item.get());
            return List.copyOf(out);
        }

        <T> Optional<T> optional(Supplier<T> item) {
            return bool() ? Optional.of(item.get()) : Optional.empty();
        }

        OptionalInt optionalInt() {
            return bool() ? OptionalInt.of(small()) : OptionalInt.empty();
        }

        Span span() {
            int line = small();
            if (line == 0) return Span.NONE;
            int column = small();
            int endLine = line + small();
            int endColumn = small();
            return new Span(file, line, column, endLine, endColumn);
        }

        Module module() {
            Optional<String> packageName = optional(this::string);
            List<Module.Import> imports = list(() -> new Module.Import(string(), optional(this::string), span()));
            return new Module(source, packageName, imports, list(this::decl));
        }

        Decl decl() {
            int tag = small();
            return switch (tag) {
                case D_CONST -> new Decl.Const(string(), span(), expr(), string(), span());
                case D_PARAMETER -> new Decl.Parameter(string(), span(), expr(), string(), span());
                case D_FUNCTION -> {
                    String name = string();
                    Span nameSpan = span();
                    List<Decl.Param> params = list(() -> new Decl.Param(string(), span()));
                    yield new Decl.Function(name, nameSpan, params, expr(), string(), span());
                }
                case D_RULE -> rule();
                case D_TEST -> test();
                default -> throw new Corrupt("declaration tag " + tag);
            };
        }

        Decl.Rule rule() {
            String name = string();
            Span idSpan = span();
            String title = string();
            Optional<Decl.Word> severity = optional(this::word);
            Optional<Decl.Word> threat = optional(this::word);
            List<String> refs = list(this::string);
            Optional<String> remediation = optional(this::string);
            Optional<String> description = optional(this::string);
            List<String> tags = list(this::string);
            List<Decl.Selector> selectors = list(() -> new Decl.Selector(word(), list(this::word), span()));
            List<Decl.Clause> clauses = list(this::clause);
            List<Decl.Report> reports = list(() -> {
                if (!(expr() instanceof Expr.Template message)) throw new Corrupt("report message");
                return new Decl.Report(message, optional(this::expr), optional(this::expr), span());
            });
            return new Decl.Rule(name, idSpan, title, severity, threat, refs, remediation, description, tags,
                selectors, clauses, reports, string(), span());
        }

        Decl.Clause clause() {
            int tag = small();
            return switch (tag) {
                case C_FOR -> new Decl.ForClause(string(), span(), expr(), span());
                case C_LET -> new Decl.LetClause(string(), span(), expr(), span());
                case C_WHERE -> new Decl.WhereClause(expr(), span());
                default -> throw new Corrupt("clause tag " + tag);
            };
        }

        Decl.Test test() {
            String name = string();
            List<Decl.Given> givens = list(() -> new Decl.Given(word(), optional(this::string), optional(this::string), span(), span()));
            List<Decl.Expectation> expectations = list(() -> new Decl.Expectation(string(), bool(), optionalInt(), optionalInt(), span()));
            return new Decl.Test(name, givens, expectations, optionalInt(), span(), span());
        }

        Decl.Word word() {
            return new Decl.Word(string(), span());
        }


        <E extends Enum<E>> E constant(E[] values) {
            int i = small();
            if (i >= values.length) throw new Corrupt("enum");
            return values[i];
        }

        Expr expr() {
            int tag = small();
            return switch (tag) {
                case E_LITERAL -> new Expr.Literal(value(), span());
                case E_NAME -> new Expr.Name(string(), span());
                case E_FIELD -> new Expr.Field(expr(), string(), span(), span());
                case E_INDEX -> new Expr.Index(expr(), expr(), span());
                case E_CALL -> new Expr.Call(string(), list(this::expr), bool(), span(), span());
                case E_UNARY -> new Expr.Unary(constant(Expr.UnaryOp.values()), expr(), span());
                case E_BINARY -> new Expr.Binary(constant(Expr.BinaryOp.values()), expr(), expr(), span());
                case E_CONDITIONAL -> new Expr.Conditional(expr(), expr(), expr(), span());
                case E_LET -> new Expr.Let(string(), span(), expr(), expr(), span());
                case E_QUANTIFIED -> new Expr.Quantified(constant(Expr.Quantifier.values()), string(), span(), expr(),
                    expr(), span());
                case E_COMPREHENSION -> new Expr.Comprehension(expr(), string(), span(), expr(), optional(this::expr), span());
                case E_LIST -> new Expr.ListLiteral(list(this::expr), span());
                case E_MAP -> new Expr.MapLiteral(list(() -> new Expr.MapEntry(string(), span(), expr())), span());
                case E_TEMPLATE -> new Expr.Template(list(this::templatePart), span());
                default -> throw new Corrupt("expression tag " + tag);
            };
        }

        Expr.TemplatePart templatePart() {
            int part = small();
            return switch (part) {
                case P_TEXT -> new Expr.TextPart(string());
                case P_EXPR -> new Expr.ExprPart(expr());
                default -> throw new Corrupt("template part " + part);
            };
        }

        Value value() {
            int tag = small();
            return switch (tag) {
                case V_NULL -> new Value.Null(span());
                case V_BOOL -> new Value.Bool(bool(), span());
                case V_INT -> new Value.Int(varint(), span());
                case V_FLOAT -> new Value.Float(Double.longBitsToDouble(varint()), span());
                case V_STR -> new Value.Str(string(), span());
                case V_LIST -> new Value.ListV(list(this::value), span());
                case V_MAP -> {
                    int n = count();
                    Map<String, Value> entries = new LinkedHashMap<>();
                    Map<String, Span> keySpans = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        String key = string();
                        keySpans.put(key, span());
                        entries.put(key, value());
                    }
                    yield new Value.MapV(entries, keySpans, span());
                }
                default -> throw new Corrupt("value tag " + tag);
            };
        }
    }
}
