package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.codomyrmex.policy.diag.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's {@code .policy.yaml} ({@code --policy-config}) under admission: rule selection, severities,
 * enforcement, parameters, policy folders and exceptions as {@code policy check} applies them, the precedence of
 * the webhook settings where both files say the same thing, and reloads of the config.
 */
class ProjectConfigTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** T-CRIT (privileged, critical), T-MED (mutable image, medium), and T-REG (registry parameter, high). */
    static final String POLICY = AdmissionTest.POLICY + """

        param registry = "registry.example.com/"

        rule T-REG "Untrusted registry" {
          severity high
          threat registry-security
          for c in containers
          where not startswith(c.image, registry)
          report "container {c.name} pulls from outside {registry}" at c.image
        }
        """;

    @TempDir
    Path dir;
    final Metrics metrics = new Metrics();
    final List<String> audit = new ArrayList<>();

    /** Options over t.policy (in {@code policies/}), the webhook settings and the project config, written to {@code dir}. */
    ServerOptions.Builder options(String settings, String project) throws IOException {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("t.policy"), POLICY);
        Files.writeString(dir.resolve("webhook.yaml"), settings);
        Files.writeString(dir.resolve(".policy.yaml"), project);
        return ServerOptions.builder().port(0).standardLibrary(false).policyPath(policies)
            .config(dir.resolve("webhook.yaml")).policyConfig(dir.resolve(".policy.yaml"));
    }

    PolicyStore.Loaded load(String settings, String project) throws IOException {
        PolicyStore.Outcome outcome = new PolicyStore(options(settings, project).build()).reload();
        assertTrue(outcome.ok(), outcome.rendered());
        return outcome.loaded().orElseThrow();
    }

    PolicyStore.Loaded load(String project) throws IOException {
        return load("", project);
    }

    JsonNode review(String fixture, PolicyStore.Loaded loaded) throws Exception {
        Admission.Answer a = new Admission(metrics, audit::add, false).review(AdmissionTest.fixture(fixture), loaded, AdmissionTest.DIRECT);
        assertEquals(200, a.status(), a.body().toString());
        return a.body().get("response");
    }

    static String message(JsonNode response) {
        return response.at("/status/message").asText();
    }

    // privileged-pod.json is Pod shop/debug with one privileged container pinned by digest: T-CRIT only.
    // deployment-update.json is Deployment shop/payments: a privileged sidecar (T-CRIT) and two mutable tags (T-MED).

    @Test
    void anExceptionByNamespaceAndNameTurnsADenialIntoAnAllow() throws Exception {
        assertFalse(review("privileged-pod.json", load("rules: {}\n")).get("allowed").asBoolean(), "denied without the exception");

        JsonNode excepted = review("privileged-pod.json", load("""
            exceptions:
              - rule: T-CRIT
                namespace: shop
                name: debug
                justification: the node debugger needs privileges
                owner: platform-team
                expires: 2999-12-31
            """));
        assertTrue(excepted.get("allowed").asBoolean(), excepted.toString());
        assertFalse(excepted.has("warnings"), "a finding an exception hides is not a warning either: " + excepted);
        assertEquals("T-CRIT", excepted.at("/auditAnnotations/excepted").asText(), excepted.toString());
        assertFalse(excepted.at("/auditAnnotations").has("findings"), excepted.toString());
        assertEquals(1, metrics.counter("policy_excepted_findings_total", "rule", "T-CRIT"));
        assertTrue(metrics.render().contains("policy_excepted_findings_total{rule=\"T-CRIT\"} 1"), metrics.render());
        JsonNode line = JSON.readTree(audit.get(audit.size() - 1)).at("/findings/0");
        assertEquals("T-CRIT", line.get("rule").asText());
        assertEquals("the node debugger needs privileges (owner: platform-team) until 2999-12-31", line.get("exception").asText());

        JsonNode byResource = review("privileged-pod.json",
            load("exceptions: [{rule: T-CRIT, resource: Pod/shop/debug, justification: debugging}]\n"));
        assertTrue(byResource.get("allowed").asBoolean(), byResource.toString());

        for (String other : List.of("{rule: T-CRIT, namespace: prod, name: debug, justification: x}",
            "{rule: T-CRIT, namespace: shop, name: web, justification: x}",
            "{rule: T-MED, namespace: shop, name: debug, justification: x}",
            "{rule: T-CRIT, kind: Deployment, justification: x}")) {
            JsonNode r = review("privileged-pod.json", load("exceptions: [" + other + "]\n"));
            assertFalse(r.get("allowed").asBoolean(), other + " selects another object or rule: " + r);
        }
    }

    @Test
    void anExpiredExceptionNoLongerHidesAndTheDenialSaysSo() throws Exception {
        JsonNode r = review("privileged-pod.json", load("""
            exceptions:
              - {rule: T-CRIT, resource: Pod/shop/debug, justification: node debugging, owner: platform-team, expires: 2020-01-31}
            """));
        assertFalse(r.get("allowed").asBoolean(), r.toString());
        assertTrue(message(r).contains("[T-CRIT critical] container shell runs privileged (at "), message(r));
        assertTrue(message(r).contains("; exception for T-CRIT on Pod/shop/debug expired on 2020-01-31 (owner: platform-team): node debugging)"),
            message(r));
        JsonNode line = JSON.readTree(audit.get(audit.size() - 1)).at("/findings/0");
        assertFalse(line.has("exception"));
        assertTrue(line.at("/notes/0").asText().contains("expired on 2020-01-31"), line.toString());
    }

    @Test
    void aDisabledThreatOrRuleStopsDenials() throws Exception {
        assertFalse(review("deployment-update.json", load("rules: {}\n")).get("allowed").asBoolean());

        JsonNode threatOff = review("deployment-update.json", load("threats: {disable: [container-escape]}\n"));
        assertTrue(threatOff.get("allowed").asBoolean(), threatOff.toString());
        assertEquals(2, threatOff.get("warnings").size(), "the image findings stay, as warnings: " + threatOff);
        assertTrue(threatOff.get("warnings").get(0).asText().startsWith("[T-MED medium]"), threatOff.toString());

        JsonNode onlyImages = review("deployment-update.json", load("threats: {enable: [image-security]}\n"));
        assertTrue(onlyImages.get("allowed").asBoolean(), onlyImages.toString());

        JsonNode ruleOff = review("deployment-update.json", load("rules: {disable: [T-CRIT]}\n"));
        assertTrue(ruleOff.get("allowed").asBoolean(), ruleOff.toString());
    }

    @Test
    void aSeverityOverrideMovesAFindingAcrossTheEnforceThreshold() throws Exception {
        JsonNode lowered = review("privileged-pod.json", load("severity: {T-CRIT: medium}\n"));
        assertTrue(lowered.get("allowed").asBoolean(), lowered.toString());
        assertTrue(lowered.get("warnings").get(0).asText().startsWith("[T-CRIT medium] container shell runs privileged"), lowered.toString());

        JsonNode raised = review("deployment-update.json", load("enforce: high\n", "rules: {disable: [T-CRIT]}\nseverity: {T-MED: high}\n"));
        assertFalse(raised.get("allowed").asBoolean(), raised.toString());
        assertTrue(message(raised).contains("[T-MED high] container api uses a mutable image reference"), message(raised));
    }

    @Test
    void enforcementAdvisoryWarnsHardAndSoftDenyAndAuditModeNeverDenies() throws Exception {
        JsonNode advisory = review("privileged-pod.json", load("enforcement: {T-CRIT: advisory}\n"));
        assertTrue(advisory.get("allowed").asBoolean(), advisory.toString());
        assertTrue(advisory.get("warnings").get(0).asText().startsWith("[T-CRIT critical]"), advisory.toString());

        JsonNode soft = review("privileged-pod.json", load("enforcement: {default: soft}\n"));
        assertFalse(soft.get("allowed").asBoolean(), "soft denies: the webhook has no --soft-fail");

        JsonNode hard = review("privileged-pod.json", load("enforcement: {default: advisory, T-CRIT: hard}\n"));
        assertFalse(hard.get("allowed").asBoolean(), hard.toString());

        JsonNode hardLow = review("privileged-pod.json", load("enforce: critical\n", "enforcement: {T-CRIT: hard}\nseverity: {T-CRIT: high}\n"));
        assertTrue(hardLow.get("allowed").asBoolean(), "hard still needs the enforce threshold, as it needs --fail-on: " + hardLow);

        JsonNode audited = review("privileged-pod.json", load("audit: true\n", "enforcement: {T-CRIT: hard}\n"));
        assertTrue(audited.get("allowed").asBoolean(), audited.toString());
        assertEquals("T-CRIT", audited.at("/auditAnnotations/would-deny").asText());

        JsonNode advisoryAudited = review("privileged-pod.json", load("audit: true\n", "enforcement: {T-CRIT: advisory}\n"));
        assertFalse(advisoryAudited.at("/auditAnnotations").has("would-deny"), "an advisory rule would not deny: " + advisoryAudited);
    }

    @Test
    void whereBothFilesSetTheSameThingTheWebhookSettingsWin() throws Exception {
        // Severity: the settings' override replaces the config's.
        assertTrue(review("privileged-pod.json", load("severity: {T-CRIT: low}\n")).get("allowed").asBoolean());
        JsonNode severity = review("privileged-pod.json", load("severities: {T-CRIT: critical}\n", "severity: {T-CRIT: low}\n"));
        assertFalse(severity.get("allowed").asBoolean(), severity.toString());
        assertTrue(message(severity).contains("[T-CRIT critical]"), message(severity));
        JsonNode settingsLower = review("privileged-pod.json", load("severities: {T-CRIT: medium}\n", "severity: {T-CRIT: critical}\n"));
        assertTrue(settingsLower.get("allowed").asBoolean(), settingsLower.toString());

        // Rules: off in either file is off; the config's enable list still limits what runs.
        JsonNode disabled = review("deployment-update.json", load("disabledRules: [T-CRIT]\n", "rules: {enable: [T-CRIT, T-REG]}\n"));
        assertTrue(disabled.get("allowed").asBoolean(), disabled.toString());
        assertFalse(disabled.has("warnings"), "T-MED is not enabled by the config: " + disabled);

        // Parameters: the settings' value, by bare or qualified name, replaces the config's.
        JsonNode configured = review("compliant-pod.json", load("parameters: {registry: ghcr.io/}\n"));
        assertFalse(configured.get("allowed").asBoolean(), configured.toString());
        assertTrue(message(configured).contains("[T-REG high] container web pulls from outside ghcr.io/"), message(configured));
        JsonNode qualified = review("compliant-pod.json", load("parameters: {t.registry: quay.io/}\n", "parameters: {registry: ghcr.io/}\n"));
        assertTrue(message(qualified).contains("pulls from outside quay.io/"), message(qualified));
        JsonNode bare = review("compliant-pod.json", load("parameters: {registry: registry.example.com/}\n", "parameters: {t.registry: ghcr.io/}\n"));
        assertTrue(bare.get("allowed").asBoolean(), bare.toString());
    }

    @Test
    void thePolicyFoldersTheConfigNamesAreLoadedAndWatched() throws Exception {
        Path team = Files.createDirectories(dir.resolve("team"));
        Files.writeString(team.resolve("team.policy"), ReloadAndLimitsTest.RULE.formatted("shell"));
        Files.writeString(dir.resolve(".policy.yaml"), "policies: [team]\n");
        ServerOptions options = ServerOptions.builder().port(0).standardLibrary(false).policyConfig(dir.resolve(".policy.yaml")).build();
        PolicyStore store = new PolicyStore(options);
        PolicyStore.Outcome outcome = store.reload();
        assertTrue(outcome.ok(), outcome.rendered());
        JsonNode r = review("privileged-pod.json", store.current().orElseThrow());
        assertTrue(message(r).contains("[TEAM-001 critical] container shell is not allowed"), r.toString());

        assertFalse(store.changedOnDisk());
        Files.writeString(team.resolve("team.policy"), ReloadAndLimitsTest.RULE.formatted("nothing"));
        Files.setLastModifiedTime(team.resolve("team.policy"), FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(store.changedOnDisk(), "an edit in a folder the config names is seen");
    }

    @Test
    void exceptionsThatSelectFilesDoNotApplyAndTheLoadSaysSo() throws Exception {
        PolicyStore store = new PolicyStore(options("", """
            exceptions:
              - {rule: T-CRIT, file: "**", justification: every file}
            """).build());
        PolicyStore.Outcome outcome = store.reload();
        assertTrue(outcome.ok(), outcome.rendered());
        assertEquals(List.of("W0006 at 2:5"), outcome.warnings().stream()
            .map(d -> d.code() + " at " + d.span().line() + ":" + d.span().column()).toList());
        assertTrue(outcome.rendered().contains(".policy.yaml:2:5"), outcome.rendered());
        assertEquals(List.of(), outcome.loaded().orElseThrow().admissionExceptions());
        assertFalse(review("privileged-pod.json", outcome.loaded().orElseThrow()).get("allowed").asBoolean());
    }

    @Test
    void aBrokenConfigStopsTheFirstLoadWithLocatedErrors() throws Exception {
        PolicyStore store = new PolicyStore(options("", "severity: {T-CRIT: urgent}\nparameters: {registyr: ghcr.io/}\n").build());
        PolicyStore.Outcome outcome = store.reload();
        assertFalse(outcome.ok());
        assertTrue(store.current().isEmpty());
        assertEquals(List.of("K0006 .policy.yaml:1:20", "P0010 .policy.yaml:2:24"), outcome.errors().stream()
            .map(d -> d.code() + " " + Path.of(d.span().file()).getFileName() + ":" + d.span().line() + ":" + d.span().column()).toList());
        assertTrue(outcome.rendered().contains("did you mean 'registry'?"), outcome.rendered());

        Files.delete(dir.resolve(".policy.yaml"));
        PolicyStore.Outcome missing = store.reload();
        assertEquals(List.of("K0001 no such config file"), missing.errors().stream().map(d -> d.code() + " " + d.message()).toList());
        assertTrue(missing.errors().stream().allMatch(d -> d.span().file().endsWith(".policy.yaml")));
        assertTrue(missing.errors().stream().allMatch(Diagnostic::isError));
    }

    @Test
    void aRuleTheConfigNamesButNoPolicyHasStopsTheFirstLoadAsInPolicyCheck() throws Exception {
        PolicyStore store = new PolicyStore(options("", "rules: {disable: [T-CRTI]}\nseverity: {T-NOPE*: low}\n").build());
        PolicyStore.Outcome outcome = store.reload();
        assertFalse(outcome.ok(), outcome.rendered());
        assertTrue(store.current().isEmpty());
        assertEquals(List.of("K0020 .policy.yaml:1:19", "K0020 .policy.yaml:2:12"), outcome.errors().stream()
            .map(d -> d.code() + " " + Path.of(d.span().file()).getFileName() + ":" + d.span().line() + ":" + d.span().column()).toList());
        assertTrue(outcome.rendered().contains("did you mean 'T-CRIT'?"), outcome.rendered());
    }

    @Test
    void aReloadWithARuleNoPolicyHasKeepsTheOldConfigServing() throws Exception {
        ServerOptions options = options("", EXCEPTION).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(log, true, StandardCharsets.UTF_8), s -> { })) {
            assertTrue(allowed(client, server), "generation 1 has the exception");

            // The exception now names a misspelt rule: it would hide nothing, so the reload fails and generation 1 stays.
            Files.writeString(dir.resolve(".policy.yaml"), EXCEPTION.replace("T-CRIT", "T-CRTI"));
            HttpResponse<String> broken = post(client, server, "/v1/reload", "");
            assertEquals(422, broken.statusCode(), broken.body());
            JsonNode body = JSON.readTree(broken.body());
            assertFalse(body.get("reloaded").asBoolean());
            assertEquals(1, body.get("generation").asInt(), "the working generation stays");
            assertTrue(body.get("errors").asText().contains("K0020"), body.toString());
            assertTrue(body.get("errors").asText().contains(".policy.yaml:1:21"), body.toString());
            assertTrue(allowed(client, server), "still served by generation 1, exception and all");
            assertEquals(1, server.metrics().counter("policy_reloads_total", "result", "failed"));
            String said = log.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("reload (POST /v1/reload) failed; still serving generation 1") && said.contains("K0020"), said);
        }
    }

    static HttpResponse<String> post(HttpClient client, WebhookServer server, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    static boolean allowed(HttpClient client, WebhookServer server) throws Exception {
        HttpResponse<String> r = post(client, server, "/v1/admit", WebhookServerTest.fixture("privileged-pod.json"));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).at("/response/allowed").asBoolean();
    }

    static final String EXCEPTION = "exceptions: [{rule: T-CRIT, resource: Pod/shop/debug, justification: node debugging}]\n";

    @Test
    void reloadPicksUpAnEditedConfigAndABrokenOneKeepsTheOldServing() throws Exception {
        ServerOptions options = options("", "rules: {}\n").build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(log, true, StandardCharsets.UTF_8), s -> { })) {
            assertFalse(allowed(client, server));

            Files.writeString(dir.resolve(".policy.yaml"), EXCEPTION);
            HttpResponse<String> reloaded = post(client, server, "/v1/reload", "");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertEquals(2, JSON.readTree(reloaded.body()).get("generation").asInt());
            assertTrue(allowed(client, server), "generation 2 has the exception");

            // An exception without its justification: a located error; generation 2 keeps serving.
            Files.writeString(dir.resolve(".policy.yaml"), "rules: {}\nexceptions: [{rule: T-CRIT, resource: Pod/shop/debug}]\n");
            HttpResponse<String> broken = post(client, server, "/v1/reload", "");
            assertEquals(422, broken.statusCode(), broken.body());
            JsonNode body = JSON.readTree(broken.body());
            assertFalse(body.get("reloaded").asBoolean());
            assertEquals(2, body.get("generation").asInt(), "the working generation stays");
            assertTrue(body.get("errors").asText().contains(".policy.yaml:2:14"), body.toString());
            assertTrue(body.get("errors").asText().contains("K0018"), body.toString());
            assertTrue(allowed(client, server), "still served by generation 2, exception and all");
            assertEquals(1, server.metrics().counter("policy_reloads_total", "result", "failed"));
            String said = log.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("reload (POST /v1/reload) failed; still serving generation 2") && said.contains(".policy.yaml:2:14"), said);
        }
    }

    @Test
    void theCheckApiFollowsTheRuleSelectionButNotTheExceptions() throws Exception {
        ServerOptions options = options("", "rules: {disable: [T-MED]}\n" + EXCEPTION).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            JsonNode object = JSON.readTree(WebhookServerTest.fixture("privileged-pod.json")).at("/request/object");
            String request = JSON.writeValueAsString(JSON.createObjectNode().put("kind", "kubernetes").set("documents",
                JSON.createArrayNode().add(JSON.createObjectNode().put("name", "pod.json").put("content", object.toString()))));
            HttpResponse<String> r = post(client, server, "/v1/check", request);
            assertEquals(200, r.statusCode(), r.body());
            List<String> rules = new ArrayList<>();
            JSON.readTree(r.body()).get("findings").forEach(f -> rules.add(f.get("rule").asText()));
            assertEquals(List.of("T-CRIT"), rules, "T-MED is off; the exception for T-CRIT decides admission only: " + r.body());
        }
    }

    @Test
    void theFileWatcherReloadsAnEditedConfig() throws Exception {
        ServerOptions options = options("", "rules: {}\n").reloadInterval(Duration.ofMillis(100)).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            assertFalse(allowed(client, server));
            Path config = dir.resolve(".policy.yaml");
            ReloadAndLimitsTest.replaceAtOnce(config, EXCEPTION);
            Poll.until(Duration.ofSeconds(20), () -> store.current().orElseThrow().generation() >= 2);
            assertEquals(2, store.current().orElseThrow().generation());
            assertTrue(allowed(client, server));
            Thread.sleep(500);
            assertEquals(2, store.current().orElseThrow().generation(), "no reload without a change");
        }
    }
}
