package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

import java.util.Arrays;

/**
 * Text assembled from pieces of a source file (a logical line joined from continuation lines), remembering for
 * every character the offset it came from, so any part of it can be given its exact span.
 */
final class LocatedText {
    private final String text;
    private final int[] offsets;

    private LocatedText(String text, int[] offsets) {
        this.text = text;
        this.offsets = offsets;
    }

    String text() {
        return text;
    }

    int length() {
        return text.length();
    }

    /** The source offset of character {@code i}; past the end, the offset after the last character. */
    int offset(int i) {
        if (offsets.length == 0) return 0;
        if (i < offsets.length) return offsets[i];
        return offsets[offsets.length - 1] + 1;
    }

    LocatedText sub(int from, int to) {
        return new LocatedText(text.substring(from, to), Arrays.copyOfRange(offsets, from, to));
    }

    /** The span of characters {@code [from, to)}; an empty range gets the position where it would be. */
    Span span(SourceFile source, int from, int to) {
        if (offsets.length == 0) return Span.NONE;
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
        private int[] offsets = new int[64];

        /** Appends {@code source[start, end)}. */
        Builder append(String source, int start, int end) {
            for (int i = start; i < end; i++) {
                if (text.length() == offsets.length) offsets = Arrays.copyOf(offsets, offsets.length * 2);
                offsets[text.length()] = i;
                text.append(source.charAt(i));
            }
            return this;
        }

        Builder append(LocatedText other) {
            for (int i = 0; i < other.length(); i++) {
                if (text.length() == offsets.length) offsets = Arrays.copyOf(offsets, offsets.length * 2);
                offsets[text.length()] = other.offsets[i];
                text.append(other.text.charAt(i));
            }
            return this;
        }

        LocatedText build() {
            return new LocatedText(text.toString(), Arrays.copyOf(offsets, text.length()));
        }
    }
}
