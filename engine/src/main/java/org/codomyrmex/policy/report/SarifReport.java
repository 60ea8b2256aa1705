package org.codomyrmex.policy.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Fingerprints;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: every loaded rule with its help text, default level and
 * {@code security-severity}; each finding as a result with its region (SARIF end columns are exclusive),
 * a {@code partialFingerprints} entry that survives lines moving, and its suppression if it has one; input and
 * policy errors as tool execution notifications of the invocation. Paths are relative to {@code %SRCROOT%},
 * the working folder, when they can be.
 */
public final class SarifReport {
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    public static final String TOOL_NAME = "codomyrmex-policy";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SarifReport() {
    }

    public static String render(Results results, String toolVersion, Path workingDir) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", TOOL_NAME);
        driver.put("fullName", "Codomyrmex Container Policy");
        driver.put("version", toolVersion);
        if (toolVersion.matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?")) driver.put("semanticVersion", toolVersion);

        Map<String, RuleInfo> known = new java.util.TreeMap<>(results.rules());
        for (Results.Result r : results.results()) known.computeIfAbsent(r.finding().ruleId(), id -> fromFinding(r.finding()));
        Map<String, Integer> index = new HashMap<>();
        ArrayNode ruleNodes = driver.putArray("rules");
        for (RuleInfo rule : known.values()) {
            index.put(rule.id(), index.size());
            ruleNodes.add(rule(rule));
        }
        // Columns count Java chars, which are UTF-16 code units (what GitHub assumes too).
        run.put("columnKind", "utf16CodeUnits");
        String base = workingDir.toAbsolutePath().normalize().toUri().toString();
        run.putObject("originalUriBaseIds").putObject("%SRCROOT%").put("uri", base.endsWith("/") ? base : base + "/");

        ArrayNode out = run.putArray("results");
        for (Results.Result r : results.results()) {
            Finding f = r.finding();
            ObjectNode o = out.addObject();
            o.put("ruleId", f.ruleId());
            o.put("ruleIndex", index.get(f.ruleId()));
            o.put("level", level(f.severity()));
            o.putObject("message").put("text", f.message());
            if (!f.location().file().isEmpty()) {
                ObjectNode location = o.putArray("locations").addObject();
                location.set("physicalLocation", physical(f.location(), workingDir));
                ObjectNode logical = location.putArray("logicalLocations").addObject();
                logical.put("name", f.resource().name().isEmpty() ? f.resource().display() : f.resource().name());
                logical.put("fullyQualifiedName", f.resource().display()
                    + f.part().map(p -> "/" + p.kind() + "/" + p.name()).orElse(""));
                logical.put("kind", "resource");
            }
            o.putObject("partialFingerprints").put(Fingerprints.SARIF_KEY, r.fingerprint());
            r.suppression().ifPresent(s -> {
                ObjectNode sup = o.putArray("suppressions").addObject();
                sup.put("kind", s.kind().sarifKind());
                sup.put("status", "accepted");
                if (!s.justification().isEmpty()) sup.put("justification", s.justification());
                if (s.where().isKnown()) sup.putObject("location").set("physicalLocation", physical(s.where(), workingDir));
            });
            ObjectNode props = o.putObject("properties");
            props.put("severity", f.severity().id());
            props.put("threat", f.threat().id());
            props.put("enforcement", r.enforcement().id());
            props.put("failing", r.failing());
            if (r.suppression().isPresent()) props.put("suppressedBy", r.suppression().get().kind().id());
            if (!r.notes().isEmpty()) r.notes().forEach(props.putArray("notes")::add);
        }

        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", !results.report().hasErrors());
        invocation.put("exitCode", results.exitCode());
        ArrayNode notifications = invocation.putArray("toolExecutionNotifications");
        for (Diagnostic d : results.report().diagnostics()) {
            if (!d.isError()) continue;
            ObjectNode n = notifications.addObject();
            n.put("level", "error");
            n.putObject("message").put("text", d.message() + d.hint().map(h -> " (" + h + ")").orElse(""));
            n.putObject("descriptor").put("id", d.code());
            if (!d.span().file().isEmpty()) n.putArray("locations").addObject().set("physicalLocation", physical(d.span(), workingDir));
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SARIF levels: GitHub shows error, warning and note; security-severity ranks within them. */
    static String level(Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO -> "note";
        };
    }

    /** GitHub's scale: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low, 0 none. */
    static String securitySeverity(Severity s) {
        return switch (s) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "3.0";
            case INFO -> "0.0";
        };
    }

    private static ObjectNode rule(RuleInfo rule) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", rule.id());
        o.put("name", pascal(rule.title()));
        o.putObject("shortDescription").put("text", rule.title());
        o.putObject("fullDescription").put("text", rule.description().isEmpty() ? rule.title() : rule.description());
        ObjectNode help = o.putObject("help");
        help.put("text", helpText(rule));
        help.put("markdown", helpMarkdown(rule));
        o.putObject("defaultConfiguration").put("level", level(rule.severity()));
        ObjectNode props = o.putObject("properties");
        // SARIF wants the tags distinct.
        java.util.Set<String> tags = new java.util.LinkedHashSet<>(List.of("security", rule.threat().id()));
        tags.addAll(rule.tags());
        tags.forEach(props.putArray("tags")::add);
        props.put("security-severity", securitySeverity(rule.severity()));
        props.put("precision", "high");
        props.put("problem.severity", level(rule.severity()).equals("note") ? "recommendation" : level(rule.severity()));
        return o;
    }

    static String helpText(RuleInfo rule) {
        StringBuilder sb = new StringBuilder(rule.title()).append(" (").append(rule.severity().id()).append(", ")
            .append(rule.threat().title()).append(")");
        if (!rule.description().isEmpty()) sb.append("\n\n").append(rule.description());
        if (!rule.remediation().isEmpty()) sb.append("\n\nRemediation: ").append(rule.remediation());
        if (!rule.references().isEmpty()) sb.append("\n\nReferences: ").append(String.join("; ", rule.references()));
        return sb.toString();
    }

    static String helpMarkdown(RuleInfo rule) {
        StringBuilder sb = new StringBuilder("**").append(rule.title()).append("** (").append(rule.severity().id())
            .append(", ").append(rule.threat().title()).append(")");
        if (!rule.description().isEmpty()) sb.append("\n\n").append(rule.description());
        if (!rule.remediation().isEmpty()) sb.append("\n\n**Remediation:** ").append(rule.remediation());
        if (!rule.references().isEmpty()) {
            sb.append("\n\n**References:**\n");
            rule.references().forEach(r -> sb.append("\n- ").append(r));
        }
        sb.append("\n\nSee `policy explain ").append(rule.id()).append("`.");
        return sb.toString();
    }

    /** A rule the report has no metadata for (a finding from elsewhere), described by what its finding says. */
    private static RuleInfo fromFinding(Finding f) {
        return new RuleInfo(f.ruleId(), f.title(), f.severity(), f.threat(), java.util.Set.of(), List.of(), List.of(), "", "",
            List.of(), "", Span.NONE);
    }

    private static String pascal(String title) {
        StringBuilder sb = new StringBuilder();
        for (String word : title.split("[^A-Za-z0-9]+")) {
            if (word.isEmpty()) continue;
            sb.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return sb.length() == 0 ? "Rule" : sb.toString();
    }

    private static ObjectNode physical(Span s, Path workingDir) {
        ObjectNode p = MAPPER.createObjectNode();
        ObjectNode artifact = p.putObject("artifactLocation");
        java.util.Optional<ArchiveMember> member = ArchiveMember.of(s.file());
        if (member.isPresent()) {
            // The archive is the file in the repository; lines of a file inside it are no lines of the archive.
            uri(member.get().archive(), workingDir, artifact);
            p.putObject("region").put("startLine", 1);
            p.putObject("properties").put("archiveMember", member.get().path());
            return p;
        }
        uri(s.file(), workingDir, artifact);
        if (s.isKnown()) {
            ObjectNode region = p.putObject("region");
            region.put("startLine", s.line());
            region.put("startColumn", Math.max(1, s.column()));
            boolean oneLine = s.endLine() <= s.line();
            region.put("endLine", oneLine ? s.line() : s.endLine());
            // SARIF end columns are one past the last character; ours include it. On a later line the end column
            // is that line's, and may well be left of the start column.
            region.put("endColumn", (oneLine ? Math.max(s.endColumn(), s.column()) : Math.max(0, s.endColumn())) + 1);
        }
        return p;
    }

    /** A relative path becomes a relative URI against %SRCROOT%; an absolute one inside it too, else a file: URI. */
    static void uri(String file, Path workingDir, ObjectNode artifact) {
        if (file.equals("-")) {
            // Standard input has no location; a relative reference without a base says no more than its name.
            // `policy check --stdin-filename PATH` names the file it stands for instead.
            artifact.put("uri", "stdin");
            artifact.putObject("description").put("text", "standard input");
            return;
        }
        try {
            Path p = Path.of(file);
            Path base = workingDir.toAbsolutePath().normalize();
            Path abs = p.toAbsolutePath().normalize();
            if (abs.startsWith(base)) {
                artifact.put("uri", relativeUri(base.relativize(abs)));
                artifact.put("uriBaseId", "%SRCROOT%");
            } else {
                artifact.put("uri", abs.toUri().toString());
            }
        } catch (java.nio.file.InvalidPathException e) {
            // A name the platform cannot hold as a path (a non-ASCII one when the JVM runs without a UTF-8 locale,
            // as under `env -i`): the same URIs, from the text.
            String base = workingDir.toAbsolutePath().normalize().toString();
            boolean absolute = file.startsWith("/");
            String relative = !absolute ? file : file.startsWith(base + "/") ? file.substring(base.length() + 1) : null;
            if (relative != null) {
                artifact.put("uri", encodePath(relative));
                artifact.put("uriBaseId", "%SRCROOT%");
            } else {
                artifact.put("uri", "file://" + encodePath(file));
            }
        }
    }

    private static String encodePath(String path) {
        return String.join("/", java.util.Arrays.stream(path.split("/", -1)).map(SarifReport::encode).toList());
    }

    private static String relativeUri(Path relative) {
        List<String> parts = new ArrayList<>();
        for (Path segment : relative) parts.add(encode(segment.toString()));
        return String.join("/", parts);
    }

    /**
     * One path segment as RFC 3986 wants it in a URI: every UTF-8 byte outside the unreserved characters and
     * the sub-delimiters percent-encoded (so a space, a '%', a ':' or a non-ASCII letter such as 'ü' too: a URI
     * holds ASCII only, and SARIF's uri is a URI).
     */
    static String encode(String segment) {
        StringBuilder sb = new StringBuilder();
        for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+,;=@".indexOf(c) >= 0;
            if (plain) sb.append((char) c);
            else sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return sb.toString();
    }

    /**
     * A file inside an image archive, as the image loader names it: {@code app.tar!/manifest.json}. Code scanning
     * and annotations can only place a finding on a file of the repository, which is the archive.
     */
    record ArchiveMember(String archive, String path) {
        static java.util.Optional<ArchiveMember> of(String file) {
            int bang = file.indexOf("!/");
            while (bang > 0) {
                String archive = file.substring(0, bang);
                try {
                    if (java.nio.file.Files.isRegularFile(Path.of(archive))) return java.util.Optional.of(new ArchiveMember(archive, file.substring(bang + 2)));
                } catch (java.nio.file.InvalidPathException e) {
                    return java.util.Optional.empty();
                }
                bang = file.indexOf("!/", bang + 2);
            }
            return java.util.Optional.empty();
        }
    }
}
