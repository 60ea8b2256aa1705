package org.codomyrmex.policy.report;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Severity;

import java.util.Map;

/**
 * The terminal format: one line per finding, {@code file:line:col severity RULE-ID message}, easy to grep and
 * understood by editors; then each error with its excerpt and caret; then a one-line summary.
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
}
