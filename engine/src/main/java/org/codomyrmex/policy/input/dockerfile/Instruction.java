package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One instruction as BuildKit's parser produces it, before any variable is expanded.
 *
 * @param keyword  the instruction word as written (any case)
 * @param flags    builder flags before the arguments
 * @param args     BuildKit's argument nodes: JSON elements in exec form, the whole text in shell form, words for
 *                 FROM/EXPOSE/ARG/COPY/ADD/VOLUME, keys and values for ENV/LABEL, type then command for HEALTHCHECK
 * @param pairs    ENV and LABEL assignments (empty for other instructions)
 * @param json     true when the arguments are a JSON array (exec form)
 * @param rest     the argument text after the flags, trimmed, with its span
 * @param heredocs here-documents of RUN/COPY/ADD, in order
 * @param onbuild  the instruction an ONBUILD wraps
 * @param original the logical line: continuation lines joined, comments dropped
 * @param known    false for an instruction BuildKit does not know
 * @param restText the argument text with the source offset of every character, for exact spans inside it
 */
public record Instruction(String keyword, Span keywordSpan, List<Flag> flags, List<Word> args, List<KeyValue> pairs,
                          boolean json, Word rest, List<Heredoc> heredocs, Optional<Instruction> onbuild,
                          String original, Span span, boolean known, LocatedText restText) {
    public Instruction {
        flags = List.copyOf(flags);
        args = List.copyOf(args);
        pairs = List.copyOf(pairs);
        heredocs = List.copyOf(heredocs);
    }

    /** The instruction name in upper case: {@code RUN}, {@code COPY}, ... */
    public String name() {
        return keyword.toUpperCase(Locale.ROOT);
    }

    public int startLine() {
        return span.line();
    }

    public int endLine() {
        return span.endLine();
    }

    public Instruction withHeredocs(List<Heredoc> docs, Span newSpan) {
        return new Instruction(keyword, keywordSpan, flags, args, pairs, json, rest, docs, onbuild, original, newSpan, known,
            restText);
    }

    /** The first flag of that name, e.g. {@code flag("from")}. */
    public Optional<Flag> flag(String flagName) {
        return flags.stream().filter(f -> f.name().equals(flagName)).findFirst();
    }
}
