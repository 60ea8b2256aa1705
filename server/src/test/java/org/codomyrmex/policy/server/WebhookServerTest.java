package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook over real HTTPS on loopback, with AdmissionReviews as the API server sends them. */
class WebhookServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static WebhookServer server;
    static HttpClient client;
    static final List<String> audit = new CopyOnWriteArrayList<>();
    static final ByteArrayOutputStream log = new ByteArrayOutputStream();
    static Path policies;

    @BeforeAll
    static void start() throws Exception {
        TestCerts certs = TestCerts.generate(dir, "EC");
        policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("team.policy"), """
            package team

            rule TST-900 "Sidecar containers are noted" {
              severity medium
              threat kubernetes-security
              for c in containers
              where c.name == "sidecar"
              report "container {c.name} is a sidecar" at c.name
            }
            """);
        Path config = dir.resolve("webhook.yaml");
        // Deny only critical findings here, so the compliant pod stays allowed whatever high rules the standard
        // library grows; ESC-001 (privileged) is critical.
        Files.writeString(config, """
            enforce: critical
            exemptNamespaces: [kube-system]
            exemptGroups: [system:masters]
            """);
        ServerOptions options = ServerOptions.builder().address("127.0.0.1").port(0).tls(certs.certificate(), certs.key())
            .policyPath(policies).config(config).workers(4).queue(16).maxBodyBytes(64 * 1024).build();
        PolicyStore store = new PolicyStore(options);
        PolicyStore.Outcome first = store.reload();
        assertTrue(first.ok(), first.rendered());
        server = WebhookServer.start(options, store, new PrintStream(log, true, StandardCharsets.UTF_8), audit::add);
        client = HttpClient.newBuilder().sslContext(certs.clientContext()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = WebhookServerTest.class.getResourceAsStream("admission/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode admit(String review) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/v1/admit", review);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("admission.k8s.io/v1", body.get("apiVersion").asText());
        assertEquals("AdmissionReview", body.get("kind").asText());
        assertEquals(JSON.readTree(review).at("/request/uid").asText(), body.at("/response/uid").asText());
        return body.get("response");
    }

    static String with(String review, String pointer, Object value) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(review);
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) root.at(pointer.substring(0, slash));
        parent.set(pointer.substring(slash + 1), JSON.valueToTree(value));
        return JSON.writeValueAsString(root);
    }

    @Test
    void privilegedPodIsDeniedWithTheRuleId() throws Exception {
        int before = audit.size();
        JsonNode response = admit(fixture("privileged-pod.json"));
        assertFalse(response.get("allowed").asBoolean(), response.toString());
        assertEquals(403, response.at("/status/code").asInt());
        String message = response.at("/status/message").asText();
        assertTrue(message.startsWith("Pod shop/debug is denied by policy: [ESC-001 critical] container shell runs privileged (at "),
            message);
        assertTrue(response.at("/auditAnnotations/findings").asText().contains("ESC-001"), response.toString());
        assertTrue(audit.size() > before && audit.get(audit.size() - 1).contains("\"rule\":\"ESC-001\""), audit.toString());
    }

    @Test
    void compliantPodIsAllowed() throws Exception {
        JsonNode response = admit(fixture("compliant-pod.json"));
        assertTrue(response.get("allowed").asBoolean(), response.toString());
        assertTrue(response.path("status").isMissingNode(), response.toString());
    }

    @Test
    void deploymentUpdateIsDeniedAndLowFindingsBecomeWarnings() throws Exception {
        JsonNode response = admit(fixture("deployment-update.json"));
        assertFalse(response.get("allowed").asBoolean(), response.toString());
        String message = response.at("/status/message").asText();
        assertTrue(message.startsWith("Deployment shop/payments is denied by policy: [ESC-001 critical] container sidecar runs privileged"), message);
        List<String> warnings = JSON.convertValue(response.get("warnings"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        // Warnings are the findings below the threshold, most severe first, at most a screenful: the rest is
        // counted in a last line.
        assertTrue(warnings.stream().allMatch(w -> w.matches("\\[[A-Z0-9-]+ (high|medium|low|info)\\] .*") || w.matches("policy: and \\d+ more findings")),
            warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("[TST-900 medium] container sidecar is a sidecar (at ")), warnings.toString());
        assertTrue(warnings.size() <= Admission.MAX_WARNINGS, "warnings are capped: " + warnings.size());
        if (warnings.size() == Admission.MAX_WARNINGS) {
            assertTrue(warnings.get(warnings.size() - 1).matches("policy: and \\d+ more findings"), warnings.toString());
            assertFalse(warnings.stream().anyMatch(w -> w.contains(" info] ")), "the least severe are left out first");
        }
        assertFalse(warnings.stream().anyMatch(w -> w.contains("ESC-001")), "denying findings are in the message, not warnings");
    }

    @Test
    void dryRunGetsTheSameAnswerWithoutAnAuditRecord() throws Exception {
        String review = with(fixture("privileged-pod.json"), "/request/dryRun", true);
        int before = audit.size();
        JsonNode response = admit(review);
        assertFalse(response.get("allowed").asBoolean());
        assertTrue(response.at("/status/message").asText().contains("ESC-001"));
        assertEquals(before, audit.size(), "a dry run has no side effects");
    }

    @Test
    void exemptNamespacesAndGroupsAreAllowedUnchecked() throws Exception {
        String inKubeSystem = with(fixture("privileged-pod.json"), "/request/namespace", "kube-system");
        assertTrue(admit(inKubeSystem).get("allowed").asBoolean());
        String admin = with(fixture("privileged-pod.json"), "/request/userInfo/groups", List.of("system:masters"));
        assertTrue(admit(admin).get("allowed").asBoolean());
    }

    @Test
    void deletesAndStatusUpdatesAreNotChecked() throws Exception {
        String delete = with(fixture("privileged-pod.json"), "/request/operation", "DELETE");
        assertTrue(admit(delete).get("allowed").asBoolean());
        String status = with(with(fixture("privileged-pod.json"), "/request/operation", "UPDATE"), "/request/subResource", "status");
        assertTrue(admit(status).get("allowed").asBoolean());
    }

    @Test
    void malformedReviewsAreBadRequests() throws Exception {
        HttpResponse<String> notJson = post("/v1/admit", "{\"kind\": \"AdmissionReview\", ");
        assertEquals(400, notJson.statusCode());
        assertTrue(JSON.readTree(notJson.body()).get("error").asText().startsWith("the body is not JSON"), notJson.body());
        HttpResponse<String> noUid = post("/v1/admit", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}");
        assertEquals(400, noUid.statusCode());
        assertEquals("request.uid is missing", JSON.readTree(noUid.body()).get("error").asText());
        HttpResponse<String> v1beta1 = post("/v1/admit", fixture("privileged-pod.json").replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"));
        assertEquals(400, v1beta1.statusCode());
        assertEquals(405, get("/v1/admit").statusCode());
        assertEquals(404, get("/nowhere").statusCode());
        // Text after the review was ignored: the first of two reviews in one body was answered.
        HttpResponse<String> trailing = post("/v1/admit", fixture("compliant-pod.json") + " garbage");
        assertEquals(400, trailing.statusCode(), trailing.body());
        assertTrue(JSON.readTree(trailing.body()).get("error").asText().startsWith("the body is not JSON"), trailing.body());
        assertEquals(400, post("/v1/admit", fixture("compliant-pod.json") + fixture("privileged-pod.json")).statusCode());
        assertEquals(400, post("/v1/check", "{\"documents\": []} {\"documents\": []}").statusCode());
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        String padded = with(fixture("privileged-pod.json"), "/request/object/metadata/annotations",
            java.util.Map.of("padding", "x".repeat(70 * 1024)));
        HttpResponse<String> r = post("/v1/admit", padded);
        assertEquals(413, r.statusCode(), r.body());
        // Without a declared length (chunked), the limit applies to what arrives.
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/admit"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(padded.getBytes(StandardCharsets.UTF_8))))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(server.metrics().counter("policy_errors_total", "kind", "too_large") >= 2);
    }

    @Test
    void checkApiTakesDocumentsAndGivesTheReport() throws Exception {
        String pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: app
                  image: nginx:1.27
                  securityContext: {privileged: true}
            """;
        String body = JSON.writeValueAsString(java.util.Map.of("documents", List.of(java.util.Map.of("name", "pod.yaml", "content", pod))));
        HttpResponse<String> r = post("/v1/check", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode report = JSON.readTree(r.body());
        JsonNode esc = null;
        for (JsonNode f : report.get("findings")) if (f.get("rule").asText().equals("ESC-001")) esc = f;
        assertTrue(esc != null, r.body());
        assertEquals("pod.yaml", esc.at("/location/file").asText());
        assertEquals(8, esc.at("/location/line").asInt());
        assertEquals(32, esc.get("fingerprint").asText().length());
        assertEquals(400, post("/v1/check", "{\"documents\": [{\"name\": \"x\"}]}").statusCode());

        // A compose file could make the server read its own files (env_file: /etc/...): refused.
        String compose = "services:\n  web:\n    image: nginx:1.27\n    env_file: /etc/hostname\n";
        HttpResponse<String> refused = post("/v1/check", JSON.writeValueAsString(java.util.Map.of("documents",
            List.of(java.util.Map.of("name", "/etc/compose.yaml", "content", compose)))));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("compose"), refused.body());
    }

    /** A document's name becomes a file name in the report and a path in the loaders. */
    @Test
    void checkApiRefusesDocumentNamesThatAreNoFileNames() throws Exception {
        // A NUL in a Dockerfile's name reached Path.of in the loader: 500 "internal error".
        HttpResponse<String> nul = post("/v1/check", "{\"kind\": \"dockerfile\", \"documents\": "
            + "[{\"name\": \"Docker\\u0000file\", \"content\": \"FROM ubuntu:24.04\\n\"}]}");
        assertEquals(400, nul.statusCode(), nul.body());
        assertTrue(nul.body().contains("document 1 has a \\\"name\\\" that is not a file name"), nul.body());
        // A name that is not a string was read as "": findings in a file named nothing.
        HttpResponse<String> object = post("/v1/check", "{\"documents\": [{\"name\": {\"a\": 1}, \"content\": \"FROM ubuntu:24.04\\n\"}]}");
        assertEquals(400, object.statusCode(), object.body());
        assertEquals(400, post("/v1/check", "{\"documents\": [{\"name\": \"\", \"content\": \"FROM x\\n\"}]}").statusCode());
        // Left out or null, it is document-N, as before.
        HttpResponse<String> unnamed = post("/v1/check", "{\"kind\": \"dockerfile\", \"documents\": "
            + "[{\"name\": null, \"content\": \"FROM ubuntu:24.04\\n\"}]}");
        assertEquals(200, unnamed.statusCode(), unnamed.body());
        assertTrue(unnamed.body().contains("\"file\":\"document-1\""), unnamed.body());
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        assertEquals(200, get("/healthz").statusCode());
        assertEquals(200, get("/readyz").statusCode());
        admit(fixture("privileged-pod.json"));
        // The admission is counted once its answer is out, its count first and its latency after: wait for both
        // rather than race its handler (run alone, no earlier admission has made the latency line yet).
        Poll.until(Duration.ofSeconds(10), () -> server.metrics().counter("policy_http_requests_total", "path", "/v1/admit", "code", "200") > 0
            && server.metrics().render().contains("policy_http_request_duration_seconds_bucket{path=\"/v1/admit\",le=\"+Inf\"}"));
        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = metrics.body();
        assertTrue(text.contains("policy_http_requests_total{code=\"200\",path=\"/v1/admit\"}")
            || text.contains("policy_http_requests_total{path=\"/v1/admit\",code=\"200\"}"), text);
        assertTrue(text.contains("policy_findings_total{rule=\"ESC-001\",severity=\"critical\"}"), text);
        assertTrue(text.contains("policy_http_request_duration_seconds_bucket{path=\"/v1/admit\",le=\"+Inf\"}"), text);
        assertTrue(text.contains("policy_admission_decisions_total{decision=\"denied\",dry_run=\"false\"}"), text);
        assertTrue(text.contains("policy_engine_rules "), text);
    }

    /** HEAD got its 200, but writing the body failed behind it: the request counted as a 500 and an I/O error. */
    @Test
    void headRequestsAreAnsweredWithoutABodyAndCountedAsAnswered() throws Exception {
        long ioErrors = server.metrics().counter("policy_errors_total", "kind", "io");
        long headOk = server.metrics().counter("policy_http_requests_total", "path", "/readyz", "code", "200");
        long head500 = server.metrics().counter("policy_http_requests_total", "path", "/readyz", "code", "500");
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/readyz"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        // The request is counted once its answer is out, so the client can read the answer first.
        Poll.until(Duration.ofSeconds(10), () -> server.metrics().counter("policy_http_requests_total", "path", "/readyz", "code", "200") == headOk + 1);
        assertEquals(headOk + 1, server.metrics().counter("policy_http_requests_total", "path", "/readyz", "code", "200"));
        assertEquals(head500, server.metrics().counter("policy_http_requests_total", "path", "/readyz", "code", "500"));
        assertEquals(ioErrors, server.metrics().counter("policy_errors_total", "kind", "io"));
    }

    @Test
    void plainHttpWhenNoCertificateIsGiven() throws Exception {
        ServerOptions options = ServerOptions.builder().port(0).build();
        assertEquals("127.0.0.1", options.address(), "plain HTTP listens on loopback unless told otherwise");
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        try (WebhookServer plain = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            assertEquals("http", plain.baseUri().getScheme());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain.baseUri().resolve("/v1/admit"))
                .POST(HttpRequest.BodyPublishers.ofString(fixture("privileged-pod.json"))).build(), HttpResponse.BodyHandlers.ofString());
            assertFalse(JSON.readTree(r.body()).at("/response/allowed").asBoolean(), r.body());
        }
    }

    @Test
    void anExtraEndpointIsServedBesideTheWebhooksOwnWhichCannotBeTaken() throws Exception {
        server.addEndpoint("/echo", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        assertEquals("{\"echo\": 1}", post("/echo", "{\"echo\": 1}").body());
        assertThrows(IllegalArgumentException.class, () -> server.addEndpoint("/v1/admit", exchange -> { }));
        assertEquals(404, get("/nothing-here").statusCode(), "the webhook still answers every other path");
    }
}
