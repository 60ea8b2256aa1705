package org.codomyrmex.policy.input.dockerfile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The word lexer BuildKit applies to Dockerfile arguments ({@code frontend/dockerfile/shell}): quote removal,
 * escapes with the Dockerfile's escape character, and {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-x}},
 * {@code ${VAR-x}}, {@code ${VAR:+x}}, {@code ${VAR+x}}, {@code ${VAR:?x}}, {@code ${VAR#p}}, {@code ${VAR%p}},
 * {@code ${VAR/p/r}} substitution; nothing expands inside single quotes.
 *
 * <p>A variable whose value is not known here (an ARG without value, a build platform, a variable the base image
 * may set) is not replaced by "" as a build would do with an unset variable: its reference is kept as written
 * and its name reported in {@link Result#unresolved()}, so rules can tell a value that is not known yet.
 */
final class ShellLexer {

    /** Variable values: empty when the value is not known. */
    @FunctionalInterface
    interface Env {
        Optional<String> get(String name);

        Env NONE = name -> Optional.empty();
    }

    record Result(String text, List<String> words, Set<String> unresolved) {
        boolean isResolved() {
            return unresolved.isEmpty();
        }
    }

    static final class ShellException extends Exception {
        ShellException(String message) {
            super(message);
        }
    }

    private final char escape;
    private final boolean rawQuotes;
    private final boolean rawEscapes;

    private String input;
    private int pos;
    private Env env;
    private Set<String> unresolved;

    ShellLexer(char escape, boolean rawQuotes, boolean rawEscapes) {
        this.escape = escape;
        this.rawQuotes = rawQuotes;
        this.rawEscapes = rawEscapes;
    }

    ShellLexer(char escape) {
        this(escape, false, false);
    }

    /** Expands one word; whitespace is kept (as for ENV values, USER, WORKDIR). */
    Result processWord(String word, Env variables) throws ShellException {
        return process(word, variables);
    }

    /** Expands and splits into words on unquoted whitespace (as for EXPOSE or heredoc detection). */
    Result processWords(String word, Env variables) throws ShellException {
        return process(word, variables);
    }

    private Result process(String word, Env variables) throws ShellException {
        this.input = word;
        this.pos = 0;
        this.env = variables;
        this.unresolved = new LinkedHashSet<>();
        Words words = new Words();
        String text = processStopOn(-1, words, false);
        return new Result(text, words.finish(), Set.copyOf(unresolved));
    }

    private int peek() {
        return pos < input.length() ? input.charAt(pos) : -1;
    }

    private int next() {
        return pos < input.length() ? input.charAt(pos++) : -1;
    }

    /** Reads until {@code stop} (consumed) or the end; {@code stop} -1 reads to the end. */
    private String processStopOn(int stop, Words words, boolean rawEscapesHere) throws ShellException {
        StringBuilder result = new StringBuilder();
        while (peek() != -1) {
            int ch = peek();
            if (ch == stop) {
                pos++;
                return result.toString();
            }
            if (ch == '\'' || ch == '"' || ch == '$') {
                String part = ch == '\'' ? singleQuote() : ch == '"' ? doubleQuote() : dollar();
                result.append(part);
                if (ch == '$') words.addString(part); else words.addRaw(part);
                continue;
            }
            ch = next();
            if (ch == escape) {
                if (rawEscapes || rawEscapesHere) {
                    words.addRawChar((char) ch);
                    result.append((char) ch);
                }
                ch = next();
                if (ch == -1) break;
                words.addRawChar((char) ch);
            } else {
                words.addChar((char) ch);
            }
            result.append((char) ch);
        }
        if (stop != -1) throw new ShellException("unexpected end of statement while looking for matching " + (char) stop);
        return result.toString();
    }

    private String singleQuote() throws ShellException {
        StringBuilder result = new StringBuilder();
        int ch = next();
        if (rawQuotes) result.append((char) ch);
        while (true) {
            ch = next();
            if (ch == -1) throw new ShellException("unexpected end of statement while looking for matching single-quote");
            if (ch == '\'') {
                if (rawQuotes) result.append('\'');
                return result.toString();
            }
            result.append((char) ch);
        }
    }

    private String doubleQuote() throws ShellException {
        StringBuilder result = new StringBuilder();
        int ch = next();
        if (rawQuotes) result.append((char) ch);
        while (true) {
            int p = peek();
            if (p == -1) throw new ShellException("unexpected end of statement while looking for matching double-quote");
            if (p == '"') {
                next();
                if (rawQuotes) result.append('"');
                return result.toString();
            }
            if (p == '$') {
                result.append(dollar());
                continue;
            }
            ch = next();
            if (ch == escape) {
                if (rawEscapes) result.append((char) ch);
                int after = peek();
                if (after == -1) continue;
                // Only the quote, the dollar and the escape character itself can be escaped in double quotes.
                if (after == '"' || after == '$' || after == escape) ch = next();
            }
            result.append((char) ch);
        }
    }

    private String dollar() throws ShellException {
        int start = pos;
        next();
        if (peek() != '{') {
            String name = name();
            if (name.isEmpty()) return "$";
            Optional<String> value = env.get(name);
            if (value.isEmpty()) {
                unresolved.add(name);
                return "$" + name;
            }
            return value.get();
        }
        next();
        int p = peek();
        if (p == -1) throw new ShellException("syntax error: missing '}'");
        if (p == '{' || p == '}' || p == ':') throw new ShellException("syntax error: bad substitution");
        String name = name();
        int ch = next();
        if (ch == '}') {
            Optional<String> value = env.get(name);
            if (value.isEmpty()) {
                unresolved.add(name);
                return "${" + name + "}";
            }
            return value.get();
        }
        if (ch == -1) throw new ShellException("syntax error: missing '}'");
        String modifier = String.valueOf((char) ch);
        boolean nullIsUnset = false;
        if (ch == ':') {
            nullIsUnset = true;
            ch = next();
            if (ch == -1) throw new ShellException("syntax error: missing '}'");
            modifier += (char) ch;
        }
        if (ch == '#' || ch == '%') {
            // BuildKit reads ${V:#p} and ${V:%p} as ${V#p} and ${V%p}: the colon changes nothing there.
            boolean longest = peek() == ch;
            if (longest) {
                next();
                modifier += (char) ch;
            }
            String pattern = word('}', true);
            Optional<String> value = env.get(name);
            if (value.isEmpty()) return keep(name, start);
            return ch == '#' ? trimPrefix(value.get(), pattern, longest) : trimSuffix(value.get(), pattern, longest);
        }
        if (ch == '/') {
            if (nullIsUnset) throw new ShellException("unsupported modifier (" + modifier + ") in substitution");
            boolean all = peek() == '/';
            if (all) next();
            String pattern = word('/', true);
            String replacement = word('}', true);
            Optional<String> value = env.get(name);
            if (value.isEmpty()) return keep(name, start);
            Matcher m = Pattern.compile(globToRegex(pattern)).matcher(value.get());
            String repl = Matcher.quoteReplacement(replacement);
            return all ? m.replaceAll(repl) : m.replaceFirst(repl);
        }
        if (ch != '+' && ch != '-' && ch != '?') {
            throw new ShellException("unsupported modifier (" + modifier + ") in substitution");
        }
        String word = word('}', false);
        Optional<String> value = env.get(name);
        if (value.isEmpty()) return keep(name, start);
        String v = value.get();
        boolean empty = nullIsUnset && v.isEmpty();
        return switch (ch) {
            case '-' -> empty ? word : v;
            case '+' -> empty ? "" : word;
            default -> {
                if (empty) throw new ShellException(name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
                yield v;
            }
        };
    }

    /** A reference to a variable whose value is unknown, kept as written. */
    private String keep(String name, int start) {
        unresolved.add(name);
        return input.substring(start, pos);
    }

    private String word(char stop, boolean rawEscapesHere) throws ShellException {
        try {
            return processStopOn(stop, new Words(), rawEscapesHere);
        } catch (ShellException e) {
            if (peek() == -1) throw new ShellException("syntax error: missing '}'");
            throw e;
        }
    }

    private String name() {
        StringBuilder name = new StringBuilder();
        while (peek() != -1) {
            char ch = (char) peek();
            if (name.length() == 0 && Character.isDigit(ch)) {
                while (peek() != -1 && Character.isDigit((char) peek())) name.append((char) next());
                return name.toString();
            }
            if (name.length() == 0 && "$@*#?-!".indexOf(ch) >= 0) {
                next();
                return String.valueOf(ch);
            }
            if (!Character.isLetterOrDigit(ch) && ch != '_') break;
            name.append((char) next());
        }
        return name.toString();
    }

    private static String trimPrefix(String value, String pattern, boolean longest) throws ShellException {
        Pattern p = Pattern.compile(globToRegex(pattern));
        if (longest) {
            for (int i = value.length(); i >= 0; i--) if (p.matcher(value.substring(0, i)).matches()) return value.substring(i);
        } else {
            for (int i = 0; i <= value.length(); i++) if (p.matcher(value.substring(0, i)).matches()) return value.substring(i);
        }
        return value;
    }

    private static String trimSuffix(String value, String pattern, boolean longest) throws ShellException {
        Pattern p = Pattern.compile(globToRegex(pattern));
        if (longest) {
            for (int i = 0; i <= value.length(); i++) if (p.matcher(value.substring(i)).matches()) return value.substring(0, i);
        } else {
            for (int i = value.length(); i >= 0; i--) if (p.matcher(value.substring(i)).matches()) return value.substring(0, i);
        }
        return value;
    }

    /**
     * The pattern of a {@code ${var#pattern}}, {@code ${var%pattern}} or {@code ${var/pattern/text}} as a Java
     * regular expression, read as BuildKit reads it: {@code *} and {@code ?} are wildcards; there are no bracket
     * expressions ({@code [} stands for itself); {@code \*}, {@code \?} and {@code \\} are the character itself,
     * a backslash before {@code }} or {@code /} is dropped, and any other escape fails the build.
     */
    static String globToRegex(String glob) throws ShellException {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '\\' && i + 1 < glob.length() && (glob.charAt(i + 1) == '}' || glob.charAt(i + 1) == '/')) {
                continue; // the escape belongs to ${...}, not to the pattern: the next character is read as itself
            } else if (c == '\\') {
                char escaped = i + 1 < glob.length() ? glob.charAt(++i) : 0;
                if (escaped != '*' && escaped != '?' && escaped != '\\') {
                    throw new ShellException("invalid pattern (" + glob + ") in substitution: invalid escape '\\"
                        + (escaped == 0 ? "" : String.valueOf(escaped)) + "'");
                }
                re.append(Pattern.quote(String.valueOf(escaped)));
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    static boolean isGoSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '\u0085'
            || c == '\u00A0' || Character.getType(c) == Character.SPACE_SEPARATOR
            || c == '\u2028' || c == '\u2029';
    }

    /** Word splitting as BuildKit does it: unquoted whitespace separates, quoted text never does. */
    private static final class Words {
        private final StringBuilder word = new StringBuilder();
        private final List<String> words = new ArrayList<>();
        private boolean inWord;

        void addChar(char ch) {
            if (isGoSpace(ch)) {
                if (inWord && word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                addRawChar(ch);
            }
        }

        void addRawChar(char ch) {
            word.append(ch);
            inWord = true;
        }

        void addString(String s) {
            for (int i = 0; i < s.length(); i++) addChar(s.charAt(i));
        }

        void addRaw(String s) {
            word.append(s);
            inWord = true;
        }

        List<String> finish() {
            if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
                inWord = false;
            }
            return List.copyOf(words);
        }
    }
}
