package org.codomyrmex.policy.input.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell script (a RUN command) into simple commands, enough for rules such as "no {@code curl | sh}":
 * commands end at {@code &&}, {@code ||}, {@code ;}, {@code &}, new lines and {@code |} (which continues the
 * pipeline). Quotes are removed from words; {@code $(...)} and backquotes stay inside their word unexpanded;
 * comments are skipped. This is not a full POSIX shell parser: control structures ({@code if}, {@code for}) are
 * split into their words like any other command.
 */
final class ShellCommands {

    /**
     * One simple command. {@code start}/{@code end} index the script text; {@code pipeline} numbers the pipelines
     * of the script and {@code position} is the place of the command in its pipeline (0 for the first).
     */
    record SimpleCommand(String text, List<String> argv, int start, int end, int pipeline, int position) {
        /**
         * The program run: the first word that is neither a {@code NAME=value} assignment nor a redirection
         * ({@code <<EOF}, {@code >file}, {@code 2>&1}), without its directory.
         */
        String program() {
            for (String w : argv) {
                if (w.matches("[A-Za-z_][A-Za-z0-9_]*=.*") || w.matches("\\d*[<>].*")) continue;
                int slash = w.lastIndexOf('/');
                return slash >= 0 && slash < w.length() - 1 ? w.substring(slash + 1) : w;
            }
            return "";
        }
    }

    private final String s;
    private final List<SimpleCommand> out = new ArrayList<>();
    private final List<String> argv = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;
    private int commandStart = -1;
    private int commandEnd;
    private int pipeline;
    private int position;

    private ShellCommands(String script) {
        this.s = script;
    }

    static List<SimpleCommand> split(String script) {
        ShellCommands c = new ShellCommands(script);
        c.run();
        return c.out;
    }

    private void run() {
        int i = 0;
        int n = s.length();
        while (i < n) {
            char ch = s.charAt(i);
            if (ch == ' ' || ch == '\t' || ch == '\r') {
                endWord();
                i++;
            } else if (ch == '\\') {
                if (i + 1 < n && s.charAt(i + 1) == '\n') {
                    endWord();
                    i += 2;
                } else {
                    mark(i);
                    if (i + 1 < n) word.append(s.charAt(i + 1));
                    inWord = true;
                    i += 2;
                    commandEnd = Math.min(i, n);
                }
            } else if (ch == '#' && !inWord) {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (ch == '\n' || ch == ';' || ch == '&' || ch == '|') {
                endWord();
                boolean pipe = ch == '|' && !(i + 1 < n && s.charAt(i + 1) == '|');
                endCommand(pipe);
                if ((ch == '&' || ch == '|') && i + 1 < n && (s.charAt(i + 1) == ch || (ch == '|' && s.charAt(i + 1) == '&'))) i++;
                if (ch == ';' && i + 1 < n && s.charAt(i + 1) == ';') i++;
                i++;
            } else if ((ch == '(' || ch == ')' || ch == '{' || ch == '}' || ch == '!') && !inWord) {
                endWord();
                i++;
            } else if (ch == '\'') {
                mark(i);
                int close = s.indexOf('\'', i + 1);
                int end = close < 0 ? n : close;
                word.append(s, i + 1, end);
                inWord = true;
                i = Math.min(n, end + 1);
                commandEnd = i;
            } else if (ch == '"') {
                mark(i);
                inWord = true;
                i++;
                while (i < n && s.charAt(i) != '"') {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < n && "\"\\$`\n".indexOf(s.charAt(i + 1)) >= 0) {
                        if (s.charAt(i + 1) != '\n') word.append(s.charAt(i + 1));
                        i += 2;
                    } else if (c == '$' && i + 1 < n && s.charAt(i + 1) == '(') {
                        i = nested(i, word);
                    } else {
                        word.append(c);
                        i++;
                    }
                }
                i = Math.min(n, i + 1);
                commandEnd = i;
            } else if ((ch == '$' && i + 1 < n && s.charAt(i + 1) == '(') || ch == '`') {
                mark(i);
                inWord = true;
                i = nested(i, word);
                commandEnd = i;
            } else {
                mark(i);
                word.append(ch);
                inWord = true;
                i++;
                commandEnd = i;
            }
        }
        endWord();
        endCommand(false);
    }

    /** Copies a {@code $(...)} or backquoted command substitution starting at {@code i} into the word. */
    private int nested(int i, StringBuilder into) {
        int n = s.length();
        if (s.charAt(i) == '`') {
            int close = s.indexOf('`', i + 1);
            int end = close < 0 ? n : close + 1;
            into.append(s, i, end);
            return end;
        }
        int depth = 0;
        int j = i + 1;
        while (j < n) {
            char c = s.charAt(j);
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) {
                j++;
                break;
            } else if (c == '\'' ) {
                int close = s.indexOf('\'', j + 1);
                j = close < 0 ? n : close;
            }
            j++;
        }
        j = Math.min(j, n);
        into.append(s, i, j);
        return j;
    }

    private void mark(int i) {
        if (commandStart < 0) commandStart = i;
    }

    private void endWord() {
        if (inWord) {
            argv.add(word.toString());
            word.setLength(0);
            inWord = false;
        }
    }

    private void endCommand(boolean pipe) {
        if (!argv.isEmpty()) {
            out.add(new SimpleCommand(s.substring(commandStart, commandEnd).strip(), List.copyOf(argv), commandStart,
                commandEnd, pipeline, position));
            argv.clear();
            if (pipe) position++;
        }
        commandStart = -1;
        if (!pipe) {
            if (position > 0 || !out.isEmpty() && out.get(out.size() - 1).pipeline() == pipeline) pipeline++;
            position = 0;
        }
    }
}
