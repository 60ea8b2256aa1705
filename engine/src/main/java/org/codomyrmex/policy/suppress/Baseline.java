package org.codomyrmex.policy.suppress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.IoReason;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.json.JsonLoader;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.report.Results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * Reads a baseline. Every mistake is a located error: text that is not JSON, a file that is not a baseline, and
     * each entry without a fingerprint (it would otherwise be dropped, and its finding fail the run without a
     * word); the entries that could be read still apply.
     */
    public static Read read(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | java.io.UncheckedIOException e) {
            String why = e instanceof IOException io ? IoReason.of(io) : IoReason.of(((java.io.UncheckedIOException) e).getCause());
            return new Read(Optional.empty(), List.of(Diagnostic.error("B0001", "cannot read baseline: " + why,
                Span.of(name, 0, 0))));
        }
        JsonLoader.Result json = JsonLoader.load(name, bytes, JsonLoader.Options.defaults());
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Diagnostic d : json.diagnostics()) {
            if (d.isError()) diagnostics.add(Diagnostic.error("B0003", "baseline is not valid JSON: " + d.message(), d.span()));
        }
        if (!diagnostics.isEmpty()) return new Read(Optional.empty(), diagnostics);
        Value root = json.value().orElse(null);
        Value list = root instanceof Value.MapV m ? m.entries().get("findings") : null;
        if (!(list instanceof Value.ListV items)) {
            Span at = list != null ? list.span() : root != null ? root.span() : Span.of(name, 1, 1);
            return new Read(Optional.empty(), List.of(Diagnostic.error("B0002",
                "not a baseline: expected {\"findings\": [{\"fingerprint\": ...}]}", at.isKnown() ? at : Span.of(name, 1, 1),
                "write one with policy check --write-baseline FILE")));
        }
        Set<String> fps = new LinkedHashSet<>();
        for (Value item : items.items()) {
            Value fp = item instanceof Value.MapV entry ? entry.entries().get("fingerprint") : null;
            if (fp instanceof Value.Str s && !s.value().isBlank()) {
                fps.add(s.value());
            } else {
                Span at = fp != null ? fp.span() : item.span();
                diagnostics.add(Diagnostic.error("B0004", "a baseline entry has no fingerprint: its finding is not accepted",
                    at.isKnown() ? at : Span.of(name, 1, 1), "each entry is {\"fingerprint\": \"...\"}; regenerate with --write-baseline FILE"));
            }
        }
        return new Read(Optional.of(new Baseline(fps)), diagnostics);
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
