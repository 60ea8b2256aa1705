package org.codomyrmex.policy.repl;

import java.util.ArrayList;
import java.util.List;

/**
 * The paths of a {@code :load} line, split at spaces as a shell splits them: a path with
 * spaces is quoted ({@code "my dir/pod.yaml"}, {@code 'my dir/pod.yaml'}) or has them escaped
 * ({@code my\ dir/pod.yaml}; a backslash before anything else is kept), and the quote left open at the end of
 * the line (0 when none). {@code :load} reads its paths so, and completion reads the path being typed so.
 */
record PathWords(List<String> words, char openQuote) {

    static PathWords of(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else word.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length() && " \t\"'".indexOf(line.charAt(i + 1)) >= 0) {
                // Only before a space or a quote: a Windows path keeps its backslashes.
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(word.toString());
        return new PathWords(List.copyOf(out), quote);
    }

    /** The last path, as far as it is written ("" when none). */
    String last() {
        return words.isEmpty() ? "" : words.get(words.size() - 1);
    }
}
