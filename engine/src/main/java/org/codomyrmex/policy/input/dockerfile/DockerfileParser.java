package org.codomyrmex.policy.input.dockerfile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile the way BuildKit's parser ({@code moby/buildkit frontend/dockerfile/parser}) does: parser
 * directives at the top, line continuations with the escape character, comments and blank lines dropped inside
 * continuations, here-documents, exec (JSON) or shell form with BuildKit's fallback to shell form on invalid
 * JSON, builder flags, and each instruction's own argument rules. Unlike BuildKit it does not stop at the first
 * error: every problem becomes a located diagnostic and parsing goes on with the next instruction.
 */
public final class DockerfileParser {

    public record Result(ParsedDockerfile dockerfile, List<Diagnostic> diagnostics) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** The instructions BuildKit knows, lower case. */
    public static final Set<String> INSTRUCTIONS = Set.of("add", "arg", "cmd", "copy", "entrypoint", "env", "expose",
        "from", "healthcheck", "label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir");

    private static final Set<String> HEREDOC_INSTRUCTIONS = Set.of("run", "copy", "add");
    private static final Pattern DIRECTIVE = Pattern.compile("^([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)([^<]*)$");
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private final SourceFile source;
    private final String text;
    private final List<int[]> lines = new ArrayList<>();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final List<Directive> directives = new ArrayList<>();
    private final Set<String> seenDirectives = new HashSet<>();
    private boolean directivesDone;
    private char escape = '\\';

    private DockerfileParser(SourceFile source) {
        this.source = source;
        this.text = source.text();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int next = nl < 0 ? text.length() : nl + 1;
            int end = nl < 0 ? text.length() : nl;
            while (end > start && (text.charAt(end - 1) == '\r' || text.charAt(end - 1) == '\n')) end--;
            lines.add(new int[] {start, end, next});
            start = next;
        }
    }

    public static Result parse(SourceFile source) {
        DockerfileParser p = new DockerfileParser(source);
        List<Instruction> instructions = p.run();
        return new Result(new ParsedDockerfile(source, p.escape, p.directives, instructions), p.diagnostics);
    }

    private List<Instruction> run() {
        List<Instruction> out = new ArrayList<>();
        int i = 0;
        int n = lines.size();
        while (i < n) {
            int s = lines.get(i)[0];
            int e = lines.get(i)[1];
            if (i == 0 && s < e && text.charAt(s) == '\uFEFF') s++;
            int t = s;
            while (t < e && ShellLexer.isGoSpace(text.charAt(t))) t++;
            if (!directivesDone) directive(t, e, i + 1);
            i++;
            if (t < e && text.charAt(t) == '#') continue;
            LocatedText.Builder logical = new LocatedText.Builder();
            int cut = continuationCut(t, e);
            boolean endOfLine = cut < 0;
            logical.append(text, t, endOfLine ? e : cut);
            if (endOfLine && t == e) continue;
            int startOffset = t;
            int lastOffset = e - 1;
            boolean emptyContinuation = false;
            int emptyLine = 0;
            while (!endOfLine && i < n) {
                int cs = lines.get(i)[0];
                int ce = lines.get(i)[1];
                i++;
                int ct = cs;
                while (ct < ce && ShellLexer.isGoSpace(text.charAt(ct))) ct++;
                if (ct < ce && text.charAt(ct) == '#') continue;
                if (ct == ce) {
                    if (!emptyContinuation) emptyLine = i;
                    emptyContinuation = true;
                    continue;
                }
                int ccut = continuationCut(cs, ce);
                endOfLine = ccut < 0;
                logical.append(text, cs, endOfLine ? ce : ccut);
                lastOffset = ce - 1;
            }
            LocatedText line = logical.build();
            Span span = source.span(startOffset, Math.max(startOffset, lastOffset));
            if (emptyContinuation) {
                diagnostics.add(Diagnostic.warning("I2006", "empty continuation line inside an instruction",
                    Span.of(source.name(), emptyLine, 1),
                    "BuildKit warns about this (NoEmptyContinuation); remove the blank line or the '"
                        + escape + "' before it"));
            }
            Optional<Instruction> parsed = instruction(line, span);
            if (parsed.isEmpty()) continue;
            Instruction instr = parsed.get();
            if (canContainHeredoc(instr) && line.text().contains("<<")) {
                List<Heredoc> docs = new ArrayList<>();
                for (HeredocStart h : heredocStarts(line, span)) {
                    i = readHeredoc(h, i, docs);
                }
                if (!docs.isEmpty()) {
                    Heredoc last = docs.get(docs.size() - 1);
                    Span end = last.span().isKnown() ? last.span() : span;
                    instr = withHeredocs(instr, docs, span.to(end));
                }
            }
            out.add(instr);
        }
        if (out.isEmpty()) {
            int lastLine = Math.max(1, source.lineCount());
            diagnostics.add(Diagnostic.error("I2001", "file with no instructions",
                Span.of(source.name(), lastLine, 1), "a Dockerfile needs at least a FROM instruction"));
        }
        return out;
    }

    private static Instruction withHeredocs(Instruction instr, List<Heredoc> docs, Span span) {
        if (instr.onbuild().isPresent()) {
            Instruction child = instr.onbuild().get();
            Instruction newChild = child.withHeredocs(docs, child.span().to(span));
            return new Instruction(instr.keyword(), instr.keywordSpan(), instr.flags(), instr.args(), instr.pairs(),
                instr.json(), instr.rest(), List.of(), Optional.of(newChild), instr.original(), span, instr.known(),
                instr.restText());
        }
        return instr.withHeredocs(docs, span);
    }

    // ---- directives ------------------------------------------------------------------------------------------

    private void directive(int t, int e, int lineNo) {
        if (t >= e || text.charAt(t) != '#') {
            directivesDone = true;
            return;
        }
        int c = t + 1;
        while (c < e && ShellLexer.isGoSpace(text.charAt(c))) c++;
        Matcher m = DIRECTIVE.matcher(text.substring(c, e));
        if (!m.matches()) {
            directivesDone = true;
            return;
        }
        String key = m.group(1).toLowerCase(Locale.ROOT);
        if (!key.equals("syntax") && !key.equals("escape") && !key.equals("check")) {
            directivesDone = true;
            return;
        }
        Span span = source.span(t, e - 1);
        if (!seenDirectives.add(key)) {
            diagnostics.add(Diagnostic.error("I2005", "only one " + key + " parser directive can be used", span));
            return;
        }
        String value = m.group(2);
        directives.add(new Directive(key, value, span));
        if (key.equals("escape")) {
            if (value.equals("`") || value.equals("\\")) {
                escape = value.charAt(0);
            } else {
                diagnostics.add(Diagnostic.error("I2005", "invalid escape token '" + value + "' does not match ` or \\",
                    span));
            }
        }
    }

    /**
     * Where a line continuation starts on {@code [s, e)}, or -1. As in BuildKit, the escape character followed only
     * by spaces or tabs continues the line, unless it is itself escaped ({@code foo\\}).
     */
    private int continuationCut(int s, int e) {
        int k = e - 1;
        while (k >= s && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) k--;
        if (k < s || text.charAt(k) != escape) return -1;
        if (k == s) return k;
        return text.charAt(k - 1) != escape ? k : -1;
    }

    // ---- instructions ----------------------------------------------------------------------------------------

    private Optional<Instruction> instruction(LocatedText line, Span span) {
        String t = line.text();
        int a = 0;
        int b = t.length();
        while (a < b && ShellLexer.isGoSpace(t.charAt(a))) a++;
        while (b > a && ShellLexer.isGoSpace(t.charAt(b - 1))) b--;
        if (a == b) {
            diagnostics.add(Diagnostic.error("I2004", "empty instruction: only continuation lines", span));
            return Optional.empty();
        }
        int k = a;
        while (k < b && !isTokenSpace(t.charAt(k))) k++;
        String keyword = t.substring(a, k);
        Span keywordSpan = line.span(source, a, k);
        int argStart = k;
        while (argStart < b && isTokenSpace(t.charAt(argStart))) argStart++;
        List<Flag> flags = new ArrayList<>();
        int restStart = extractFlags(line, argStart, b, flags);
        int r0 = restStart;
        int r1 = b;
        while (r0 < r1 && ShellLexer.isGoSpace(t.charAt(r0))) r0++;
        Word rest = line.word(source, r0, r1);
        String cmd = keyword.toLowerCase(Locale.ROOT);
        Args args = new Args();
        boolean known = INSTRUCTIONS.contains(cmd);
        if (!known) {
            diagnostics.add(Diagnostic.error("I2002", "unknown instruction: " + keyword, keywordSpan,
                Suggestions.closest(cmd, INSTRUCTIONS).map(s -> "did you mean " + s.toUpperCase(Locale.ROOT) + "?")
                    .orElse(null)));
        } else {
            try {
                dispatch(cmd, line, r0, r1, args, span);
            } catch (LineError err) {
                diagnostics.add(Diagnostic.error("I2004", err.getMessage(), span));
                args = new Args();
            }
        }
        return Optional.of(new Instruction(keyword, keywordSpan, flags, args.words, args.pairs, args.json, rest,
            List.of(), Optional.ofNullable(args.child), t.substring(a, b), span, known, line.sub(r0, r1)));
    }

    private static boolean isTokenSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static final class Args {
        List<Word> words = new ArrayList<>();
        List<KeyValue> pairs = new ArrayList<>();
        boolean json;
        Instruction child;
    }

    private static final class LineError extends Exception {
        LineError(String message) {
            super(message);
        }
    }

    private void dispatch(String cmd, LocatedText line, int r0, int r1, Args out, Span span) throws LineError {
        switch (cmd) {
            case "add", "copy", "volume" -> maybeJsonToList(line, r0, r1, out);
            case "arg" -> {
                for (int[] w : parseWords(line.text(), r0, r1)) out.words.add(wordOf(line, w));
            }
            case "cmd", "entrypoint", "run", "shell" -> maybeJson(line, r0, r1, out);
            case "env", "label" -> nameVal(line, r0, r1, cmd.toUpperCase(Locale.ROOT), out);
            case "expose", "from" -> whitespaceDelimited(line, r0, r1, out);
            case "healthcheck" -> {
                String t = line.text();
                int sep = r0;
                while (sep < r1 && !ShellLexer.isGoSpace(t.charAt(sep))) sep++;
                if (sep == r0) return;
                int next = sep;
                while (next < r1 && ShellLexer.isGoSpace(t.charAt(next))) next++;
                out.words.add(line.word(source, r0, sep));
                maybeJson(line, next, r1, out);
            }
            case "maintainer", "stopsignal", "user", "workdir" -> {
                if (r0 < r1) out.words.add(line.word(source, r0, r1));
            }
            case "onbuild" -> {
                if (r0 == r1) return;
                LocatedText sub = line.sub(r0, r1);
                Optional<Instruction> child = instruction(sub, line.span(source, r0, r1));
                child.ifPresent(c -> out.child = c);
            }
            default -> throw new IllegalStateException("no line parser for " + cmd);
        }
    }

    private Word wordOf(LocatedText line, int[] w) {
        return new Word(unescapedWord(line.text(), w), line.span(source, w[0], w[1]));
    }

    /** The word as BuildKit's parseWords builds it: the text, minus an escape character left at the very end. */
    private String unescapedWord(String t, int[] w) {
        String s = t.substring(w[0], w[1]);
        return w[2] == 1 ? s.substring(0, s.length() - 1) : s;
    }

    private void whitespaceDelimited(LocatedText line, int r0, int r1, Args out) {
        if (r0 == r1) return;
        String t = line.text();
        int i = r0;
        int wordStart = r0;
        while (i <= r1) {
            if (i == r1 || isTokenSpace(t.charAt(i))) {
                out.words.add(line.word(source, wordStart, i));
                while (i < r1 && isTokenSpace(t.charAt(i))) i++;
                wordStart = i;
                if (i == r1) break;
            } else {
                i++;
            }
        }
    }

    private void maybeJson(LocatedText line, int r0, int r1, Args out) throws LineError {
        if (r0 == r1) return;
        if (json(line, r0, r1, out)) return;
        out.words.add(line.word(source, r0, r1));
    }

    private void maybeJsonToList(LocatedText line, int r0, int r1, Args out) throws LineError {
        if (json(line, r0, r1, out)) return;
        whitespaceDelimited(line, r0, r1, out);
    }

    /**
     * Reads a JSON array of strings at {@code [r0, r1)}. False when the text is not valid JSON (BuildKit then uses
     * shell form); an error when it is valid JSON but not an array of strings.
     */
    private boolean json(LocatedText line, int r0, int r1, Args out) throws LineError {
        String t = line.text();
        int s = r0;
        while (s < r1 && ShellLexer.isGoSpace(t.charAt(s))) s++;
        if (s >= r1 || t.charAt(s) != '[') return false;
        String body = t.substring(s, r1);
        List<Word> words = new ArrayList<>();
        boolean onlyStrings = true;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) return false;
            JsonToken tok;
            while ((tok = p.nextToken()) != JsonToken.END_ARRAY) {
                if (tok == null) return invalidJson(line, s, r1);
                if (tok == JsonToken.VALUE_STRING) {
                    int from = (int) p.currentTokenLocation().getCharOffset();
                    String value = p.getText();
                    int to = endOfJsonString(body, from);
                    words.add(new Word(value, line.span(source, s + from, s + to)));
                } else {
                    onlyStrings = false;
                    if (tok == JsonToken.START_ARRAY || tok == JsonToken.START_OBJECT) p.skipChildren();
                }
            }
            if (p.nextToken() != null) return invalidJson(line, s, r1);
        } catch (JsonProcessingException e) {
            return invalidJson(line, s, r1);
        } catch (IOException e) {
            return invalidJson(line, s, r1);
        }
        if (!onlyStrings) throw new LineError("when using JSON array syntax, arrays must be comprised of strings only");
        out.words.addAll(words);
        out.json = true;
        return true;
    }

    private boolean invalidJson(LocatedText line, int s, int r1) {
        diagnostics.add(Diagnostic.warning("I2007", "not a valid JSON array: BuildKit reads this as shell form",
            line.span(source, s, r1), "write exec form as [\"executable\", \"arg\"] with double quotes"));
        return false;
    }

    private static int endOfJsonString(String body, int from) {
        int i = from + 1;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '\\') i += 2;
            else if (c == '"') return i + 1;
            else i++;
        }
        return body.length();
    }

    /**
     * BuildKit's parseWords over {@code [r0, r1)}: words split on unquoted whitespace, quotes and escapes kept.
     * Each result is {start, end, droppedTrailingEscape}.
     */
    private List<int[]> parseWords(String t, int r0, int r1) {
        List<int[]> words = new ArrayList<>();
        final int inSpaces = 0, inWord = 1, inQuote = 2;
        int phase = inSpaces;
        int start = r0;
        int len = 0;
        boolean blankOk = false;
        boolean dropped = false;
        char quote = 0;
        for (int pos = r0; pos <= r1; pos++) {
            char ch = pos < r1 ? t.charAt(pos) : 0;
            if (phase == inSpaces) {
                if (pos == r1) break;
                if (ShellLexer.isGoSpace(ch)) continue;
                phase = inWord;
                start = pos;
                len = 0;
                dropped = false;
            }
            if ((phase == inWord || phase == inQuote) && pos == r1) {
                if (blankOk || len > 0) words.add(new int[] {start, pos, dropped ? 1 : 0});
                break;
            }
            if (phase == inWord) {
                if (ShellLexer.isGoSpace(ch)) {
                    phase = inSpaces;
                    if (blankOk || len > 0) words.add(new int[] {start, pos, 0});
                    blankOk = false;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                    blankOk = true;
                    phase = inQuote;
                }
                if (ch == escape) {
                    if (pos + 1 == r1) {
                        dropped = true;
                        continue;
                    }
                    len++;
                    pos++;
                }
                len++;
                continue;
            }
            if (ch == quote) phase = inWord;
            if (ch == escape && quote != '\'') {
                if (pos + 1 == r1) {
                    phase = inWord;
                    dropped = true;
                    continue;
                }
                pos++;
                len++;
            }
            len++;
        }
        return words;
    }

    private void nameVal(LocatedText line, int r0, int r1, String key, Args out) throws LineError {
        String t = line.text();
        List<int[]> words = parseWords(t, r0, r1);
        if (words.isEmpty()) return;
        if (!unescapedWord(t, words.get(0)).contains("=")) {
            int k = r0;
            while (k < r1 && !isTokenSpace(t.charAt(k))) k++;
            int v = k;
            while (v < r1 && isTokenSpace(t.charAt(v))) v++;
            if (k == r1) throw new LineError(key + " must have two arguments");
            Word name = line.word(source, r0, k);
            Word value = line.word(source, v, r1);
            out.pairs.add(new KeyValue(name, value, ""));
            out.words.add(name);
            out.words.add(value);
            return;
        }
        for (int[] w : words) {
            String word = unescapedWord(t, w);
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new LineError("Syntax error - can't find = in \"" + word + "\". Must be of the form: name=value");
            }
            if (eq == 0) throw new LineError(key + " names can not be blank");
            Word name = new Word(word.substring(0, eq), line.span(source, w[0], w[0] + eq));
            Word value = new Word(word.substring(eq + 1), line.span(source, w[0] + eq + 1, w[1]));
            out.pairs.add(new KeyValue(name, value, "="));
            out.words.add(name);
            out.words.add(value);
        }
    }

    /**
     * BuildKit's extractBuilderFlags: leading words starting with {@code --} are flags (quotes removed, backslash
     * escapes), a lone {@code --} ends them. Returns where the arguments start.
     */
    private int extractFlags(LocatedText line, int from, int to, List<Flag> flags) {
        String t = line.text();
        final int inSpaces = 0, inWord = 1, inQuote = 2;
        int phase = inSpaces;
        StringBuilder word = new StringBuilder();
        int wordStart = from;
        boolean blankOk = false;
        char quote = 0;
        for (int pos = from; pos <= to; pos++) {
            char ch = pos < to ? t.charAt(pos) : 0;
            if (phase == inSpaces) {
                if (pos == to) break;
                if (ShellLexer.isGoSpace(ch)) continue;
                if (ch != '-' || pos + 1 == to || t.charAt(pos + 1) != '-') return pos;
                phase = inWord;
                wordStart = pos;
            }
            if ((phase == inWord || phase == inQuote) && pos == to) {
                if (!word.toString().equals("--") && (blankOk || word.length() > 0)) {
                    flags.add(Flag.of(word.toString(), line.span(source, wordStart, pos)));
                }
                break;
            }
            if (phase == inWord) {
                if (ShellLexer.isGoSpace(ch)) {
                    phase = inSpaces;
                    if (word.toString().equals("--")) return pos;
                    if (blankOk || word.length() > 0) flags.add(Flag.of(word.toString(), line.span(source, wordStart, pos)));
                    word.setLength(0);
                    blankOk = false;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                    blankOk = true;
                    phase = inQuote;
                    continue;
                }
                if (ch == '\\') {
                    if (pos + 1 == to) continue;
                    ch = t.charAt(++pos);
                }
                word.append(ch);
                continue;
            }
            if (ch == quote) {
                phase = inWord;
                continue;
            }
            if (ch == '\\') {
                if (pos + 1 == to) {
                    phase = inWord;
                    continue;
                }
                ch = t.charAt(++pos);
            }
            word.append(ch);
        }
        return to;
    }

    // ---- heredocs --------------------------------------------------------------------------------------------

    private static boolean canContainHeredoc(Instruction instr) {
        Instruction target = instr.onbuild().orElse(instr);
        return HEREDOC_INSTRUCTIONS.contains(target.keyword().toLowerCase(Locale.ROOT)) && !target.json();
    }

    private record HeredocStart(String name, int fd, boolean expand, boolean chomp, Span marker) {
    }

    /** Finds {@code <<EOF} words as BuildKit does: words split with quotes kept, then matched one by one. */
    private List<HeredocStart> heredocStarts(LocatedText line, Span fallback) {
        List<HeredocStart> out = new ArrayList<>();
        List<String> words;
        try {
            words = new ShellLexer('\\', true, true).processWords(line.text(), ShellLexer.Env.NONE).words();
        } catch (ShellLexer.ShellException e) {
            return out;
        }
        int searchFrom = 0;
        for (String word : words) {
            int at = line.text().indexOf(word, searchFrom);
            Span marker = at >= 0 ? line.span(source, at, at + word.length()) : fallback;
            if (at >= 0) searchFrom = at + word.length();
            Matcher m = HEREDOC.matcher(word);
            if (!m.matches() || m.group(3).isEmpty()) continue;
            String rest = m.group(3);
            try {
                List<String> plain = new ShellLexer('\\').processWords(rest, ShellLexer.Env.NONE).words();
                if (plain.size() != 1) continue;
                List<String> raw = new ShellLexer('\\', true, false).processWords(rest, ShellLexer.Env.NONE).words();
                if (raw.size() != 1) {
                    diagnostics.add(Diagnostic.error("I2003", "cannot read here-document word " + rest, marker));
                    continue;
                }
                boolean expand = quotes(plain.get(0)) == quotes(raw.get(0));
                int fd = m.group(1).isEmpty() ? 0 : parseFd(m.group(1));
                out.add(new HeredocStart(plain.get(0), fd, expand, m.group(2).equals("-"), marker));
            } catch (ShellLexer.ShellException e) {
                diagnostics.add(Diagnostic.error("I2003", "invalid here-document word " + rest + ": " + e.getMessage(),
                    marker));
            }
        }
        return out;
    }

    private static int parseFd(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static int quotes(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\'' || s.charAt(i) == '"') n++;
        return n;
    }

    /** Reads a heredoc body from line index {@code i}; returns the index after its terminator. */
    private int readHeredoc(HeredocStart h, int i, List<Heredoc> docs) {
        StringBuilder content = new StringBuilder();
        List<Word> bodyLines = new ArrayList<>();
        int firstOffset = -1;
        int n = lines.size();
        while (i < n) {
            int[] l = lines.get(i);
            i++;
            String candidate = text.substring(l[0], l[1]);
            String compare = h.chomp() ? stripLeadingTabs(candidate) : candidate;
            if (firstOffset < 0) firstOffset = l[0];
            if (compare.equals(h.name())) {
                Span span = source.span(firstOffset, Math.max(firstOffset, l[1] - 1));
                docs.add(new Heredoc(h.name(), h.fd(), h.expand(), h.chomp(), content.toString(), bodyLines,
                    h.marker(), span, true));
                return i;
            }
            content.append(text, l[0], l[2]);
            int from = l[0];
            if (h.chomp()) while (from < l[1] && text.charAt(from) == '\t') from++;
            Span lineSpan = l[1] > l[0] ? source.span(from < l[1] ? from : l[0], l[1] - 1) : source.span(l[0], l[0]);
            bodyLines.add(new Word(text.substring(from, l[1]), lineSpan));
        }
        diagnostics.add(Diagnostic.error("I2003", "unterminated heredoc: no line '" + h.name()
            + "' before the end of the file", h.marker(), "end the here-document with a line holding only " + h.name()));
        Span span = firstOffset < 0 ? Span.NONE : source.span(firstOffset, Math.max(firstOffset, text.length() - 1));
        docs.add(new Heredoc(h.name(), h.fd(), h.expand(), h.chomp(), content.toString(), bodyLines, h.marker(), span,
            false));
        return i;
    }

    private static String stripLeadingTabs(String s) {
        int k = 0;
        while (k < s.length() && s.charAt(k) == '\t') k++;
        return s.substring(k);
    }
}
