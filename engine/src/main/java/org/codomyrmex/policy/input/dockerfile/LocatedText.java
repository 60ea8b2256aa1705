package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

import java.util.Arrays;

/**
 * Text assembled from pieces of a source file (a logical line joined from continuation lines), remembering for
 * every character the offset it came from, so any part of it can be given its exact span.
 */
final class LocatedText {
    // The offsets as runs: characters [runStart[k], runStart[k+1]) came from source offsets sourceStart[k], +1, ...
    // One int per character cost 4 bytes a character (a 20 MB line needed 300 MB); runs cost one pair per piece.
    private final String text;
    private final int[] runStart;
    private final int[] sourceStart;

    private LocatedText(String text, int[] runStart, int[] sourceStart) {
        this.text = text;
        this.runStart = runStart;
        this.sourceStart = sourceStart;
    }

    String text() {
        return text;
    }

    int length() {
        return text.length();
    }

    /** The source offset of character {@code i}; past the end, the offset after the last character. */
    int offset(int i) {
        if (text.isEmpty()) return 0;
        if (i >= text.length()) return offset(text.length() - 1) + 1;
        int k = run(i);
        return sourceStart[k] + (i - runStart[k]);
    }

    /** The run holding character {@code i}: the last run starting at or before it. */
    private int run(int i) {
        int lo = 0, hi = runStart.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (runStart[mid] <= i) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    LocatedText sub(int from, int to) {
        Builder b = new Builder();
        b.append(this, from, to);
        return b.build();
    }

    /** The span of characters {@code [from, to)}; an empty range gets the position where it would be. */
    Span span(SourceFile source, int from, int to) {
        if (text.isEmpty()) return Span.NONE;
        if (to <= from) {
            int at = Math.min(offset(from), Math.max(0, source.text().length() - 1));
            return source.span(at, at);
        }
        return source.span(offset(from), offset(to - 1));
    }

    Word word(SourceFile source, int from, int to) {
        return new Word(text.substring(from, to), span(source, from, to));
    }

    static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private int[] runStart = new int[8];
        private int[] sourceStart = new int[8];
        private int runs;

        /** Appends {@code source[start, end)}. */
        Builder append(String source, int start, int end) {
            if (end <= start) return this;
            run(start);
            text.append(source, start, end);
            return this;
        }

        Builder append(LocatedText other) {
            return append(other, 0, other.length());
        }

        /** Appends characters {@code [from, to)} of {@code other}, keeping their offsets. */
        Builder append(LocatedText other, int from, int to) {
            int i = from;
            while (i < to) {
                int k = other.run(i);
                int runEnd = k + 1 < other.runStart.length ? Math.min(to, other.runStart[k + 1]) : to;
                run(other.sourceStart[k] + (i - other.runStart[k]));
                text.append(other.text, i, runEnd);
                i = runEnd;
            }
            return this;
        }

        /** Starts a run at the current end whose first character came from {@code sourceOffset}, unless it continues the last. */
        private void run(int sourceOffset) {
            if (runs > 0 && sourceStart[runs - 1] + (text.length() - runStart[runs - 1]) == sourceOffset) return;
            if (runs == runStart.length) {
                runStart = Arrays.copyOf(runStart, runs * 2);
                sourceStart = Arrays.copyOf(sourceStart, runs * 2);
            }
            runStart[runs] = text.length();
            sourceStart[runs] = sourceOffset;
            runs++;
        }

        LocatedText build() {
            if (runs == 0) return new LocatedText(text.toString(), new int[] {0}, new int[] {0});
            return new LocatedText(text.toString(), Arrays.copyOf(runStart, runs), Arrays.copyOf(sourceStart, runs));
        }
    }
}
