package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.config.NamePattern;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;

import org.codomyrmex.policy.model.InputKind;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Scanner;
import org.yaml.snakeyaml.scanner.ScannerImpl;
import org.yaml.snakeyaml.tokens.CommentToken;
import org.yaml.snakeyaml.tokens.Token;

import java.io.StringReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Suppressions written as comments in YAML files and Dockerfiles:
 * <pre>
 * # policy:ignore-file ESC-002 host networking is this node agent's job     (in the comments at the top)
 * # policy:ignore ESC-001 the CNI plugin needs it                              (on the line above)
 *     privileged: true  # policy:ignore ESC-001 the CNI plugin needs it       (on the line)
 * </pre>
 * Rule ids are separated by commas; {@code *} means every rule, and {@code ESC-04*} every rule whose id it matches. The rest of the comment is the justification.
 * A finding about something missing (no USER instruction) sits at its resource (the FROM line, the document's
 * first line), so a comment above that line, or one for the whole file, suppresses it.
 */
public final class InlineSuppressions {
    private static final Pattern DIRECTIVE = Pattern.compile(
        "(?:^|\\s)#\\s*policy:ignore(-file)?\\s+([A-Za-z0-9_.*?!\\[\\]-]+(?:\\s*,\\s*[A-Za-z0-9_.*?!\\[\\]-]+)*)(?:\\s+(.*?))?\\s*$");
    /** The comments of each YAML file, scanned once however many findings it has. */
    private static final Map<SourceFile, Comments> YAML_COMMENTS = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static final Pattern COMMENT_LINE = Pattern.compile("^\\s*#.*");

    private InlineSuppressions() {
    }

    /** A directive read from one line. */
    record Directive(boolean wholeFile, List<String> rules, String justification, Span where) {
        boolean covers(String ruleId) {
            return coversRule(rules, ruleId);
        }
    }

    public static Optional<Suppression> find(Finding f, SourceFile source) {
        Comments comments = f.resource().input() == InputKind.DOCKERFILE || !source.text().contains("policy:ignore")
            ? Comments.TEXTUAL : YAML_COMMENTS.computeIfAbsent(source, Comments::yaml);
        if (!f.location().isKnown()) return fileWide(f, source, comments);
        int line = f.location().line();
        Optional<Directive> own = directive(source, line, comments).filter(d -> !d.wholeFile() && d.covers(f.ruleId()));
        if (own.isPresent()) return own.map(d -> new Suppression(Suppression.Kind.INLINE, d.justification(), d.where()));
        // The comment lines right above the finding's line.
        for (int above = line - 1; above >= 1 && comments.isCommentLine(source, above); above--) {
            Optional<Directive> d = directive(source, above, comments).filter(x -> !x.wholeFile() && x.covers(f.ruleId()));
            if (d.isPresent()) return d.map(x -> new Suppression(Suppression.Kind.INLINE, x.justification(), x.where()));
        }
        return fileWide(f, source, comments);
    }

    /**
     * Where the comments of a file are. In a Dockerfile a '#' starting a line or (for the shell) following a space
     * begins one; in YAML the scanner knows: a '#' line inside a block scalar, or a '#' inside a quoted string, is
     * text of the value, and JSON has no comments at all. A file the scanner refuses is read as a Dockerfile is.
     */
    private record Comments(Map<Integer, Integer> columnByLine) {
        static final Comments TEXTUAL = new Comments(null);

        static Comments yaml(SourceFile source) {
            LoaderOptions options = new LoaderOptions();
            options.setProcessComments(true);
            Map<Integer, Integer> columns = new HashMap<>();
            try {
                Scanner scanner = new ScannerImpl(new StreamReader(new StringReader(source.text())), options);
                while (!scanner.checkToken(Token.ID.StreamEnd)) {
                    Token t = scanner.getToken();
                    if (!(t instanceof CommentToken)) continue;
                    int line = t.getStartMark().getLine() + 1;
                    // The scanner counts code points; the line's text is cut by chars.
                    String text = source.line(line);
                    int column = t.getStartMark().getColumn();
                    columns.putIfAbsent(line, column <= text.codePointCount(0, text.length()) ? text.offsetByCodePoints(0, column) : column);
                }
            } catch (RuntimeException e) {
                return TEXTUAL;
            }
            return new Comments(columns);
        }

        boolean isCommentLine(SourceFile source, int line) {
            if (columnByLine == null) return COMMENT_LINE.matcher(textOf(source, line, this)).matches();
            Integer column = columnByLine.get(line);
            return column != null && source.line(line).substring(0, Math.min(column, source.line(line).length())).isBlank();
        }

        /** Whether the '#' at this index of the line is in a comment (starts it, or is text of it). */
        boolean inComment(int line, int index) {
            if (columnByLine == null) return true;
            Integer column = columnByLine.get(line);
            return column != null && index >= column;
        }
    }

    /** {@code policy:ignore-file} in the comments and blank lines at the top of the file. */
    private static Optional<Suppression> fileWide(Finding f, SourceFile source, Comments comments) {
        for (int n = 1; n <= source.lineCount(); n++) {
            String text = source.line(n);
            if (text.isBlank() || text.strip().equals("---")) continue;
            if (!comments.isCommentLine(source, n)) break;
            Optional<Directive> d = directive(source, n, comments).filter(x -> x.wholeFile() && x.covers(f.ruleId()));
            if (d.isPresent()) return d.map(x -> new Suppression(Suppression.Kind.FILE, x.justification(), x.where()));
        }
        return Optional.empty();
    }

    static Optional<Directive> directive(SourceFile source, int line) {
        return directive(source, line, Comments.TEXTUAL);
    }

    /**
     * A line's text as the comment rules read it: a byte-order mark before the first line of a Dockerfile (what
     * Windows editors write, and BuildKit skips) is not text, so a directive at the top still starts the line. The
     * YAML scanner's columns count the mark, so YAML lines stay as they are.
     */
    private static String textOf(SourceFile source, int line, Comments comments) {
        String text = source.line(line);
        return line == 1 && comments.columnByLine() == null && text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static Optional<Directive> directive(SourceFile source, int line, Comments comments) {
        String text = textOf(source, line, comments);
        if (!text.contains("policy:ignore")) return Optional.empty();
        Matcher m = DIRECTIVE.matcher(text);
        if (!m.find()) return Optional.empty();
        int hash = m.start() + (Character.isWhitespace(text.charAt(m.start())) ? 1 : 0);
        if (!comments.inComment(line, hash)) return Optional.empty();
        List<String> rules = Arrays.stream(m.group(2).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        String why = m.group(3) == null ? "" : m.group(3);
        int column = m.start() + (Character.isWhitespace(text.charAt(m.start())) ? 2 : 1);
        return Optional.of(new Directive(m.group(1) != null, rules, why,
            new Span(source.name(), line, column, line, Math.max(column, text.length()))));
    }

    /**
     * The value of a Kubernetes annotation {@code policy.codomyrmex.org/ignore}, in the same syntax:
     * {@code "ESC-001,ESC-002 the CNI plugin needs it"}. Returns the justification when it covers the rule.
     */
    public static Optional<String> annotationCovers(String annotation, String ruleId) {
        String a = annotation.strip();
        int space = a.indexOf(' ');
        String ids = space < 0 ? a : a.substring(0, space);
        String why = space < 0 ? "" : a.substring(space + 1).strip();
        // Allow spaces after commas: "ESC-001, ESC-002 reason".
        while (why.startsWith(",") || ids.endsWith(",")) {
            int next = why.indexOf(' ', why.startsWith(",") ? 2 : 1);
            String more = next < 0 ? why : why.substring(0, next);
            ids = ids + more.strip();
            why = next < 0 ? "" : why.substring(next + 1).strip();
        }
        List<String> rules = Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return coversRule(rules, ruleId) ? Optional.of(why) : Optional.empty();
    }

    /**
     * Whether ids or patterns as written in a directive or annotation cover a rule: patterns ({@code ESC-04*},
     * {@code *}) as an exception's rules are read, since the directive's syntax takes them and a pattern that
     * matched nothing would leave the finding failing without a word.
     */
    private static boolean coversRule(List<String> rules, String ruleId) {
        for (String r : rules) {
            if (NamePattern.of(r).matches(ruleId)) return true;
        }
        return false;
    }
}
