package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@code .env} or {@code env_file} file as Compose reads it: {@code KEY=VALUE} lines, an optional
 * {@code export } prefix, the YAML-like {@code KEY: VALUE}, {@code #} comments, single quotes (literal), double quotes
 * (escapes, interpolation), both of which may go on over several lines, and unquoted values (inline {@code " #"} comment removed, trimmed, interpolated). A bare {@code KEY} takes its
 * value from the environment, and is skipped when the environment does not have it. Every value keeps the span
 * of its own line in the env file.
 */
final class EnvFile {

    /** One variable: its value, where the file sets it (the line or lines), and where its name and value are written. */
    record Entry(String name, String value, Span span, Span nameSpan, Span valueSpan) {
    }

    private EnvFile() {
    }

    /**
     * Parses the file. {@code outer} looks up variables of the environment (null when unset); values may
     * refer to variables set earlier in the same file.
     */
    static Map<String, Entry> parse(SourceFile file, Function<String, String> outer, List<Diagnostic> diagnostics) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Function<String, String> lookup = name -> {
            Entry e = entries.get(name);
            return e != null ? e.value() : outer.apply(name);
        };
        Interpolation interpolation = new Interpolation(lookup, diagnostics);
        for (int n = 1; n <= file.lineCount(); n++) {
            String raw = file.line(n);
            String line = raw.strip();
            String stripped = line;
            if (line.isEmpty() || line.startsWith("#")) continue;
            int indent = raw.indexOf(line.charAt(0));
            Span lineSpan = new Span(file.name(), n, indent + 1, n, Math.max(indent + 1, raw.length()));
            if (line.startsWith("export ")) line = line.substring(7).stripLeading();
            // The name ends at the first '=' or ':' (Compose also reads the YAML-like "KEY: value").
            int eq = indexOfSeparator(line);
            String name = (eq < 0 ? line : line.substring(0, eq)).strip();
            if (!validName(name)) {
                diagnostics.add(Diagnostic.warning("I3020", "'" + raw.strip() + "' is not a KEY=VALUE line; it is ignored",
                    lineSpan, "env files hold one KEY=VALUE per line"));
                continue;
            }
            // Both are suffixes of the stripped line, so their columns follow from their lengths.
            int nameStart = indent + stripped.length() - line.length();
            Span nameSpan = new Span(file.name(), n, nameStart + 1, n, nameStart + name.length());
            if (eq < 0) {
                String fromEnv = outer.apply(name);
                if (fromEnv != null) entries.put(name, new Entry(name, fromEnv, lineSpan, nameSpan, lineSpan));
                continue;
            }
            String rest = line.substring(eq + 1).stripLeading();
            int restStart = indent + stripped.length() - rest.length();
            Span valueSpan = lineSpan;
            String value;
            int firstLine = n;
            if ((rest.startsWith("'") || rest.startsWith("\"")) && closingQuote(rest) < 0) {
                // A quoted value may go on over the next lines, as Compose reads it, up to its closing quote.
                StringBuilder joined = new StringBuilder(rest);
                for (int next = n + 1; next <= file.lineCount(); next++) {
                    joined.append('\n').append(file.line(next));
                    if (closingQuote(joined.toString()) >= 0) {
                        rest = joined.toString();
                        String last = file.line(next);
                        lineSpan = new Span(file.name(), firstLine, indent + 1, next, Math.max(1, last.length()));
                        n = next;
                        break;
                    }
                }
            }
            int quoteClose = rest.startsWith("'") || rest.startsWith("\"") ? closingQuote(rest) : -1;
            if (quoteClose >= 0) {
                // From the opening quote to the closing one, as a quoted YAML scalar's span is.
                int lastBreak = rest.lastIndexOf('\n', quoteClose);
                valueSpan = new Span(file.name(), firstLine, restStart + 1, n,
                    lastBreak < 0 ? restStart + quoteClose + 1 : quoteClose - lastBreak);
            }
            if (rest.startsWith("'")) {
                int close = rest.indexOf('\'', 1);
                if (close < 0) {
                    diagnostics.add(Diagnostic.warning("I3021", "unterminated single quote in " + name
                        + "; the value is read to the end of the line", lineSpan));
                    value = rest.substring(1);
                } else {
                    value = rest.substring(1, close);
                }
            } else if (rest.startsWith("\"")) {
                int close = closingDoubleQuote(rest);
                if (close < 0) {
                    diagnostics.add(Diagnostic.warning("I3021", "unterminated double quote in " + name
                        + "; the value is read to the end of the line", lineSpan));
                    close = rest.length();
                }
                value = interpolation.interpolate(unescape(rest.substring(1, close)), lineSpan);
            } else {
                int comment = rest.indexOf(" #");
                if (comment >= 0) rest = rest.substring(0, comment);
                String written = rest.strip();
                if (!written.isEmpty()) valueSpan = new Span(file.name(), n, restStart + 1, n, restStart + written.length());
                value = interpolation.interpolate(written, valueSpan);
            }
            entries.remove(name);
            entries.put(name, new Entry(name, value, lineSpan, nameSpan, valueSpan));
        }
        return entries;
    }

    private static boolean validName(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')) return false;
        }
        return true;
    }

    private static int indexOfSeparator(String line) {
        for (int i = 0; i < line.length(); i++) if (line.charAt(i) == '=' || line.charAt(i) == ':') return i;
        return -1;
    }

    /** The index of the quote closing the one {@code s} starts with, or -1. */
    private static int closingQuote(String s) {
        return s.startsWith("'") ? s.indexOf('\'', 1) : closingDoubleQuote(s);
    }

    private static int closingDoubleQuote(String s) {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
