package org.codomyrmex.policy.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Severity;

import java.util.List;

/**
 * The JSON format, documented in {@code docs/json-report.md}:
 * {@code {"version":1,"findings":[{"rule","title","severity","threat","message","location":{...},"resource":{...},
 * "fingerprint","enforcement","failing"}],"suppressed":[...],"errors":[...],"warnings":[...],"summary":{...}}}.
 * Errors are never dropped: every error diagnostic is in {@code errors}.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** A report taken as it is (no config or suppressions). */
    public static String render(Report report) {
        return render(Results.of(report, List.of(), Severity.LOW), false);
    }

    public static String render(Results results, boolean showSuppressed) {
        Report report = results.report();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", 1);
        ArrayNode findings = root.putArray("findings");
        for (Results.Result r : results.active()) findings.add(finding(r));
        if (showSuppressed) {
            ArrayNode suppressed = root.putArray("suppressed");
            for (Results.Result r : results.suppressed()) {
                ObjectNode o = finding(r);
                r.suppression().ifPresent(s -> {
                    ObjectNode by = o.putObject("suppression");
                    by.put("kind", s.kind().id());
                    by.put("justification", s.justification());
                    if (s.where().isKnown()) by.set("location", location(s.where()));
                });
                suppressed.add(o);
            }
        }
        ArrayNode errors = root.putArray("errors");
        ArrayNode warnings = root.putArray("warnings");
        for (Diagnostic d : report.diagnostics()) {
            ObjectNode o = (d.isError() ? errors : warnings).addObject();
            o.put("code", d.code());
            o.put("message", d.message());
            o.set("location", location(d.span()));
            d.hint().ifPresent(h -> o.put("hint", h));
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("findings", results.active().size());
        summary.put("failing", results.active().stream().filter(Results.Result::failing).count());
        summary.put("suppressed", results.suppressed().size());
        summary.put("errors", report.errors().size());
        summary.put("files", report.filesScanned());
        summary.put("documents", report.documentsChecked());
        ObjectNode bySeverity = summary.putObject("bySeverity");
        for (Severity s : Severity.values()) {
            bySeverity.put(s.id(), results.active().stream().filter(r -> r.finding().severity() == s).count());
        }
        summary.put("exitCode", results.exitCode());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain nodes always serializes
        }
    }

    private static ObjectNode finding(Results.Result r) {
        Finding f = r.finding();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("rule", f.ruleId());
        o.put("title", f.title());
        o.put("severity", f.severity().id());
        o.put("threat", f.threat().id());
        o.put("message", f.message());
        o.set("location", location(f.location()));
        ObjectNode resource = resource(f.resource());
        f.part().ifPresent(p -> resource.set("part", resource(p)));
        o.set("resource", resource);
        o.put("fingerprint", r.fingerprint());
        o.put("enforcement", r.enforcement().id());
        o.put("failing", r.failing());
        if (!r.notes().isEmpty()) r.notes().forEach(o.putArray("notes")::add);
        if (!f.trace().isEmpty()) {
            ArrayNode trace = o.putArray("explain");
            for (Finding.TraceEntry t : f.trace()) {
                ObjectNode e = trace.addObject();
                e.put("expression", t.expression());
                e.put("value", t.value());
                if (t.span().isKnown()) e.set("location", location(t.span()));
            }
        }
        return o;
    }

    static ObjectNode location(Span s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("file", s.file());
        o.put("line", s.line());
        o.put("column", s.column());
        o.put("endLine", s.endLine());
        o.put("endColumn", s.endColumn());
        return o;
    }

    private static ObjectNode resource(Resource r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("input", r.input().id());
        o.put("kind", r.kind());
        if (!r.namespace().isEmpty()) o.put("namespace", r.namespace());
        o.put("name", r.name());
        return o;
    }
}
