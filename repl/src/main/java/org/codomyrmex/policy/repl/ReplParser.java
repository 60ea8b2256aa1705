package org.codomyrmex.policy.repl;

import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;

import java.util.List;

/**
 * JLine's view of the input: when Enter is pressed on an incomplete expression or rule, JLine is told to
 * continue on the next line (an {@link EOFError}); for completion, the word under the cursor is the
 * identifier (or, after {@code :load} and {@code :save}, the path) being typed.
 */
final class ReplParser implements Parser {
    /** When true (pasting an {@code :input}), every line is complete as typed. */
    private volatile boolean raw;

    void raw(boolean on) {
        raw = on;
    }

    boolean isRaw() {
        return raw;
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.ACCEPT_LINE && !raw && !Completeness.isComplete(line)) {
            throw new EOFError(-1, cursor, "incomplete input");
        }
        return Word.at(line, cursor);
    }

    /** The word being completed: an identifier, a rule id, a command name, or a path. */
    record Word(String line, int cursor, String word, int start) implements CompletingParsedLine {
        static Word at(String line, int cursor) {
            int c = Math.max(0, Math.min(cursor, line.length()));
            int start = c;
            if (isPathPosition(line, c)) {
                start = pathStart(line, c);
            } else {
                while (start > 0 && isWordChar(line.charAt(start - 1))) start--;
                if (start > 0 && line.charAt(start - 1) == ':' && line.substring(0, start - 1).isBlank()) start--;
            }
            return new Word(line, c, line.substring(start, c), start);
        }

        static boolean isWordChar(char ch) {
            return Character.isLetterOrDigit(ch) || ch == '_' || ch == '-';
        }

        /**
         * Where the path under the cursor starts, splitting as {@link ReplSession#paths} does: a space inside
         * quotes or after a backslash is part of the path ({@code :load "my dir/p} and {@code :load my\ dir/p}
         * complete {@code my dir/p...}).
         */
        static int pathStart(String line, int cursor) {
            int i = line.indexOf(':');
            while (i < cursor && !Character.isWhitespace(line.charAt(i))) i++; // past the command
            int start = cursor;
            boolean inWord = false;
            char quote = 0;
            for (; i < cursor; i++) {
                char ch = line.charAt(i);
                if (quote != 0) {
                    if (ch == quote) quote = 0;
                } else if (Character.isWhitespace(ch)) {
                    inWord = false;
                } else {
                    if (!inWord) start = i;
                    inWord = true;
                    if (ch == '"' || ch == '\'') quote = ch;
                    else if (ch == '\\' && i + 1 < cursor && " \t\"'".indexOf(line.charAt(i + 1)) >= 0) i++;
                }
            }
            return inWord ? start : cursor;
        }

        /** After {@code :load }, {@code :save } or {@code :input KIND }: complete file names. */
        static boolean isPathPosition(String line, int cursor) {
            String before = line.substring(0, cursor).stripLeading();
            return (before.startsWith(":load ") || before.startsWith(":save ")) && !before.contains("\n");
        }

        @Override
        public int wordCursor() {
            return cursor - start;
        }

        @Override
        public int wordIndex() {
            return 0;
        }

        @Override
        public List<String> words() {
            return List.of(word);
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            return candidate;
        }

        @Override
        public int rawWordCursor() {
            return wordCursor();
        }

        @Override
        public int rawWordLength() {
            return word.length();
        }
    }
}
