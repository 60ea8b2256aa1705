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

    public String render(Diagnostic d) {
        StringBuilder out = new StringBuilder(d.headline()).append('\n');
        Span span = d.span();
        Optional<SourceFile> source = span.isKnown() ? sources.apply(span.file()) : Optional.empty();
        String gutter = " ".repeat(Integer.toString(Math.max(span.line(), 1)).length() + 4);
        if (source.isPresent()) {
            String line = source.get().line(span.line());
            out.append(String.format("%4d | ", span.line())).append(expandTabs(line)).append('\n');
            int start = visualColumn(line, span.column());
            int endColumn = span.endLine() == span.line() ? span.endColumn() : line.length();
            int end = Math.max(start, visualColumn(line, Math.max(endColumn, span.column())));
            out.append(" ".repeat(4)).append(" | ").append(" ".repeat(Math.max(0, start - 1)))
                .append("^".repeat(Math.max(1, end - start + 1))).append('\n');
            gutter = " ".repeat(4);
        }
        if (d.hint().isPresent()) out.append(gutter).append(" = hint: ").append(d.hint().get()).append('\n');
        return out.toString();
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
