package org.codomyrmex.policy.diag;

import java.util.function.Function;
import java.util.Optional;

/**
 * Renders a diagnostic the way compilers do:
 * <pre>
 * rules.policy:4:14: error[P2001]: unknown field 'privilegd' of Container
 *     4 |   where c.privilegd == true
 *       |           ^^^^^^^^^
 *       = hint: did you mean 'privileged'?
 * </pre>
 */
public final class DiagnosticRenderer {
    private final Function<String, Optional<SourceFile>> sources;

    public DiagnosticRenderer(Function<String, Optional<SourceFile>> sources) {
        this.sources = sources;
    }

    /** Longest excerpt shown; a longer line is cut to a window around the column. */
    public static final int MAX_EXCERPT = 200;

    public String render(Diagnostic d) {
        StringBuilder out = new StringBuilder(printable(d.headline())).append('\n');
        Span span = d.span();
        Optional<SourceFile> source = span.isKnown() ? sources.apply(span.file()) : Optional.empty();
        String gutter = " ".repeat(Integer.toString(Math.max(span.line(), 1)).length() + 4);
        if (source.isPresent()) {
            String full = source.get().line(span.line());
            int from = full.length() <= MAX_EXCERPT ? 0
                : Math.max(0, Math.min(span.column() - 1 - MAX_EXCERPT / 2, full.length() - MAX_EXCERPT));
            String line = printable(full.substring(from, Math.min(full.length(), from + MAX_EXCERPT)));
            int column = span.column() - from;
            out.append(String.format(java.util.Locale.ROOT, "%4d | ", span.line())).append(expandTabs(line)).append('\n');
            int start = visualColumn(line, column);
            int endColumn = Math.min(line.length(), (span.endLine() == span.line() ? span.endColumn() : full.length()) - from);
            int end = Math.max(start, visualColumn(line, Math.max(endColumn, column)));
            out.append(" ".repeat(4)).append(" | ").append(" ".repeat(Math.max(0, start - 1)))
                .append("^".repeat(Math.max(1, end - start + 1))).append('\n');
            gutter = " ".repeat(4);
        }
        if (d.hint().isPresent()) out.append(gutter).append(" = hint: ").append(printable(d.hint().get())).append('\n');
        return out.toString();
    }

    /**
     * Text from an input made safe for a terminal: control characters (escape sequences that could recolour,
     * erase or forge report lines), line breaks and bidirectional overrides become U+FFFD, one for one, so
     * columns still line up. Tabs are kept.
     */
    public static String printable(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean unsafe = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
            if (unsafe && out == null) out = new StringBuilder(s.length()).append(s, 0, i);
            if (out != null) out.append(unsafe ? '\uFFFD' : c);
        }
        return out == null ? s : out.toString();
    }

    private static String expandTabs(String line) {
        return line.replace("\t", "    ");
    }

    /** 1-based column after tab expansion, so the caret sits under the character. */
    private static int visualColumn(String line, int column) {
        int visual = 0;
        for (int i = 0; i < Math.min(column - 1, line.length()); i++) {
            visual += line.charAt(i) == '\t' ? 4 : 1;
        }
        return visual + 1 + Math.max(0, column - 1 - line.length());
    }
}
