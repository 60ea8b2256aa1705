package org.codomyrmex.policy.report;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The terminal format: findings grouped by file, each as one line {@code file:line:col severity RULE-ID message
 * [resource]} (easy to grep, understood by editors) followed by the source excerpt with a caret under the
 * offending text; then each error with its excerpt; then a one-line summary. Colour only when asked for
 * (the command decides: a terminal, and no {@code NO_COLOR}).
 */
public final class TextReport {
    private TextReport() {
    }

    public static String findings(Report report) {
        StringBuilder sb = new StringBuilder();
        for (Finding f : report.findings()) {
            StringBuilder line = new StringBuilder();
            line.append(f.location().file()).append(':').append(f.location().line()).append(':').append(f.location().column())
                .append(' ').append(f.severity().id()).append(' ').append(f.ruleId()).append(' ').append(f.message());
            line.append(" [").append(f.resource().display());
            f.part().ifPresent(p -> line.append(' ').append(p.kind()).append(' ').append(p.name()));
            // Names and messages quote the input: no escape sequence or line break of theirs reaches the terminal.
            sb.append(DiagnosticRenderer.printable(line.toString())).append("]\n");
        }
        return sb.toString();
    }

    public static String diagnostics(Report report, boolean warnings) {
        DiagnosticRenderer renderer = new DiagnosticRenderer(report::source);
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : report.diagnostics()) {
            if (d.isError() || warnings) sb.append(renderer.render(d));
        }
        return sb.toString();
    }

    public static String summary(Report report) {
        Map<Severity, Integer> counts = report.countBySeverity();
        StringBuilder sb = new StringBuilder();
        sb.append(report.findings().size()).append(report.findings().size() == 1 ? " finding" : " findings");
        StringBuilder parts = new StringBuilder();
        for (Severity s : Severity.values()) {
            if (counts.get(s) > 0) parts.append(parts.length() == 0 ? "" : ", ").append(counts.get(s)).append(' ').append(s.id());
        }
        if (parts.length() > 0) sb.append(" (").append(parts).append(')');
        int errors = report.errors().size();
        sb.append(", ").append(errors).append(errors == 1 ? " error" : " errors");
        sb.append(" in ").append(report.documentsChecked()).append(report.documentsChecked() == 1 ? " document" : " documents");
        return sb.append('\n').toString();
    }

    /** Whether to use ANSI colours, and whether to list suppressed findings too. */
    public record Style(boolean color, boolean showSuppressed) {
    }

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";

    static String colorOf(Severity s) {
        return switch (s) {
            case CRITICAL -> "\u001b[1;31m";
            case HIGH -> "\u001b[31m";
            case MEDIUM -> "\u001b[33m";
            case LOW -> "\u001b[36m";
            case INFO -> "\u001b[2m";
        };
    }

    /** The findings of a run, grouped by file, with excerpts; suppressed ones after them when asked. */
    public static String render(Results results, Style style) {
        StringBuilder sb = new StringBuilder();
        Map<String, List<Results.Result>> byFile = new LinkedHashMap<>();
        for (Results.Result r : results.active()) byFile.computeIfAbsent(r.finding().location().file(), k -> new ArrayList<>()).add(r);
        for (Map.Entry<String, List<Results.Result>> e : byFile.entrySet()) {
            int n = e.getValue().size();
            sb.append(paint(style, BOLD, DiagnosticRenderer.printable(e.getKey()))).append(paint(style, DIM, " (" + n + (n == 1 ? " finding)" : " findings)"))).append('\n');
            Optional<SourceFile> source = results.report().source(e.getKey());
            for (Results.Result r : e.getValue()) finding(sb, r, source, style, results);
            sb.append('\n');
        }
        if (style.showSuppressed() && !results.suppressed().isEmpty()) {
            sb.append(paint(style, BOLD, "Suppressed")).append(paint(style, DIM, " (" + results.suppressed().size() + ")")).append('\n');
            for (Results.Result r : results.suppressed()) {
                headline(sb, r.finding(), style);
                r.suppression().ifPresent(s -> sb.append("       = suppressed by ").append(describe(s)).append('\n'));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String describe(org.codomyrmex.policy.suppress.Suppression s) {
        String what = switch (s.kind()) {
            case INLINE -> "an inline comment";
            case FILE -> "a comment for the whole file";
            case ANNOTATION -> "an annotation";
            case EXCEPTION -> "a config exception";
            case BASELINE -> "the baseline";
        };
        String at = s.where().isKnown() ? " at " + s.where() : "";
        return what + at + (s.justification().isEmpty() ? "" : ": " + s.justification());
    }

    private static void headline(StringBuilder sb, Finding f, Style style) {
        // Names and messages quote the input: no escape sequence or line break of theirs reaches the terminal.
        sb.append(DiagnosticRenderer.printable(f.location().file())).append(':').append(f.location().line()).append(':')
            .append(f.location().column()).append(' ').append(paint(style, colorOf(f.severity()), f.severity().id())).append(' ')
            .append(paint(style, BOLD, f.ruleId())).append(' ').append(DiagnosticRenderer.printable(f.message()));
        StringBuilder resource = new StringBuilder(f.resource().display());
        f.part().ifPresent(p -> resource.append(' ').append(p.kind()).append(' ').append(p.name()));
        sb.append(" [").append(DiagnosticRenderer.printable(resource.toString())).append("]\n");
    }

    private static void finding(StringBuilder sb, Results.Result r, Optional<SourceFile> source, Style style, Results results) {
        Finding f = r.finding();
        headline(sb, f, style);
        Span span = f.location();
        if (source.isPresent() && span.isKnown() && span.line() <= source.get().lineCount()) {
            String full = source.get().line(span.line());
            // Never print the secret a finding is about: hide it before anything else is done with the line.
            if (f.threat() == org.codomyrmex.policy.model.Threat.SECRET_EXPOSURE) full = maskExcerpt(full, span);
            // A minified file is one long line: show a window around the column, as diagnostics do.
            int from = full.length() <= DiagnosticRenderer.MAX_EXCERPT ? 0 : Math.max(0,
                Math.min(span.column() - 1 - DiagnosticRenderer.MAX_EXCERPT / 2, full.length() - DiagnosticRenderer.MAX_EXCERPT));
            String line = DiagnosticRenderer.printable(full.substring(from, Math.min(full.length(), from + DiagnosticRenderer.MAX_EXCERPT)));
            String number = Integer.toString(span.line());
            String pad = " ".repeat(Math.max(4, number.length()));
            sb.append(String.format(Locale.ROOT, "%" + pad.length() + "s | ", number)).append(line.replace("\t", "    ")).append('\n');
            int column = span.column() - from;
            int start = visualColumn(line, column);
            int endColumn = Math.min(line.length(), (span.endLine() == span.line() ? span.endColumn() : full.length()) - from);
            int end = Math.max(start, visualColumn(line, Math.max(endColumn, column)));
            sb.append(pad).append(" | ").append(" ".repeat(Math.max(0, start - 1)))
                .append(paint(style, colorOf(f.severity()), "^".repeat(Math.max(1, end - start + 1)))).append('\n');
        }
        for (String note : r.notes()) sb.append("       = note: ").append(DiagnosticRenderer.printable(note)).append('\n');
        for (Finding.TraceEntry t : f.trace()) {
            sb.append("       = because ").append(DiagnosticRenderer.printable(t.expression())).append(" is ")
                .append(DiagnosticRenderer.printable(String.valueOf(t.value()))).append('\n');
        }
    }

    /**
     * The excerpt line of a secret-exposure finding with the located text hidden (its first characters stay, as
     * mask() shows them in messages), so that the report never prints the secret the finding is about.
     */
    static String maskExcerpt(String line, Span span) {
        int from = Math.min(Math.max(0, span.column() - 1), line.length());
        int to = span.endLine() == span.line() ? Math.min(line.length(), Math.max(from, span.endColumn())) : line.length();
        String secret = line.substring(from, to);
        // Punctuation alone (the "{" opening an image config the finding spans) is no secret: masking it only
        // makes the excerpt look broken.
        if (secret.codePoints().noneMatch(Character::isLetterOrDigit)) return line;
        int keep = secret.length() >= 16 ? 4 : secret.length() >= 8 ? 2 : 0;
        StringBuilder masked = new StringBuilder(secret.substring(0, keep));
        for (int i = keep; i < secret.length(); i++) masked.append(Character.isWhitespace(secret.charAt(i)) ? secret.charAt(i) : '*');
        return line.substring(0, from) + masked + line.substring(to);
    }

    private static int visualColumn(String line, int column) {
        int visual = 0;
        for (int i = 0; i < Math.min(column - 1, line.length()); i++) visual += line.charAt(i) == '\t' ? 4 : 1;
        return visual + 1 + Math.max(0, column - 1 - line.length());
    }

    static String paint(Style style, String code, String text) {
        return style.color() ? code + text + RESET : text;
    }

    /** {@code 3 findings (1 critical, 2 high), 1 suppressed, 0 errors in 4 documents}. */
    public static String summary(Results results) {
        Map<Severity, Integer> counts = new java.util.EnumMap<>(Severity.class);
        for (Results.Result r : results.active()) counts.merge(r.finding().severity(), 1, Integer::sum);
        int total = results.active().size();
        StringBuilder sb = new StringBuilder().append(total).append(total == 1 ? " finding" : " findings");
        List<String> parts = new ArrayList<>();
        for (Severity s : Severity.values()) if (counts.containsKey(s)) parts.add(counts.get(s) + " " + s.id());
        if (!parts.isEmpty()) sb.append(" (").append(String.join(", ", parts)).append(')');
        if (!results.suppressed().isEmpty()) sb.append(", ").append(results.suppressed().size()).append(" suppressed");
        int errors = results.report().errors().size();
        sb.append(", ").append(errors).append(errors == 1 ? " error" : " errors");
        int docs = results.report().documentsChecked();
        sb.append(" in ").append(docs).append(docs == 1 ? " document" : " documents");
        return sb.append('\n').toString();
    }
}
