package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission decisions without HTTP: modes, exemptions, failures, and where findings point. */
class AdmissionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = """
        package t

        rule T-CRIT "Privileged" {
          severity critical
          threat container-escape
          for c in containers
          where c.privileged == true
          report "container {c.name} runs privileged" at c.privileged
        }

        rule T-MED "Mutable tag" {
          severity medium
          threat image-security
          for c in containers
          where not contains(c.image, "@sha256:")
          report "container {c.name} uses a mutable image reference" at c.image
        }
        """;
    static final Admission.Checker DIRECT = (engine, name, json) -> engine.check(name, json, InputKind.KUBERNETES);

    final Metrics metrics = new Metrics();
    final List<String> audit = new ArrayList<>();

    /**
     * As {@link PolicyStore} loads them, without a project config: rule switches and severity overrides act
     * through the engine's hook.
     */
    static PolicyStore.Loaded loaded(WebhookSettings settings) {
        PolicyConfig none = PolicyConfig.defaults(Path.of("").toAbsolutePath());
        PolicyEngine built = PolicyEngine.builder().standardLibrary(false).addPolicySource("t.policy", POLICY).build();
        assertFalse(built.hasPolicyErrors(), built.policyDiagnostics().toString());
        PolicyEngine engine = built.withFindingHook(PolicyStore.findingHook(none, settings, built.rules()));
        return new PolicyStore.Loaded(engine, settings, none, 1, Instant.now(), "");
    }

    static WebhookSettings settings(String yaml) {
        WebhookSettings.Parsed p = WebhookSettings.parse("webhook.yaml", yaml);
        assertTrue(p.ok(), p.diagnostics().toString());
        return p.settings();
    }

    static byte[] fixture(String name) throws Exception {
        return WebhookServerTest.fixture(name).getBytes(StandardCharsets.UTF_8);
    }

    JsonNode review(boolean failOpen, byte[] body, WebhookSettings settings, Admission.Checker checker) {
        Admission.Answer a = new Admission(metrics, audit::add, failOpen).review(body, loaded(settings), checker);
        assertEquals(200, a.status(), a.body().toString());
        return a.body().get("response");
    }

    @Test
    void findingsPointIntoTheObjectsJson() throws Exception {
        JsonNode r = review(false, fixture("privileged-pod.json"), WebhookSettings.defaults(), DIRECT);
        String message = r.at("/status/message").asText();
        // The object is checked as pretty-printed JSON (namespace filled in from the request when missing).
        JsonNode object = JSON.readTree(fixture("privileged-pod.json")).at("/request/object");
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(object);
        String[] lines = pretty.split("\n", -1);
        int line = 0;
        for (int i = 0; i < lines.length; i++) if (lines[i].contains("\"privileged\" : true")) line = i + 1;
        int column = lines[line - 1].indexOf("true") + 1;
        assertTrue(message.contains("[T-CRIT critical] container shell runs privileged (at " + line + ":" + column + ")"), message);
    }

    /** A review of {@code kind} whose pod template (wherever the kind keeps it) has a privileged container. */
    static byte[] reviewOf(String group, String kind, String resource, String operation) throws Exception {
        var pod = JSON.createObjectNode();
        var spec = pod.putObject("spec");
        var container = spec.putArray("containers").addObject();
        container.put("name", "app");
        container.put("image", "registry.example.com/app@sha256:" + "a".repeat(64));
        container.putObject("securityContext").put("privileged", true);
        var object = JSON.createObjectNode();
        object.put("apiVersion", group.isEmpty() ? "v1" : group + "/v1");
        object.put("kind", kind);
        object.putObject("metadata").put("name", "w");
        switch (kind) {
            case "Pod" -> object.set("spec", spec);
            case "CronJob" -> object.putObject("spec").putObject("jobTemplate").putObject("spec").set("template", pod);
            case "PodTemplate" -> object.set("template", pod);
            default -> object.putObject("spec").set("template", pod);
        }
        var review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        var request = review.putObject("request");
        request.put("uid", "u-" + kind);
        request.putObject("kind").put("group", group).put("version", "v1").put("kind", kind);
        request.putObject("resource").put("group", group).put("version", "v1").put("resource", resource);
        request.put("name", "w");
        request.put("namespace", "apps");
        request.put("operation", operation);
        request.putObject("userInfo").put("username", "dev");
        request.set("object", object);
        request.put("dryRun", false);
        return JSON.writeValueAsBytes(review);
    }

    @Test
    void everyPodBearingKindIsCheckedOnCreateAndUpdate() throws Exception {
        String[][] kinds = {{"", "Pod", "pods"}, {"apps", "Deployment", "deployments"}, {"apps", "StatefulSet", "statefulsets"},
            {"apps", "DaemonSet", "daemonsets"}, {"apps", "ReplicaSet", "replicasets"}, {"", "ReplicationController", "replicationcontrollers"},
            {"batch", "Job", "jobs"}, {"batch", "CronJob", "cronjobs"}, {"", "PodTemplate", "podtemplates"}};
        for (String[] k : kinds) {
            for (String operation : List.of("CREATE", "UPDATE")) {
                JsonNode r = review(false, reviewOf(k[0], k[1], k[2], operation), WebhookSettings.defaults(), DIRECT);
                assertFalse(r.get("allowed").asBoolean(), k[1] + " " + operation + ": " + r);
                assertTrue(r.at("/status/message").asText().startsWith(k[1] + " apps/w is denied by policy: [T-CRIT critical] container app runs privileged"),
                    r.toString());
            }
        }
    }

    @Test
    void thresholdDecidesBetweenDenialAndWarnings() throws Exception {
        JsonNode atMedium = review(false, fixture("deployment-update.json"), settings("enforce: medium"), DIRECT);
        assertFalse(atMedium.get("allowed").asBoolean());
        String message = atMedium.at("/status/message").asText();
        assertTrue(message.contains("[T-CRIT critical]") && message.contains("[T-MED medium]"), message);

        JsonNode atHigh = review(false, fixture("deployment-update.json"), settings("enforce: high"), DIRECT);
        assertFalse(atHigh.get("allowed").asBoolean());
        assertEquals(2, atHigh.get("warnings").size(), atHigh.toString()); // one mutable tag per container
        assertTrue(atHigh.get("warnings").get(0).asText().startsWith("[T-MED medium] container api uses a mutable image reference"));

        JsonNode offRule = review(false, fixture("deployment-update.json"), settings("disabledRules: [T-CRIT]"), DIRECT);
        assertTrue(offRule.get("allowed").asBoolean(), offRule.toString());
        JsonNode lowered = review(false, fixture("deployment-update.json"), settings("severities: {T-CRIT: low}"), DIRECT);
        assertTrue(lowered.get("allowed").asBoolean(), lowered.toString());
        assertEquals(3, lowered.get("warnings").size());
    }

    /** A pod whose containers are named {@code names}, each with a mutable image (one T-MED warning each). */
    static byte[] podWithContainers(List<String> names) throws Exception {
        List<Map<String, Object>> containers = new ArrayList<>();
        for (String n : names) containers.add(Map.of("name", n, "image", "nginx:1.27"));
        Map<String, Object> review = Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
            "request", Map.of("uid", "u-warn", "operation", "CREATE", "namespace", "shop", "kind", Map.of("kind", "Pod"),
                "object", Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", "many"),
                    "spec", Map.of("containers", containers))));
        return JSON.writeValueAsBytes(review);
    }

    /**
     * The API server ignores warnings past 4096 characters in all: twenty long warnings lost the last ones and
     * the note saying how many were left out. It also cuts each warning at its first line break.
     */
    @Test
    void warningsStayWithinTheApiServersLimits() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) names.add("c" + i + "-" + "x".repeat(230));
        JsonNode r = review(false, podWithContainers(names), settings("enforce: high"), DIRECT);
        assertTrue(r.get("allowed").asBoolean(), r.toString());
        int total = 0;
        for (JsonNode w : r.get("warnings")) {
            String text = w.asText();
            assertTrue(text.codePointCount(0, text.length()) <= Admission.MAX_WARNING_CHARS, text);
            total += text.codePointCount(0, text.length());
        }
        assertTrue(total <= Admission.MAX_WARNINGS_TOTAL_CHARS, "warnings of " + total + " characters: " + r.get("warnings"));
        String note = r.get("warnings").get(r.get("warnings").size() - 1).asText();
        int shown = r.get("warnings").size() - 1;
        assertEquals("policy: and " + (20 - shown) + " more findings", note);

        JsonNode broken = review(false, podWithContainers(List.of("a\nb")), settings("enforce: high"), DIRECT);
        assertEquals("[T-MED medium] container a b uses a mutable image reference", broken.get("warnings").get(0).asText().replaceAll(" \\(at .*", ""));
    }

    @Test
    void auditModeNeverDeniesButSaysWhatItWouldDeny() throws Exception {
        JsonNode r = review(false, fixture("privileged-pod.json"), settings("audit: true"), DIRECT);
        assertTrue(r.get("allowed").asBoolean());
        assertEquals("T-CRIT", r.at("/auditAnnotations/would-deny").asText());
        assertTrue(r.get("warnings").get(0).asText().startsWith("[T-CRIT critical]"), r.toString());
        assertEquals(1, audit.size());
        JsonNode line = JSON.readTree(audit.get(0));
        assertTrue(line.get("allowed").asBoolean());
        assertTrue(line.get("audit").asBoolean());
        assertEquals("alice@example.com", line.get("user").asText());
    }

    @Test
    void suppressionAnnotationsDoNotBypassAdmission() throws Exception {
        // Whoever may create the object could write the annotation; exemptions belong to the webhook's settings.
        String review = WebhookServerTest.with(WebhookServerTest.fixture("privileged-pod.json"), "/request/object/metadata/annotations",
            Map.of("policy.codomyrmex.org/ignore", "T-CRIT we need it"));
        JsonNode r = review(false, review.getBytes(StandardCharsets.UTF_8), WebhookSettings.defaults(), DIRECT);
        assertFalse(r.get("allowed").asBoolean(), r.toString());
    }

    @Test
    void exemptUsersAreAllowedUnchecked() throws Exception {
        WebhookSettings s = settings("exemptUsers: [alice@example.com]");
        JsonNode r = review(false, fixture("privileged-pod.json"), s, DIRECT);
        assertTrue(r.get("allowed").asBoolean());
        assertEquals(1, metrics.counter("policy_admission_decisions_total", "decision", "exempt", "dry_run", "false"));
    }

    @Test
    void internalErrorsFollowTheFailureMode() throws Exception {
        Admission.Checker broken = (engine, name, json) -> {
            throw new IllegalStateException("boom");
        };
        // The answer goes to whoever creates the object and names the failure; the Java exception text goes to the
        // server's log with the request's uid.
        List<String> serverLog = new ArrayList<>();
        Admission.Answer answer = new Admission(metrics, audit::add, serverLog::add, false)
            .review(fixture("compliant-pod.json"), loaded(WebhookSettings.defaults()), broken);
        JsonNode closed = answer.body().get("response");
        assertFalse(closed.get("allowed").asBoolean());
        assertEquals(500, closed.at("/status/code").asInt());
        String message = closed.at("/status/message").asText();
        assertTrue(message.contains("could not be checked (an internal error; the webhook's log has the details)"), message);
        assertFalse(message.contains("java."), message);
        assertEquals(1, serverLog.size());
        assertTrue(serverLog.get(0).contains("uid 1f0e6c2a-7b3d-4e5f-9a8b-0c1d2e3f4a5b") && serverLog.get(0).contains("java.lang.IllegalStateException: boom"),
            serverLog.toString());

        Admission.Checker slow = (engine, name, json) -> {
            throw new TimeoutException();
        };
        JsonNode open = review(true, fixture("privileged-pod.json"), WebhookSettings.defaults(), slow);
        assertTrue(open.get("allowed").asBoolean());
        assertTrue(open.get("warnings").get(0).asText().contains("was not checked (the check took longer than the timeout); allowed because the webhook fails open"));
        assertEquals(1, metrics.counter("policy_errors_total", "kind", "timeout"));
    }

    @Test
    void unreadableObjectsAreErrorsNotSilentAllows() throws Exception {
        String review = WebhookServerTest.with(WebhookServerTest.fixture("privileged-pod.json"), "/request/object", "not an object");
        JsonNode r = review(false, review.getBytes(StandardCharsets.UTF_8), WebhookSettings.defaults(), DIRECT);
        assertFalse(r.get("allowed").asBoolean());
        assertTrue(r.at("/status/message").asText().contains("the request has no object"));
    }

    /**
     * An object without apiVersion or kind as strings is skipped by the loader with a warning, so no rule ran: it
     * was allowed, privileged container and all, even by a webhook that fails closed.
     */
    @Test
    void objectsTheLoaderSkipsAreNotCheckedAndFollowTheFailureMode() throws Exception {
        for (Object kind : new Object[] {5, null}) {
            String review = WebhookServerTest.with(WebhookServerTest.fixture("privileged-pod.json"), "/request/object/kind", kind);
            JsonNode closed = review(false, review.getBytes(StandardCharsets.UTF_8), WebhookSettings.defaults(), DIRECT);
            assertFalse(closed.get("allowed").asBoolean(), closed.toString());
            assertEquals(500, closed.at("/status/code").asInt());
            assertTrue(closed.at("/status/message").asText().contains("K1011"), closed.toString());
            assertTrue(closed.at("/status/message").asText().contains("at Pod/shop/debug.json:"), closed.toString());
            JsonNode open = review(true, review.getBytes(StandardCharsets.UTF_8), WebhookSettings.defaults(), DIRECT);
            assertTrue(open.get("allowed").asBoolean(), open.toString());
            assertTrue(open.get("warnings").get(0).asText().contains("was not checked"), open.toString());
        }
        // A kind no rule looks at is still checked (and allowed): only what the loader cannot read fails.
        String secret = WebhookServerTest.with(WebhookServerTest.fixture("compliant-pod.json"), "/request/object",
            Map.of("apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", "s")));
        assertTrue(review(false, secret.getBytes(StandardCharsets.UTF_8), WebhookSettings.defaults(), DIRECT).get("allowed").asBoolean());
    }

    @Test
    void overloadAnswersFollowTheFailureMode() throws Exception {
        Admission closed = new Admission(metrics, audit::add, false);
        Admission.Answer a = closed.unavailable(fixture("privileged-pod.json"), "the server is busy");
        assertEquals(200, a.status());
        assertFalse(a.body().at("/response/allowed").asBoolean());
        assertEquals(503, a.body().at("/response/status/code").asInt());
        assertEquals("ServiceUnavailable", a.body().at("/response/status/reason").asText(), "503 was given the reason InternalError");
        assertEquals(503, closed.unavailable("garbage".getBytes(StandardCharsets.UTF_8), "busy").status());
    }

    @Test
    void settingsErrorsAreLocated() {
        WebhookSettings.Parsed p = WebhookSettings.parse("webhook.yaml", "enforce: severe\nexemptNamespace: [a]\n");
        assertFalse(p.ok());
        assertEquals(List.of("webhook.yaml:1:10", "webhook.yaml:2:1"), p.diagnostics().stream()
            .map(d -> d.span().file() + ":" + d.span().line() + ":" + d.span().column()).toList());
        WebhookSettings s = settings("enforce: medium\naudit: true\nexemptNamespaces: [kube-system]\nparameters: {x: [1]}\n");
        assertEquals(Severity.MEDIUM, s.enforce());
        assertTrue(s.audit());
        assertEquals(Set.of("kube-system"), s.exemptNamespaces());
        assertEquals(Set.of("x"), s.parameters().keySet());
        assertEquals(Map.of(), s.severities());
    }
}
