package org.codomyrmex.policy.suppress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.report.Results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The findings a project has accepted for now ({@code policy check --write-baseline FILE}); with
 * {@code --baseline FILE} only findings not in it fail a run. Findings are matched by fingerprint, so they stay
 * matched when lines move. The file is JSON; rule, file, line and message are there for people reading it.
 */
public record Baseline(Set<String> fingerprints) {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Baseline {
        fingerprints = Set.copyOf(fingerprints);
    }

    public boolean contains(String fingerprint) {
        return fingerprints.contains(fingerprint);
    }

    public record Read(Optional<Baseline> baseline, List<Diagnostic> diagnostics) {
    }

    public static Read read(Path file) {
        Span at = Span.of(file.toString(), 1, 1);
        try {
            JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            JsonNode list = root == null ? null : root.get("findings");
            if (list == null || !list.isArray()) {
                return new Read(Optional.empty(), List.of(Diagnostic.error("B0002",
                    "not a baseline: expected {\"findings\": [{\"fingerprint\": ...}]}", at,
                    "write one with policy check --write-baseline FILE")));
            }
            Set<String> fps = new LinkedHashSet<>();
            for (JsonNode f : list) {
                JsonNode fp = f.get("fingerprint");
                if (fp != null && fp.isTextual()) fps.add(fp.asText());
            }
            return new Read(Optional.of(new Baseline(fps)), List.of());
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            int col = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getColumnNr());
            return new Read(Optional.empty(), List.of(Diagnostic.error("B0003", "baseline is not valid JSON: "
                + e.getOriginalMessage(), Span.of(file.toString(), line, col))));
        } catch (IOException | java.io.UncheckedIOException e) {
            return new Read(Optional.empty(), List.of(Diagnostic.error("B0001", "cannot read baseline: " + e.getMessage(),
                Span.of(file.toString(), 0, 0))));
        }
    }

    /** The baseline of a run: every finding it reports, suppressed ones included, so they stay quiet too. */
    public static String render(Results results) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", 1);
        ArrayNode list = root.putArray("findings");
        for (Results.Result r : results.results()) {
            ObjectNode o = list.addObject();
            o.put("fingerprint", r.fingerprint());
            o.put("rule", r.finding().ruleId());
            o.put("file", r.finding().location().file());
            o.put("line", r.finding().location().line());
            o.put("message", r.finding().message());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
