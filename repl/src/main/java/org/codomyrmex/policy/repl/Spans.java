package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

/** Text of a source region. */
final class Spans {
    private Spans() {
    }

    /** The exact text a span covers (end column inclusive), line breaks kept. */
    static String text(SourceFile source, Span span) {
        if (!span.isKnown()) return "";
        StringBuilder sb = new StringBuilder();
        for (int line = span.line(); line <= span.endLine(); line++) {
            String text = source.line(line);
            int from = line == span.line() ? Math.max(0, span.column() - 1) : 0;
            int to = line == span.endLine() ? Math.min(text.length(), span.endColumn()) : text.length();
            if (from < to) sb.append(text, from, to);
            if (line < span.endLine()) sb.append('\n');
        }
        return sb.toString();
    }
}
