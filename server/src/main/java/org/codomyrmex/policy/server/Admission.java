package org.codomyrmex.policy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.Exemption;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.model.Finding;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Kubernetes {@code AdmissionReview} v1 for a validating webhook: reads the review the API server sends, checks
 * the object, and writes the answer. Denies on findings at or above the enforcement threshold with a message
 * listing the rules; lower findings, and those of rules the project config makes advisory, become warnings;
 * findings the project config's exceptions hide neither deny nor warn (the audit log keeps them); audit mode
 * never denies; exempt namespaces, users and groups are allowed unchecked; on an internal error the answer
 * follows the failure mode.
 */
public final class Admission {
    /** Reads a body as one JSON value: text after it (a second review, garbage) makes it no JSON, not ignored. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Kubernetes truncates longer warnings; we keep them short and few. */
    static final int MAX_WARNING_CHARS = 256;
    static final int MAX_WARNINGS = 20;
    /**
     * The API server ignores warnings beyond 4096 characters in all, without a word: the answer stays within it,
     * with room kept for the note that says how many findings were left out.
     */
    static final int MAX_WARNINGS_TOTAL_CHARS = 4096;
    private static final int NOTE_CHARS = 40;
    static final int MAX_LISTED = 20;
    private static final Set<String> CHECKED_OPERATIONS = Set.of("CREATE", "UPDATE");

    /** Runs a check; the server gives one that enforces the timeout. */
    @FunctionalInterface
    public interface Checker {
        /** Checks one Kubernetes object given as JSON text named {@code name}. */
        Report check(PolicyEngine engine, String name, String json) throws Exception;
    }

    /** An HTTP answer: status and JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    private final Metrics metrics;
    private final Consumer<String> auditLog;
    private final Consumer<String> serverLog;
    private final boolean failOpen;

    /**
     * @param metrics  where decisions, findings and errors are counted
     * @param auditLog receives one JSON line per checked request with findings (not for dry runs)
     * @param failOpen allow (true) or deny (false) when the object cannot be checked
     */
    public Admission(Metrics metrics, Consumer<String> auditLog, boolean failOpen) {
        this(metrics, auditLog, line -> { }, failOpen);
    }

    /**
     * @param serverLog receives the details of internal errors, which the answer only names: Java exception text
     *                  is for the operator, not for whoever creates the object
     */
    public Admission(Metrics metrics, Consumer<String> auditLog, Consumer<String> serverLog, boolean failOpen) {
        this.metrics = metrics;
        this.auditLog = auditLog;
        this.serverLog = serverLog;
        this.failOpen = failOpen;
    }

    /** The answer to a request body; 400 when it is not an AdmissionReview v1 with a request uid. */
    public Answer review(byte[] body, PolicyStore.Loaded loaded, Checker checker) {
        JsonNode review;
        try {
            review = MAPPER.readTree(body);
        } catch (IOException e) {
            return badRequest("the body is not JSON: " + firstLine(e.getMessage()));
        }
        if (review == null || !review.isObject()) return badRequest("the body is not a JSON object");
        if (!"AdmissionReview".equals(review.path("kind").asText())) return badRequest("kind is not AdmissionReview");
        if (!"admission.k8s.io/v1".equals(review.path("apiVersion").asText())) {
            return badRequest("apiVersion is not admission.k8s.io/v1 (set admissionReviewVersions: [v1])");
        }
        JsonNode request = review.path("request");
        String uid = request.path("uid").asText("");
        if (!request.isObject() || uid.isEmpty()) return badRequest("request.uid is missing");
        return new Answer(200, respond(uid, decide(request, loaded, checker)));
    }

    /** The response part of an AdmissionReview. */
    record Decision(boolean allowed, int code, String message, List<String> warnings, ObjectNode auditAnnotations) {
        static Decision allow() {
            return new Decision(true, 200, "", List.of(), MAPPER.createObjectNode());
        }
    }

    private Decision decide(JsonNode request, PolicyStore.Loaded loaded, Checker checker) {
        boolean dryRun = request.path("dryRun").asBoolean(false);
        String operation = request.path("operation").asText("");
        String subResource = request.path("subResource").asText("");
        if (!CHECKED_OPERATIONS.contains(operation) || !(subResource.isEmpty() || subResource.equals("ephemeralcontainers"))) {
            metrics.decision("skipped", dryRun); // deletes, connects, status and scale updates carry no spec to check
            return Decision.allow();
        }
        WebhookSettings settings = loaded.settings();
        String namespace = request.path("namespace").asText("");
        String user = request.path("userInfo").path("username").asText("");
        boolean exemptGroup = false;
        for (JsonNode g : request.path("userInfo").path("groups")) exemptGroup |= settings.exemptGroups().contains(g.asText());
        if (settings.exemptNamespaces().contains(namespace) || settings.exemptUsers().contains(user) || exemptGroup) {
            metrics.decision("exempt", dryRun);
            return Decision.allow();
        }
        JsonNode object = request.path("object");
        String display = display(request, object);
        if (!object.isObject()) return failure(display, "the request has no object", dryRun, "internal");
        ObjectNode copy = object.deepCopy();
        // Objects being created often have no namespace yet; the request names it, and findings should too.
        if (!namespace.isEmpty() && copy.path("metadata").isObject() && !copy.path("metadata").has("namespace")) {
            ((ObjectNode) copy.get("metadata")).put("namespace", namespace);
        }
        Report report;
        String name = display.replace(' ', '/') + ".json";
        try {
            report = checker.check(loaded.engine(), name, PRETTY.writeValueAsString(copy));
        } catch (java.util.concurrent.TimeoutException e) {
            return failure(display, "the check took longer than the timeout", dryRun, "timeout");
        } catch (Exception e) {
            serverLog.accept("policy serve: internal error checking " + display + " (uid " + request.path("uid").asText() + "): " + e);
            return failure(display, "an internal error; the webhook's log has the details", dryRun, "internal");
        }
        if (report.hasErrors()) {
            Diagnostic first = report.errors().get(0);
            return failure(display, first.code() + " " + first.message() + " at " + first.span(), dryRun, "internal");
        }
        if (report.documentsChecked() == 0) {
            // The loader skips, with a warning, what is no Kubernetes object (no apiVersion or kind as strings); no
            // rule ran, so the object was not checked, and that is a failure, not a silent allow.
            String why = report.diagnostics().stream().findFirst().map(d -> d.code() + " " + d.message() + " at " + d.span())
                .orElse("it is not a Kubernetes object");
            return failure(display, why, dryRun, "internal");
        }
        LocalDate today = LocalDate.now();
        List<Judged> judged = new ArrayList<>();
        for (Finding f : report.findings()) {
            Exemption.Lookup exception = loaded.exceptionFor(f, today);
            // As policy check --fail-on <enforce> without --soft-fail: advisory rules warn, soft and hard ones deny.
            boolean denies = exception.hiding().isEmpty() && f.severity().atLeast(settings.enforce())
                && loaded.config().enforcementOf(f.ruleId()).fails(false);
            judged.add(new Judged(f, exception, denies));
        }
        List<Judged> shown = judged.stream().filter(j -> j.exception().hiding().isEmpty()).toList();
        List<Judged> excepted = judged.stream().filter(j -> j.exception().hiding().isPresent()).toList();
        shown.forEach(j -> metrics.finding(j.finding().ruleId(), j.finding().severity().id()));
        excepted.forEach(j -> metrics.excepted(j.finding().ruleId()));
        List<Judged> wouldDeny = shown.stream().filter(Judged::denies).toList();
        List<Judged> denying = settings.audit() ? List.of() : wouldDeny;
        List<Judged> warning = new ArrayList<>(shown.stream().filter(j -> settings.audit() || !j.denies()).toList());
        ObjectNode annotations = MAPPER.createObjectNode();
        if (!shown.isEmpty()) annotations.put("findings", ruleIds(shown));
        if (!excepted.isEmpty()) annotations.put("excepted", ruleIds(excepted));
        if (settings.audit() && !wouldDeny.isEmpty()) annotations.put("would-deny", ruleIds(wouldDeny));
        if (!dryRun && !judged.isEmpty()) audit(request, display, denying.isEmpty(), settings.audit(), report, judged);
        // Most severe first: when there are more than fit, the ones left out are the least important.
        warning.sort(java.util.Comparator.comparing(j -> j.finding().severity()));
        List<String> warnings = warnings(warning);
        if (denying.isEmpty()) {
            metrics.decision("allowed", dryRun);
            return new Decision(true, 200, "", warnings, annotations);
        }
        metrics.decision("denied", dryRun);
        StringBuilder message = new StringBuilder(display).append(" is denied by policy: ");
        for (int i = 0; i < Math.min(denying.size(), MAX_LISTED); i++) {
            if (i > 0) message.append("; ");
            message.append(describe(denying.get(i)));
        }
        if (denying.size() > MAX_LISTED) message.append("; and ").append(denying.size() - MAX_LISTED).append(" more");
        return new Decision(false, 403, message.toString(), warnings, annotations);
    }

    /**
     * A finding under admission: what the project config's exceptions say about it, and whether it denies the
     * request (outside audit mode).
     */
    private record Judged(Finding finding, Exemption.Lookup exception, boolean denies) {
    }

    /**
     * {@code [ESC-001 critical] message (at 32:24)}, with the note of each exception that expired, so whoever is
     * denied learns why a finding that used to pass is back.
     */
    private static String describe(Judged j) {
        Finding f = j.finding();
        StringBuilder sb = new StringBuilder().append('[').append(f.ruleId()).append(' ').append(f.severity().id()).append("] ")
            .append(f.message()).append(" (at ").append(f.location().line()).append(':').append(f.location().column());
        j.exception().expired().forEach(e -> sb.append("; ").append(e.expiryNote()));
        return sb.append(')').toString();
    }

    private Decision failure(String display, String reason, boolean dryRun, String kind) {
        metrics.error(kind);
        metrics.decision("error", dryRun);
        if (failOpen) {
            return new Decision(true, 200, "", List.of(truncate("policy: " + display + " was not checked (" + reason
                + "); allowed because the webhook fails open")), MAPPER.createObjectNode());
        }
        return new Decision(false, 500, "policy: " + display + " could not be checked (" + reason
            + "); denied because the webhook fails closed", List.of(), MAPPER.createObjectNode());
    }

    private static List<String> warnings(List<Judged> findings) {
        List<String> out = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < findings.size(); i++) {
            String warning = truncate(describe(findings.get(i)));
            boolean last = i == findings.size() - 1;
            int length = warning.codePointCount(0, warning.length());
            if (!last && (out.size() == MAX_WARNINGS - 1 || total + length + NOTE_CHARS > MAX_WARNINGS_TOTAL_CHARS)
                || last && total + length > MAX_WARNINGS_TOTAL_CHARS) {
                out.add("policy: and " + (findings.size() - i) + " more findings");
                break;
            }
            out.add(warning);
            total += length;
        }
        return out;
    }

    /**
     * One line of at most {@link #MAX_WARNING_CHARS} characters (code points, as the API server counts): it cuts a
     * warning at its first line break, so a value with one in a message would lose the rest of the warning.
     */
    static String truncate(String s) {
        String line = s.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (line.codePointCount(0, line.length()) <= MAX_WARNING_CHARS) return line;
        return line.substring(0, line.offsetByCodePoints(0, MAX_WARNING_CHARS - 3)) + "...";
    }

    private static String ruleIds(List<Judged> findings) {
        return findings.stream().map(j -> j.finding().ruleId()).distinct().sorted().collect(Collectors.joining(","));
    }

    /** {@code Pod shop/web}: kind, namespace and name (or generateName) of the object under review. */
    static String display(JsonNode request, JsonNode object) {
        String kind = request.path("kind").path("kind").asText(object.path("kind").asText("object"));
        String name = request.path("name").asText("");
        if (name.isEmpty()) name = object.path("metadata").path("name").asText("");
        if (name.isEmpty()) name = object.path("metadata").path("generateName").asText("") + "*";
        String namespace = request.path("namespace").asText("");
        return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    /** The audit log line; {@code judged} are the report's findings, in its order. */
    private void audit(JsonNode request, String display, boolean allowed, boolean auditMode, Report report, List<Judged> judged) {
        List<String> fingerprints = report.fingerprints();
        ObjectNode line = MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("uid", request.path("uid").asText());
        line.put("operation", request.path("operation").asText());
        line.put("object", display);
        line.put("user", request.path("userInfo").path("username").asText(""));
        line.put("allowed", allowed);
        line.put("audit", auditMode);
        ArrayNode list = line.putArray("findings");
        for (int i = 0; i < judged.size(); i++) {
            Finding f = judged.get(i).finding();
            ObjectNode o = list.addObject();
            o.put("rule", f.ruleId());
            o.put("severity", f.severity().id());
            o.put("message", f.message());
            o.put("line", f.location().line());
            o.put("column", f.location().column());
            o.put("fingerprint", fingerprints.get(i));
            // Accepted risks stay on record: which exception hid the finding, or which ones expired.
            judged.get(i).exception().hiding().ifPresent(e -> o.put("exception", e.reason()));
            if (!judged.get(i).exception().expired().isEmpty()) {
                ArrayNode notes = o.putArray("notes");
                judged.get(i).exception().expired().forEach(e -> notes.add(e.expiryNote()));
            }
        }
        auditLog.accept(line.toString());
    }

    private static ObjectNode respond(String uid, Decision d) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("apiVersion", "admission.k8s.io/v1");
        root.put("kind", "AdmissionReview");
        ObjectNode response = root.putObject("response");
        response.put("uid", uid);
        response.put("allowed", d.allowed());
        if (!d.allowed()) {
            ObjectNode status = response.putObject("status");
            status.put("code", d.code());
            // Kubernetes' StatusReason for each code the webhook answers with.
            status.put("reason", switch (d.code()) {
                case 403 -> "Forbidden";
                case 503 -> "ServiceUnavailable";
                default -> "InternalError";
            });
            status.put("message", d.message());
        }
        if (!d.warnings().isEmpty()) {
            ArrayNode w = response.putArray("warnings");
            d.warnings().forEach(w::add);
        }
        if (!d.auditAnnotations().isEmpty()) response.set("auditAnnotations", d.auditAnnotations());
        return root;
    }

    /**
     * The answer when the server cannot check a request at all (overloaded): an AdmissionReview following the
     * failure mode when the uid can be read, else 503.
     */
    public Answer unavailable(byte[] body, String reason) {
        metrics.error("overload");
        String uid = "";
        JsonNode request = MAPPER.createObjectNode();
        try {
            JsonNode review = MAPPER.readTree(body);
            if (review != null) {
                request = review.path("request");
                uid = request.path("uid").asText("");
            }
        } catch (IOException e) {
            uid = "";
        }
        if (uid.isEmpty()) return error(503, reason);
        metrics.decision("error", request.path("dryRun").asBoolean(false));
        String display = display(request, request.path("object"));
        Decision d = failOpen
            ? new Decision(true, 200, "", List.of(truncate("policy: " + display + " was not checked (" + reason + "); allowed because the webhook fails open")), MAPPER.createObjectNode())
            : new Decision(false, 503, "policy: " + display + " could not be checked (" + reason + "); denied because the webhook fails closed", List.of(), MAPPER.createObjectNode());
        return new Answer(200, respond(uid, d));
    }

    private Answer badRequest(String message) {
        metrics.error("bad_request");
        return error(400, message);
    }

    /** A JSON error body: {@code {"error": message}}. */
    static Answer error(int status, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", message);
        return new Answer(status, o);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // plain trees always serialize
        }
    }
}
