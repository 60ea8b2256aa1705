package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

import java.util.List;

/**
 * A here-document of RUN, COPY or ADD ({@code <<EOF}, {@code <<-EOF}, {@code <<"EOF"}, {@code 3<<EOF}).
 *
 * @param name      the terminator word, quotes removed
 * @param fileDescriptor the number written before {@code <<}, 0 when none
 * @param expand    false when the terminator was quoted: the body is then taken literally
 * @param chomp     true for {@code <<-}: leading tabs are stripped from every body line
 * @param content   the body exactly as read (line endings kept), as BuildKit stores it
 * @param lines     the body's lines (tabs stripped when chomping), each with its own span
 * @param markerSpan where {@code <<EOF} is written in the instruction
 * @param span      from the first body line through the terminator line
 * @param terminated false when the file ended before the terminator
 */
public record Heredoc(String name, int fileDescriptor, boolean expand, boolean chomp, String content, List<Word> lines,
                      Span markerSpan, Span span, boolean terminated) {
    public Heredoc {
        lines = List.copyOf(lines);
    }

    /** The body as the build sees it: leading tabs removed when chomping. */
    public String body() {
        if (!chomp) return content;
        return content.replaceAll("(?m)^\t+", "");
    }
}
