package org.codomyrmex.policy.report;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;

/**
 * GitHub Actions workflow commands: each finding becomes an annotation on its line in the pull request
 * ({@code ::error file=...,line=...,col=...,title=...::message}); errors too. Critical and high findings are
 * errors, medium and low warnings, info notices.
 */
public final class GithubReport {
    private GithubReport() {
    }

    public static String render(Results results) {
        StringBuilder sb = new StringBuilder();
        for (Results.Result r : results.active()) {
            Finding f = r.finding();
            String command = switch (f.severity()) {
                case CRITICAL, HIGH -> "error";
                case MEDIUM, LOW -> "warning";
                case INFO -> "notice";
            };
            String message = f.message() + " [" + f.resource().display() + "]"
                + (r.notes().isEmpty() ? "" : "\n" + String.join("\n", r.notes()));
            sb.append(line(command, f.location(), f.ruleId() + " " + f.title() + " (" + f.severity().id() + ")", message));
        }
        for (Diagnostic d : results.report().errors()) {
            sb.append(line("error", d.span(), "policy " + d.code(), d.message() + d.hint().map(h -> "\nhint: " + h).orElse("")));
        }
        return sb.toString();
    }

    private static String line(String command, Span at, String title, String message) {
        StringBuilder sb = new StringBuilder("::").append(command).append(' ');
        java.util.Optional<SarifReport.ArchiveMember> member = SarifReport.ArchiveMember.of(at.file());
        if (member.isPresent()) {
            // A file inside an image archive: the annotation goes on the archive, which is in the repository.
            sb.append("file=").append(property(member.get().archive())).append(',');
        } else if (!at.file().isEmpty() && !at.file().equals("-")) {
            sb.append("file=").append(property(at.file())).append(',');
            if (at.isKnown()) {
                sb.append("line=").append(at.line()).append(",col=").append(at.column())
                    .append(",endLine=").append(Math.max(at.line(), at.endLine()));
                if (at.endLine() == at.line()) sb.append(",endColumn=").append(Math.max(at.column(), at.endColumn()));
                sb.append(',');
            }
        }
        sb.append("title=").append(property(title)).append("::").append(data(message)).append('\n');
        return sb.toString();
    }

    static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }
}
