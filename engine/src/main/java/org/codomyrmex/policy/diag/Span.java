package org.codomyrmex.policy.diag;

/**
 * A region of a source file: 1-based lines and columns, end inclusive of the last character's column.
 * Values computed at run time carry {@link #NONE}; a finding at such a value falls back to its resource's span.
 */
public record Span(String file, int line, int column, int endLine, int endColumn) {

    /** The span of something that did not come from a file. */
    public static final Span NONE = new Span("", 0, 0, 0, 0);

    public static Span of(String file, int line, int column) {
        return new Span(file, line, column, line, column);
    }

    public boolean isKnown() {
        return line > 0;
    }

    /** The smallest span covering both; either may be unknown. */
    public Span to(Span end) {
        if (!isKnown()) return end;
        if (!end.isKnown()) return this;
        return new Span(file, line, column, end.endLine, end.endColumn);
    }

    public Span withFile(String newFile) {
        return new Span(newFile, line, column, endLine, endColumn);
    }

    @Override
    public String toString() {
        return isKnown() ? file + ":" + line + ":" + column : file;
    }
}
