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

/**
 * The JSON format ({@code docs/json-report.md}):
 * {@code {"findings":[{"rule","severity","threat","message","location":{...},"resource":{...}}],"errors":[...],
 * "summary":{...}}}. Errors are never dropped: every error diagnostic is in {@code errors}.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode findings = root.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode o = findings.addObject();
            o.put("rule", f.ruleId());
            o.put("title", f.title());
            o.put("severity", f.severity().id());
            o.put("threat", f.threat().id());
            o.put("message", f.message());
            o.set("location", location(f.location()));
            ObjectNode resource = resource(f.resource());
            f.part().ifPresent(p -> resource.set("part", resource(p)));
            o.set("resource", resource);
            o.put("fingerprint", Report.fingerprint(f));
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
        summary.put("findings", report.findings().size());
        summary.put("errors", report.errors().size());
        summary.put("files", report.filesScanned());
        summary.put("documents", report.documentsChecked());
        ObjectNode bySeverity = summary.putObject("bySeverity");
        for (Severity s : Severity.values()) bySeverity.put(s.id(), report.countBySeverity().get(s));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain nodes always serializes
        }
    }

    private static ObjectNode location(Span s) {
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
