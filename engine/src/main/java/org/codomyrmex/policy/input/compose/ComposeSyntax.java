package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small parsers for compose's short syntaxes, shared by the merge and the model. */
final class ComposeSyntax {
    private ComposeSyntax() {
    }

    /** A volume in short syntax {@code [SOURCE:]TARGET[:MODE]}. Source is empty for an anonymous volume. */
    record ShortVolume(String source, String target, String mode) {
        boolean bind() {
            return isHostPath(source);
        }

        boolean readOnly() {
            for (String option : mode.split(",")) if (option.strip().equals("ro")) return true;
            return false;
        }
    }

    static Optional<ShortVolume> shortVolume(String text) {
        List<String> parts = new ArrayList<>(List.of(text.split(":", -1)));
        // A Windows drive letter (C:\ or C:/) is part of the path, not a separator.
        if (parts.size() > 1 && parts.get(0).length() == 1 && Character.isLetter(parts.get(0).charAt(0))
            && (parts.get(1).startsWith("\\") || parts.get(1).startsWith("/"))) {
            parts.set(1, parts.get(0) + ":" + parts.get(1));
            parts.remove(0);
        }
        return switch (parts.size()) {
            case 1 -> parts.get(0).isEmpty() ? Optional.empty() : Optional.of(new ShortVolume("", parts.get(0), ""));
            case 2 -> parts.get(1).isEmpty() ? Optional.empty() : Optional.of(new ShortVolume(parts.get(0), parts.get(1), ""));
            case 3 -> parts.get(1).isEmpty() ? Optional.empty() : Optional.of(new ShortVolume(parts.get(0), parts.get(1), parts.get(2)));
            default -> Optional.empty();
        };
    }

    /** As Compose decides between a bind mount and a named volume: a path starts with / . ~ or a drive. */
    static boolean isHostPath(String source) {
        if (source.isEmpty()) return false;
        char c = source.charAt(0);
        if (c == '/' || c == '.' || c == '~' || c == '\\') return true;
        return source.length() >= 2 && Character.isLetter(c) && source.charAt(1) == ':';
    }

    /** The text of a scalar (numbers and booleans as written), or null for anything else. */
    static String text(Value v) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Int || v instanceof Value.Float || v instanceof Value.Bool) return Values.display(v);
        return null;
    }

    /**
     * Splits a command string into words as Compose does (a POSIX-shell-like split: quotes group, backslash
     * escapes; no expansion).
     */
    static List<String> shellSplit(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0; else word.append(c);
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                    word.append(s.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                word.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(word.toString());
        return words;
    }
}
