package org.codomyrmex.policy.input.dockerfile;

import java.util.List;

/**
 * Renders parsed instructions in the format of BuildKit's {@code Node.Dump()}, the format of the {@code result}
 * files of BuildKit's parser tests: {@code (run "echo hi")}, flags as Go's {@code %q} of a string list, ENV and
 * LABEL as key/value/separator triples, ONBUILD nesting its instruction.
 */
final class BuildkitDump {
    private BuildkitDump() {
    }

    static String dump(ParsedDockerfile df) {
        StringBuilder sb = new StringBuilder();
        for (Instruction i : df.instructions()) sb.append('(').append(dump(i)).append(")\n");
        return sb.toString().strip() + "\n";
    }

    static String dump(Instruction i) {
        StringBuilder sb = new StringBuilder(i.keyword().toLowerCase(java.util.Locale.ROOT));
        if (!i.flags().isEmpty()) {
            sb.append(" [");
            for (int k = 0; k < i.flags().size(); k++) {
                if (k > 0) sb.append(' ');
                sb.append(goQuote(i.flags().get(k).text()));
            }
            sb.append(']');
        }
        if (i.onbuild().isPresent()) {
            sb.append(" (").append(dump(i.onbuild().get())).append(')');
        } else if (!i.known()) {
            sb.append(" \"\"");
        } else if (!i.pairs().isEmpty()) {
            for (KeyValue kv : i.pairs()) {
                sb.append(' ').append(goQuote(kv.key().text())).append(' ').append(goQuote(kv.value().text()))
                    .append(' ').append(goQuote(kv.separator()));
            }
        } else {
            for (Word w : i.args()) sb.append(' ').append(goQuote(w.text()));
        }
        return sb.toString().strip();
    }

    /** Go's {@code strconv.Quote}. */
    static String goQuote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 11 -> sb.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
                    else if (isPrint(c)) sb.appendCodePoint(c);
                    else if (c < 0x10000) sb.append(String.format("\\u%04x", c));
                    else sb.append(String.format("\\U%08x", c));
                }
            }
        });
        return sb.append('"').toString();
    }

    private static boolean isPrint(int c) {
        if (c == ' ') return true;
        int type = Character.getType(c);
        return Character.isDefined(c) && type != Character.CONTROL && type != Character.FORMAT
            && type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.UNASSIGNED
            && type != Character.SPACE_SEPARATOR && type != Character.LINE_SEPARATOR
            && type != Character.PARAGRAPH_SEPARATOR;
    }

    static List<String> lines(String dump) {
        return List.of(dump.split("\n"));
    }
}
