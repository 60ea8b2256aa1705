package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.Map;

/**
 * Values as the REPL prints them: written as literals of the language, on one line when short, else indented
 * over several lines; followed by where the value was read from ({@code # deploy.yaml:21:29}).
 */
final class ValuePrinter {
    static final int WIDTH = 100;
    private static final int MAX_LINES = 400;

    private ValuePrinter() {
    }

    static String withLocation(Value v) {
        return show(v) + location(v);
    }

    /** Where an input value was read from; nothing for values computed or written at the prompt. */
    static String location(Value v) {
        return v.span().isKnown() && !v.span().file().startsWith("<") ? "    # " + v.span() : "";
    }

    /** One line, cut at the width: for bindings, whose value is often a whole container. */
    static String brief(Value v) {
        String flat = Values.literal(v);
        if (flat.length() > WIDTH) flat = flat.substring(0, WIDTH - 5) + " ...";
        return flat + location(v);
    }

    static String show(Value v) {
        StringBuilder sb = new StringBuilder();
        write(v, 0, sb);
        String[] lines = sb.toString().split("\n", -1);
        if (lines.length <= MAX_LINES) return sb.toString();
        return String.join("\n", java.util.Arrays.copyOf(lines, MAX_LINES)) + "\n... (" + (lines.length - MAX_LINES) + " more lines)";
    }

    private static void write(Value v, int indent, StringBuilder sb) {
        String flat = Values.literal(v);
        if (flat.length() + indent <= WIDTH || !(v instanceof Value.ListV || v instanceof Value.MapV)) {
            sb.append(flat);
            return;
        }
        String pad = "  ".repeat(indent / 2 + 1);
        if (v instanceof Value.ListV l) {
            sb.append("[\n");
            for (int i = 0; i < l.items().size(); i++) {
                sb.append(pad);
                write(l.items().get(i), indent + 2, sb);
                sb.append(i + 1 < l.items().size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(indent / 2)).append(']');
            return;
        }
        Value.MapV m = (Value.MapV) v;
        sb.append("{\n");
        int i = 0;
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            sb.append(pad).append(Values.quote(e.getKey())).append(": ");
            write(e.getValue(), indent + 2, sb);
            sb.append(++i < m.entries().size() ? ",\n" : "\n");
        }
        sb.append("  ".repeat(indent / 2)).append('}');
    }
}
