package org.codomyrmex.policy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code policy serve} as it is deployed: the jar in its own process, a real AdmissionReview over HTTP. */
class ServeCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");

    private static final String PRIVILEGED_POD_REVIEW = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "7f0b2c1e-0000-4000-8000-000000000001", "operation": "CREATE",
           "kind": {"group": "", "version": "v1", "kind": "Pod"}, "namespace": "shop",
           "userInfo": {"username": "dev", "groups": ["system:authenticated"]},
           "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
               "securityContext": {"privileged": true}}]}}}}
        """;

    @Test
    @Timeout(120)
    void servesAdmissionReviewsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        // The output goes to files: reading a pipe while the process exits can lose its last lines.
        Path err = dir.resolve("stderr"), out = dir.resolve("stdout");
        Process p = start(err, out, "serve", "--port", "0", "--reload-interval", "0");
        try {
            URI base = null;
            for (long end = System.currentTimeMillis() + 60_000; base == null && System.currentTimeMillis() < end && p.isAlive(); ) {
                Matcher m = LISTENING.matcher(Files.readString(err));
                if (m.find()) base = URI.create(m.group(1));
                else Thread.sleep(50);
            }
            assertTrue(base != null, "no listening line in " + Files.readString(err));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> admit = client.send(HttpRequest.newBuilder(base.resolve("/v1/admit"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(PRIVILEGED_POD_REVIEW)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, admit.statusCode(), admit.body());
            JsonNode response = JSON.readTree(admit.body()).get("response");
            assertEquals("7f0b2c1e-0000-4000-8000-000000000001", response.get("uid").asText());
            assertFalse(response.get("allowed").asBoolean(), admit.body());
            assertTrue(response.at("/status/message").asText().contains("ESC-001"), admit.body());

            p.destroy(); // SIGTERM: the shutdown hook stops the server
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "policy serve did not stop");
            assertTrue(Files.readString(err).contains("policy serve: stopping"), Files.readString(err));
            assertTrue(Files.readString(out).contains("ESC-001"), "one audit line per request with findings: " + Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void brokenSettingsStopItFromStarting(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("webhook.yaml"), "enforce: hgih\n");
        String err = refusedStart(dir, "--config", config.toString());
        assertTrue(err.contains("webhook.yaml:1:10"), err);
    }

    /** Values the JDK would refuse while binding or scheduling are usage errors, not "policy: internal error". */
    @Test
    @Timeout(120)
    void aPortOrReloadIntervalOutOfRangeIsAUsageError(@TempDir Path dir) throws Exception {
        for (List<String> args : List.of(List.of("--port", "70000"), List.of("--port", "0", "--reload-interval", "-1"))) {
            Process p = start(dir.resolve("stderr"), dir.resolve("stdout"), Stream.concat(Stream.of("serve"), args.stream()).toArray(String[]::new));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "policy serve started with " + args);
            String err = Files.readString(dir.resolve("stderr"));
            assertEquals(2, p.exitValue(), err);
            assertFalse(err.contains("internal error"), err);
            assertTrue(err.contains(args.contains("70000") ? "0 to 65535" : "reload interval"), err);
        }
    }

    /**
     * The project's .policy.yaml: an exception for every rule on Pod shop/web lets it in; the same pod in another
     * namespace is still denied, and the audit line says which exception hid the findings.
     */
    @Test
    @Timeout(120)
    void appliesTheProjectConfigsExceptions(@TempDir Path dir) throws Exception {
        Path project = Files.writeString(dir.resolve(".policy.yaml"), """
            exceptions:
              - rule: "*"
                resource: Pod/shop/web
                justification: the web debug pod, reviewed in SEC-42
                owner: platform-team
                expires: 2999-12-31
            """);
        Path err = dir.resolve("stderr"), out = dir.resolve("stdout");
        Process p = start(err, out, "serve", "--port", "0", "--policy-config", project.toString());
        try {
            URI base = awaitListening(p, err);
            assertTrue(Files.readString(err).contains("project config " + project + " with 1 exceptions for admission"), Files.readString(err));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            JsonNode excepted = admit(client, base, PRIVILEGED_POD_REVIEW);
            assertTrue(excepted.get("allowed").asBoolean(), excepted.toString());
            assertTrue(excepted.at("/auditAnnotations/excepted").asText().contains("ESC-001"), excepted.toString());
            JsonNode elsewhere = admit(client, base, PRIVILEGED_POD_REVIEW.replace("\"shop\"", "\"prod\""));
            assertFalse(elsewhere.get("allowed").asBoolean(), elsewhere.toString());
            assertTrue(elsewhere.at("/status/message").asText().contains("ESC-001"), elsewhere.toString());
            String audit = Files.readString(out);
            assertTrue(audit.contains("\"exception\":\"the web debug pod, reviewed in SEC-42 (owner: platform-team) until 2999-12-31\""), audit);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void aBrokenProjectConfigStopsItFromStarting(@TempDir Path dir) throws Exception {
        Path project = Files.writeString(dir.resolve(".policy.yaml"), "rules: {disable: [ESC-001]}\nseverity: {ESC-002: urgent}\n");
        String err = refusedStart(dir, "--policy-config", project.toString());
        assertTrue(err.contains(".policy.yaml:2:21"), err);
        assertTrue(err.contains("'urgent' is not a severity"), err);
    }

    /** Runs {@code policy serve --port 0 ARGS}, which must refuse to start: exit 2 and "not started"; its stderr. */
    private static String refusedStart(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("serve", "--port", "0"));
        command.addAll(List.of(args));
        Process p = start(dir.resolve("stderr"), dir.resolve("stdout"), command.toArray(String[]::new));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "policy serve started with " + String.join(" ", args));
        String err = Files.readString(dir.resolve("stderr"));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("not started"), err);
        return err;
    }

    private static URI awaitListening(Process p, Path err) throws Exception {
        for (long end = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < end && p.isAlive(); Thread.sleep(50)) {
            Matcher m = LISTENING.matcher(Files.readString(err));
            if (m.find()) return URI.create(m.group(1));
        }
        throw new AssertionError("no listening line in " + Files.readString(err));
    }

    private static JsonNode admit(HttpClient client, URI base, String review) throws Exception {
        HttpResponse<String> admit = client.send(HttpRequest.newBuilder(base.resolve("/v1/admit"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, admit.statusCode(), admit.body());
        return JSON.readTree(admit.body()).get("response");
    }

    private static Process start(Path err, Path out, String... args) throws Exception {
        return PolicyCommandIT.policy(PolicyCommandIT.ROOT, List.of(), args)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
    }
}
