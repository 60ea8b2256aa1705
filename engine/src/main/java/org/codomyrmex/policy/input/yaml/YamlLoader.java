package org.codomyrmex.policy.input.yaml;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads YAML into the document model, keeping each node's span. SnakeYAML only composes nodes here: no Java
 * object is ever constructed from a tag (CVE-2022-1471), and scalars are typed by our own rules, chosen per
 * format ({@link Profile}). Aliases, nesting and the number of produced values are bounded, so an alias bomb
 * ends in a located error instead of exhausting memory.
 */
public final class YamlLoader {

    /** How plain scalars are typed. */
    public enum Profile {
        /**
         * As Kubernetes reads manifests (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1): {@code yes/no/on/off/y/n}
         * in their three casings are booleans, {@code 0755} is octal, {@code 0x1F} hex; no sexagesimal numbers.
         */
        KUBERNETES,
        /**
         * As Docker Compose reads files (go-yaml v3): only {@code true/false} are booleans; numbers as in
         * Kubernetes ({@code 0o755} and, as go-yaml v3 still reads it, {@code 0755} octal, {@code 1_000} a
         * thousand); {@code 22:22} is a string.
         */
        CORE
    }

    public record Options(Profile profile, int maxAliases, int maxDepth, long maxValues, int maxDocuments,
                          int maxCodePoints) {
        /**
         * SnakeYAML's alias limit counts every alias of the stream (its default of 100 ended a compose file whose
         * services share an anchor 100 times); aliases are not expanded while composing, and the values they
         * expand to count against {@code maxValues}, the alias-bomb guard, so that budget bounds them too.
         */
        public static Options defaults(Profile profile) {
            return new Options(profile, 2_000_000, 200, 2_000_000, 10_000, 32 * 1024 * 1024);
        }
    }

    /** The documents of a stream (nulls for empty documents are dropped) and the problems found. */
    public record Result(List<Value> documents, List<Diagnostic> diagnostics) {
    }

    /** go-yaml's {@code yamlStyleFloat} (v2 and v3), matched after underscores are dropped. */
    private static final Pattern GO_YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    /** What Go's ParseFloat accepts of a scalar starting with a dot (no underscores there). */
    private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");

    private final SourceFile source;
    private final Options options;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private long produced;
    private final Map<Node, Value> converted = new IdentityHashMap<>();
    private final Map<Node, Long> expandedSize = new IdentityHashMap<>();

    /**
     * The code point indexes of the characters outside the BMP, in order. SnakeYAML's marks count code points,
     * spans count chars (as the rest of the tool does), so each such character before a mark shifts it by one.
     */
    private final int[] astral;

    private YamlLoader(SourceFile source, Options options) {
        this.source = source;
        this.options = options;
        this.astral = astralIndexes(source.text());
    }

    private static int[] astralIndexes(String text) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) if (Character.isHighSurrogate(text.charAt(i))) count++;
        if (count == 0) return new int[0];
        int[] out = new int[count];
        int n = 0;
        int cp = 0;
        for (int i = 0; i < text.length(); cp++) {
            int c = text.codePointAt(i);
            if (Character.isSupplementaryCodePoint(c) && n < count) out[n++] = cp;
            i += Character.charCount(c);
        }
        return n == count ? out : java.util.Arrays.copyOf(out, n);
    }

    /** The char offset in the text of a mark's code point index. */
    private int charOffset(int codePointIndex) {
        if (astral.length == 0) return codePointIndex;
        int before = java.util.Arrays.binarySearch(astral, codePointIndex);
        return codePointIndex + (before >= 0 ? before : -before - 1);
    }

    public static Result load(SourceFile source, Options options) {
        return new YamlLoader(source, options).run();
    }

    private Result run() {
        List<Value> documents = new ArrayList<>();
        LoaderOptions lo = new LoaderOptions();
        lo.setAllowDuplicateKeys(true); // duplicates are reported by us, with both locations
        lo.setMaxAliasesForCollections(options.maxAliases());
        lo.setNestingDepthLimit(options.maxDepth());
        lo.setCodePointLimit(options.maxCodePoints());
        lo.setAllowRecursiveKeys(false);
        lo.setProcessComments(false);
        MarkingParser parser = new MarkingParser(new ParserImpl(new StreamReader(new StringReader(source.text())), lo));
        Composer composer = new Composer(parser, new PlainResolver(), lo);
        try {
            while (composer.checkNode()) {
                Node node = composer.getNode();
                if (documents.size() >= options.maxDocuments()) {
                    diagnostics.add(Diagnostic.error("I1004", "more than " + options.maxDocuments()
                        + " documents in one file; the rest is not read", span(node)));
                    break;
                }
                Value v = convert(node, 0);
                if (!(v instanceof Value.Null)) documents.add(v);
            }
        } catch (BudgetExceeded e) {
            diagnostics.add(Diagnostic.error("I1003", e.getMessage(), e.span,
                "aliases that expand to millions of values are refused (alias bomb)"));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Span at = m != null ? source.span(charOffset(m.getIndex()), charOffset(m.getIndex())) : Span.of(source.name(), 1, 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            diagnostics.add(Diagnostic.error("I1001", "invalid YAML: " + context + firstLine(problem), at));
        } catch (YAMLException e) {
            // SnakeYAML gives no mark with these (nesting too deep, too many aliases): the last event read is where.
            Span at = parser.last == null ? Span.of(source.name(), 1, 1)
                : source.span(charOffset(parser.last.getIndex()), charOffset(parser.last.getIndex()));
            String message = String.valueOf(e.getMessage());
            diagnostics.add(Diagnostic.error("I1002", message.startsWith("Nesting Depth exceeded")
                ? "YAML nested deeper than " + options.maxDepth() + " levels" : "invalid YAML: " + firstLine(message), at));
        } catch (StackOverflowError e) {
            diagnostics.add(Diagnostic.error("I1005", "YAML nested too deeply", Span.of(source.name(), 1, 1)));
        }
        return new Result(documents, diagnostics);
    }

    /** SnakeYAML's parser, remembering where the last event it gave out starts. */
    private static final class MarkingParser implements org.yaml.snakeyaml.parser.Parser {
        private final org.yaml.snakeyaml.parser.Parser inner;
        private Mark last;

        MarkingParser(org.yaml.snakeyaml.parser.Parser inner) {
            this.inner = inner;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            boolean is = inner.checkEvent(id);
            remember(inner.peekEvent());
            return is;
        }

        @Override
        public Event peekEvent() {
            return remember(inner.peekEvent());
        }

        @Override
        public Event getEvent() {
            return remember(inner.getEvent());
        }

        private Event remember(Event e) {
            if (e != null) last = e.getStartMark();
            return e;
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private Value convert(Node node, int depth) {
        long start = produced;
        if (++produced > options.maxValues()) {
            throw new BudgetExceeded("document expands to more than " + options.maxValues() + " values", span(node));
        }
        if (depth > options.maxDepth()) {
            throw new BudgetExceeded("YAML nested deeper than " + options.maxDepth() + " levels", span(node));
        }
        // An alias shares its anchor's node; reuse the value (its span is the anchor's, where it is written).
        // It still counts as every value it holds: whatever walks the document (a rule, `policy parse`) sees
        // the expanded tree, so an alias bomb must hit the budget here. Only anchored nodes can be met twice,
        // so only they go through the cache.
        boolean anchored = node.getAnchor() != null;
        Value done = anchored ? converted.get(node) : null;
        if (done != null) {
            produced = start + expandedSize.get(node);
            if (produced > options.maxValues()) {
                throw new BudgetExceeded("document expands to more than " + options.maxValues() + " values through aliases", span(node));
            }
            return done;
        }
        Value v;
        if (node instanceof ScalarNode s) {
            v = scalar(s);
        } else if (node instanceof SequenceNode seq) {
            List<Value> items = new ArrayList<>(seq.getValue().size());
            for (Node child : seq.getValue()) items.add(convert(child, depth + 1));
            v = new Value.ListV(items, span(node));
        } else {
            v = mapping((MappingNode) node, depth);
        }
        if (!anchored || node instanceof ScalarNode) return v;
        converted.put(node, v);
        expandedSize.put(node, produced - start);
        return v;
    }

    private Value mapping(MappingNode node, int depth) {
        // Sized for the entries up front; key spans need no order (MapV keeps them in an unordered copy).
        int capacity = (int) (node.getValue().size() / 0.75f) + 1;
        Map<String, Value> entries = new LinkedHashMap<>(capacity);
        Map<String, Span> keySpans = new java.util.HashMap<>(capacity);
        List<NodeTuple> merges = new ArrayList<>();
        for (NodeTuple t : node.getValue()) {
            Node keyNode = t.getKeyNode();
            String key;
            if (keyNode instanceof ScalarNode ks) {
                key = ks.getValue();
                if (key.equals("<<") && ks.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
                    if (!merges.isEmpty()) {
                        diagnostics.add(Diagnostic.warning("I1011", "duplicate key '<<' (first at line "
                            + span(merges.get(0).getKeyNode()).line() + "); both merges apply, the first one's keys win",
                            span(keyNode)));
                    }
                    merges.add(t);
                    continue;
                }
                if (isNullKey(ks)) {
                    // go-yaml reads it as a nil key: sigs.k8s.io/yaml cannot write it as a JSON object key and
                    // compose-go refuses it ("Non-string key"), so neither Kubernetes nor Compose takes the file.
                    diagnostics.add(Diagnostic.error("I1015", "a null mapping key" + (key.isEmpty() ? "" : " ('" + key + "')")
                        + " is not a string: Kubernetes and Compose refuse the file; entry ignored", span(keyNode),
                        key.isEmpty() ? "write the key's name before the colon"
                            : "quote it ('" + key + "': ...) if a key named " + key + " is meant"));
                    continue;
                }
                if (options.profile() == Profile.KUBERNETES && PLAIN.equals(ks.getTag())) key = kubernetesKey(key);
            } else {
                // go-yaml (v2 for Kubernetes, v3 for Compose) fails on it ("invalid map key"): the file is refused.
                diagnostics.add(Diagnostic.error("I1010", "a complex mapping key (a list or a mapping) is not a string: "
                    + "Kubernetes and Compose refuse the file; entry ignored", span(keyNode)));
                continue;
            }
            if (entries.containsKey(key)) {
                Span first = keySpans.get(key);
                diagnostics.add(Diagnostic.warning("I1011", "duplicate key '" + key + "' (first at line " + first.line()
                    + "); the last one wins, as in Kubernetes and Compose", span(keyNode)));
                entries.remove(key);
            }
            entries.put(key, convert(t.getValueNode(), depth + 1));
            keySpans.put(key, span(keyNode));
        }
        // Merge keys (<<: *base): explicit entries win; earlier merged maps win over later ones.
        for (NodeTuple merge : merges) {
            Node m = merge.getValueNode();
            List<Node> sources = m instanceof SequenceNode seq ? seq.getValue() : List.of(m);
            for (Node src : sources) {
                Value merged = convert(src, depth + 1);
                if (merged instanceof Value.MapV mv) {
                    for (Map.Entry<String, Value> e : mv.entries().entrySet()) {
                        if (!entries.containsKey(e.getKey())) {
                            entries.put(e.getKey(), e.getValue());
                            keySpans.put(e.getKey(), mv.keySpan(e.getKey()));
                        }
                    }
                } else {
                    // At the '<<' that uses it: the alias's anchor may be far away, and fine where it is defined.
                    diagnostics.add(Diagnostic.warning("I1012", "merge key '<<' needs a mapping or a list of mappings",
                        span(merge.getKeyNode())));
                }
            }
        }
        return new Value.MapV(entries, keySpans, span(node));
    }

    /** A key go-yaml reads as null: a plain ~, null, Null, NULL or empty key, or one tagged !!null. */
    private static boolean isNullKey(ScalarNode key) {
        if (Tag.NULL.equals(key.getTag())) return true;
        if (!PLAIN.equals(key.getTag())) return false;
        String t = key.getValue();
        return t.isEmpty() || t.equals("~") || t.equals("null") || t.equals("Null") || t.equals("NULL");
    }

    private Value scalar(ScalarNode s) {
        Span at = span(s);
        String text = s.getValue();
        Tag tag = s.getTag();
        if (PLAIN.equals(tag)) return resolvePlain(text, at);
        // Quoted, or tagged !!str: a string whatever it looks like (`!!str on` is "on", as in go-yaml).
        if (Tag.STR.equals(tag)) return new Value.Str(text, at);
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag) || Tag.NULL.equals(tag)) {
            Value v = resolvePlain(text, at);
            if (Tag.NULL.equals(tag)) return new Value.Null(at);
            if (Tag.BOOL.equals(tag) && !(v instanceof Value.Bool)) return badTag(tag, text, at);
            if (Tag.INT.equals(tag) && !(v instanceof Value.Int)) return badTag(tag, text, at);
            if (Tag.FLOAT.equals(tag)) {
                if (v instanceof Value.Int i) return new Value.Float(i.value(), at);
                if (!(v instanceof Value.Float)) return badTag(tag, text, at);
            }
            return v;
        }
        // Any other tag (!Ref, !!binary, a Java class name...) is not constructed: the text is kept as a string.
        diagnostics.add(Diagnostic.warning("I1013", "tag '" + tag.getValue() + "' is ignored; the value is read as a string", at));
        return new Value.Str(text, at);
    }

    /**
     * A plain key as it reaches the API server: go-yaml v2 types keys as it types values, and sigs.k8s.io/yaml
     * writes the booleans and numbers among them back as JSON strings, so {@code on:} is the key {@code "true"},
     * {@code 0755:} is {@code "493"} and {@code 1.10:} is {@code "1.1"} (Go's FormatFloat(k, 'g', -1, 32)).
     */
    private String kubernetesKey(String text) {
        Value v = resolvePlain(text, Span.NONE);
        if (v instanceof Value.Bool b) return b.value() ? "true" : "false";
        if (v instanceof Value.Int i) return Long.toString(i.value());
        if (v instanceof Value.Float f) return goFloat32(f.value());
        return text;
    }

    /** Go's {@code strconv.FormatFloat(d, 'g', -1, 32)}, with YAML's names for the infinities and NaN. */
    static String goFloat32(double d) {
        if (Double.isNaN(d)) return ".nan";
        if (Double.isInfinite(d)) return d > 0 ? ".inf" : "-.inf";
        float f = (float) d;
        if (Float.isInfinite(f)) return f > 0 ? "+Inf" : "-Inf";
        String sign = f < 0 || (f == 0 && 1 / f < 0) ? "-" : "";
        if (f == 0) return sign + "0";
        java.math.BigDecimal dec = new java.math.BigDecimal(Float.toString(Math.abs(f))).stripTrailingZeros();
        String digits = dec.unscaledValue().toString();
        int exp = digits.length() - dec.scale() - 1;
        if (exp < -4 || exp >= 6) { // Go's shortest %g takes an exponent outside [1e-4, 1e6)
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int e = Math.abs(exp);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
        }
        return sign + dec.toPlainString();
    }

    private Value badTag(Tag tag, String text, Span at) {
        diagnostics.add(Diagnostic.warning("I1014", "'" + text + "' is not a valid " + tag.getValue() + "; read as a string", at));
        return new Value.Str(text, at);
    }

    private Value resolvePlain(String t, Span at) {
        if (t.isEmpty() || t.equals("~") || t.equals("null") || t.equals("Null") || t.equals("NULL")) {
            return new Value.Null(at);
        }
        boolean k8s = options.profile() == Profile.KUBERNETES;
        switch (t) {
            case "true", "True", "TRUE" -> { return new Value.Bool(true, at); }
            case "false", "False", "FALSE" -> { return new Value.Bool(false, at); }
            default -> { }
        }
        if (k8s) {
            switch (t) {
                case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON" -> { return new Value.Bool(true, at); }
                case "n", "N", "no", "No", "NO", "off", "Off", "OFF" -> { return new Value.Bool(false, at); }
                default -> { }
            }
        }
        char c = t.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) return new Value.Str(t, at);
        if (INF.matcher(t).matches()) return new Value.Float(t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, at);
        if (NAN.matcher(t).matches()) return new Value.Float(Double.NaN, at);
        // go-yaml v3 (Compose) reads numbers as v2 (Kubernetes) does: only the booleans differ.
        return goYamlNumber(t, at);
    }

    /**
     * A plain scalar starting with a digit, a sign or a dot, as go-yaml (v2 and v3) resolves it: underscores dropped, then
     * Go's {@code strconv.ParseInt(s, 0, 64)} (prefixes {@code 0x}, {@code 0o}, {@code 0b} in either case, and a
     * leading {@code 0} for octal), then unsigned 64 bits, then a float of YAML's form that is in range; anything
     * else is a string ({@code 0x} with 20 digits, {@code 1e400}). A scalar starting with a dot is only a float.
     */
    private static Value goYamlNumber(String t, Span at) {
        boolean dot = t.charAt(0) == '.';
        // A scalar starting with a dot goes to Go's ParseFloat as written, which takes no underscores.
        if (dot && !DOT_FLOAT.matcher(t).matches()) return new Value.Str(t, at);
        String plain = dot ? t : t.replace("_", "");
        java.math.BigInteger n = dot ? null : goParseInt(plain);
        if (n != null) {
            if (n.bitLength() < 64) return new Value.Int(n.longValue(), at);
            // strconv.ParseUint: no sign, up to 2^64-1 (kept here as the nearest float).
            if (n.signum() > 0 && n.bitLength() == 64 && plain.charAt(0) != '+') return new Value.Float(n.doubleValue(), at);
        }
        if (GO_YAML_FLOAT.matcher(plain).matches()) {
            double d = Double.parseDouble(plain);
            if (!Double.isInfinite(d)) return new Value.Float(d, at); // Go's ParseFloat fails out of range
        }
        return new Value.Str(t, at);
    }

    /** Go's integer literal syntax for base 0 (sign, then 0x/0o/0b/0 prefix or decimal); null when it is none. */
    private static java.math.BigInteger goParseInt(String s) {
        int i = 0;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        int radix = 10;
        String digits = body;
        if (body.length() >= 2 && body.charAt(0) == '0') {
            switch (body.charAt(1)) {
                case 'x', 'X' -> { radix = 16; digits = body.substring(2); }
                case 'o', 'O' -> { radix = 8; digits = body.substring(2); }
                case 'b', 'B' -> { radix = 2; digits = body.substring(2); }
                default -> { radix = 8; digits = body.substring(1); }
            }
        }
        if (digits.isEmpty()) return null;
        for (int k = 0; k < digits.length(); k++) {
            char d = digits.charAt(k);
            int value = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : d >= 'A' && d <= 'F' ? d - 'A' + 10 : 99;
            if (value >= radix) return null;
        }
        java.math.BigInteger v = new java.math.BigInteger(digits, radix);
        return negative ? v.negate() : v;
    }

    /**
     * A node's span, from the marks' offsets rather than their lines and columns: SnakeYAML counts columns in
     * code points and also breaks lines at CR, NEL, LS and PS, where spans count chars and lines end at LF only.
     */
    private Span span(Node node) {
        Mark start = node.getStartMark();
        Mark end = node.getEndMark();
        if (start == null) return Span.of(source.name(), 1, 1);
        int from = charOffset(start.getIndex());
        int to = end != null ? Math.max(from, charOffset(end.getIndex())) : from + 1;
        int startLine = source.lineOf(from);
        // An empty node (`key:` with no value) has no text: its span is the place it would start, not one that
        // ends a column before it begins.
        if (to == from) return new Span(source.name(), startLine, source.columnOf(from), startLine, source.columnOf(from));
        int endLine = source.lineOf(to);
        int endColumn = source.columnOf(to) - 1; // the last char of the node, 1-based
        // Block nodes end at column 0 of the following line: point at the end of the last line instead.
        if (endColumn == 0 && endLine > startLine) {
            endLine--;
            endColumn = Math.max(1, source.lineLength(endLine));
        }
        return new Span(source.name(), startLine, source.columnOf(from), endLine, Math.max(endColumn, 1));
    }

    /** The tag of a plain scalar written without a tag: typed by {@link #resolvePlain}. */
    private static final Tag PLAIN = new Tag("tag:codomyrmex.org,2026:plain");

    /**
     * A resolver that types nothing itself: every plain scalar without a tag gets {@link #PLAIN} and reaches
     * {@link #resolvePlain}, where an explicit {@code !!str} keeps SnakeYAML's {@code Tag.STR}.
     */
    private static final class PlainResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            // Deliberately empty: plain scalars are typed by the Profile, not by SnakeYAML's YAML 1.1 table.
        }

        @Override
        public Tag resolve(org.yaml.snakeyaml.nodes.NodeId kind, String value, boolean implicit) {
            if (kind == org.yaml.snakeyaml.nodes.NodeId.scalar && implicit) return PLAIN;
            return super.resolve(kind, value, implicit);
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        private final transient Span span;

        BudgetExceeded(String message, Span span) {
            super(message, null, false, false);
            this.span = span;
        }
    }
}
