package org.codomyrmex.policy.diag;

/** The text of one input or policy file, with the line index needed to render excerpts. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final int[] lineStarts;

    public SourceFile(String name, String text) {
        this.name = name;
        this.text = text;
        int[] starts = new int[16];
        int count = 1; // starts[0] = 0
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (count == starts.length) starts = java.util.Arrays.copyOf(starts, count * 2);
            starts[count++] = i + 1;
        }
        this.lineStarts = java.util.Arrays.copyOf(starts, count);
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** The text of 1-based line {@code n} without its line break, or "" when out of range. */
    public String line(int n) {
        if (n < 1 || n > lineStarts.length) return "";
        int start = lineStarts[n - 1];
        int end = n < lineStarts.length ? lineStarts[n] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        return text.substring(start, Math.max(start, end));
    }

    /** The length of 1-based line {@code n} without its line break (as {@code line(n).length()}, without a copy). */
    public int lineLength(int n) {
        if (n < 1 || n > lineStarts.length) return 0;
        int start = lineStarts[n - 1];
        int end = n < lineStarts.length ? lineStarts[n] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') end--;
        return Math.max(0, end - start);
    }

    /** 1-based line of a 0-based character offset. */
    public int lineOf(int offset) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    /** 1-based column of a 0-based character offset. */
    public int columnOf(int offset) {
        return offset - lineStarts[lineOf(offset) - 1] + 1;
    }

    /** The span from offset {@code start} to offset {@code endInclusive}. */
    public Span span(int start, int endInclusive) {
        int end = Math.max(start, endInclusive);
        return new Span(name, lineOf(start), columnOf(start), lineOf(end), columnOf(end));
    }
}
