package org.codomyrmex.policy.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Fingerprints;
import org.codomyrmex.policy.suppress.Scans;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SARIF output against the official SARIF 2.1.0 schema (test resource, see its PROVENANCE.md). */
class SarifReportTest {
    static final Schema SCHEMA = load();

    static Schema load() {
        try (InputStream in = SarifReportTest.class.getResourceAsStream("sarif/sarif-schema-2.1.0.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(text, InputFormat.JSON);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Error> validate(String sarif) {
        return SCHEMA.validate(sarif, InputFormat.JSON);
    }

    static final String POD = """
        apiVersion: v1
        kind: Pod
        metadata: {name: agent}
        spec:
          hostNetwork: true
          containers:
            - name: app
              image: nginx:1.27
              securityContext: {privileged: true}  # policy:ignore T-PRIV the agent needs it
            - name: web
              image: nginx:1.27
              securityContext: {privileged: true}
        """;

    @Test
    void findingsSuppressionsAndErrorsValidateAgainstTheSchema() throws Exception {
        var checked = Scans.check(InputKind.KUBERNETES, "k8s/my pod.yaml", POD);
        Report withError = new Report(checked.report().findings(), List.of(
            Diagnostic.error("I0005", "cannot parse", Span.of("k8s/broken.yaml", 3, 7), "close the bracket"),
            Diagnostic.error("I0010", "no such file or directory", Span.of("absent.yaml", 0, 0))),
            checked.report().sources(), 3, checked.report().documentsChecked());
        Results results = Scans.triage(new Scans.Checked(withError, checked.documents()));
        String sarif = SarifReport.render(results, "0.1.0-SNAPSHOT", Path.of("").toAbsolutePath());
        List<Error> errors = validate(sarif);
        assertTrue(errors.isEmpty(), errors + "\n" + sarif);

        JsonNode run = new ObjectMapper().readTree(sarif).get("runs").get(0);
        assertEquals("utf16CodeUnits", run.get("columnKind").asText());
        JsonNode rules = run.get("tool").get("driver").get("rules");
        assertEquals(Scans.ENGINE.rules().size(), rules.size());
        JsonNode priv = rules.get(1);
        assertEquals("T-PRIV", priv.get("id").asText());
        assertEquals("9.5", priv.get("properties").get("security-severity").asText());
        assertEquals("error", priv.get("defaultConfiguration").get("level").asText());
        assertTrue(priv.get("help").get("markdown").asText().contains("policy explain T-PRIV"));

        JsonNode results0 = run.get("results");
        List<String> ruleIds = new ArrayList<>();
        results0.forEach(r -> ruleIds.add(r.get("ruleId").asText()));
        assertEquals(List.of("T-NET", "T-PRIV", "T-PRIV"), ruleIds.stream().sorted().toList());
        JsonNode suppressed = null;
        for (JsonNode r : results0) if (r.has("suppressions")) suppressed = r;
        assertEquals("inSource", suppressed.get("suppressions").get(0).get("kind").asText());
        assertEquals("the agent needs it", suppressed.get("suppressions").get(0).get("justification").asText());
        JsonNode location = suppressed.get("locations").get(0).get("physicalLocation");
        assertEquals("k8s/my%20pod.yaml", location.get("artifactLocation").get("uri").asText());
        assertEquals("%SRCROOT%", location.get("artifactLocation").get("uriBaseId").asText());
        assertEquals(9, location.get("region").get("startLine").asInt());
        assertEquals(location.get("region").get("startColumn").asInt() + 4, location.get("region").get("endColumn").asInt(),
            "end column is exclusive: 'true' is four characters");
        assertEquals(32, suppressed.get("partialFingerprints").get(Fingerprints.SARIF_KEY).asText().length());

        JsonNode invocation = run.get("invocations").get(0);
        assertFalse(invocation.get("executionSuccessful").asBoolean());
        assertEquals(2, invocation.get("toolExecutionNotifications").size());
        assertEquals("I0005", invocation.get("toolExecutionNotifications").get(0).get("descriptor").get("id").asText());
    }

    /** Findings of a rule the report has no metadata for describe it once, however many there are. */
    @Test
    void aRuleWithoutMetadataIsDescribedOnce() throws Exception {
        var checked = Scans.check(InputKind.KUBERNETES, "pod.yaml", POD);
        List<org.codomyrmex.policy.model.RuleInfo> withoutPriv = Scans.ENGINE.rules().stream().filter(r -> !r.id().equals("T-PRIV")).toList();
        Results results = org.codomyrmex.policy.suppress.Triage.triage(checked.report(), checked.documents(), withoutPriv,
            new org.codomyrmex.policy.suppress.Triage.Options(org.codomyrmex.policy.config.PolicyConfig.defaults(Path.of(".")),
                java.util.Optional.empty(), java.time.LocalDate.of(2026, 6, 1), org.codomyrmex.policy.model.Severity.LOW, false));
        String sarif = SarifReport.render(results, "dev", Path.of("").toAbsolutePath());
        assertTrue(validate(sarif).isEmpty(), validate(sarif).toString());
        JsonNode rules = new ObjectMapper().readTree(sarif).get("runs").get(0).get("tool").get("driver").get("rules");
        List<String> ids = new ArrayList<>();
        rules.forEach(r -> ids.add(r.get("id").asText()));
        assertEquals(1, ids.stream().filter("T-PRIV"::equals).count(), ids.toString());
        assertEquals(ids.stream().sorted().toList(), ids, "rules stay in id order");
    }

    /** A RUN continued onto a shorter line: its region ends on that line's column, not past the start column. */
    @Test
    void aRegionOverSeveralLinesEndsAtItsOwnEndColumn() throws Exception {
        var checked = Scans.check(InputKind.DOCKERFILE, "Dockerfile", "FROM alpine:3.19\n        RUN apk add \\\n x\n");
        var f = checked.report().findings().get(0);
        var run = new org.codomyrmex.policy.model.Finding(f.ruleId(), f.title(), f.severity(), f.threat(), f.message(),
            new Span("Dockerfile", 2, 13, 3, 2), f.resource(), f.part(), f.trace());
        Report report = new Report(List.of(run), List.of(), checked.report().sources(), 1, 1);
        String sarif = SarifReport.render(Results.of(report, Scans.ENGINE.rules(), org.codomyrmex.policy.model.Severity.LOW),
            "dev", Path.of("").toAbsolutePath());
        assertTrue(validate(sarif).isEmpty(), validate(sarif).toString());
        JsonNode region = new ObjectMapper().readTree(sarif).get("runs").get(0).get("results").get(0)
            .get("locations").get(0).get("physicalLocation").get("region");
        assertEquals(2, region.get("startLine").asInt());
        assertEquals(13, region.get("startColumn").asInt());
        assertEquals(3, region.get("endLine").asInt());
        assertEquals(3, region.get("endColumn").asInt(), "line 3 is ' x': the region ends after the x, " + region);
    }

    /** A URI is ASCII: a non-ASCII letter in a path is percent-encoded as UTF-8, as a space and a '%' are. */
    @Test
    void pathsBecomeAsciiUris() {
        Path base = Path.of("").toAbsolutePath();
        ObjectNode inside = new ObjectMapper().createObjectNode();
        SarifReport.uri("k8s/m\u00fcnchen 100%41.yaml", base, inside);
        assertEquals("k8s/m%C3%BCnchen%20100%2541.yaml", inside.get("uri").asText());
        ObjectNode colon = new ObjectMapper().createObjectNode();
        SarifReport.uri("a:b/\uD83D\uDE00#?.yaml", base, colon);
        assertEquals("a%3Ab/%F0%9F%98%80%23%3F.yaml", colon.get("uri").asText());
        ObjectNode outside = new ObjectMapper().createObjectNode();
        SarifReport.uri("/elsewhere/\u00fc.yaml", base, outside);
        assertEquals("file:///elsewhere/%C3%BC.yaml", outside.get("uri").asText());
        assertFalse(outside.has("uriBaseId"));
    }

    /** Standard input has no location: the relative URI stdin, described, still valid SARIF. */
    @Test
    void standardInputIsDescribedAndValidates() throws Exception {
        Results results = Scans.triage(Scans.check(InputKind.KUBERNETES, "-", POD));
        String sarif = SarifReport.render(results, "0.1.0-SNAPSHOT", Path.of("").toAbsolutePath());
        assertTrue(validate(sarif).isEmpty(), validate(sarif) + "\n" + sarif);
        JsonNode artifact = new ObjectMapper().readTree(sarif).at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation");
        assertEquals("stdin", artifact.get("uri").asText());
        assertFalse(artifact.has("uriBaseId"));
        assertEquals("standard input", artifact.at("/description/text").asText(), artifact.toString());
    }

    /** A finding in a file inside an image archive goes on the archive: the only one of the two in the repository. */
    @Test
    void findingsInsideAnImageArchiveArePlacedOnTheArchive() throws Exception {
        var checked = Scans.check(InputKind.DOCKERFILE, "Dockerfile", "FROM alpine:3.19\n");
        var f = checked.report().findings().get(0);
        String archive = "src/test/resources/image/app-docker.tar";
        var inArchive = new org.codomyrmex.policy.model.Finding(f.ruleId(), f.title(), f.severity(), f.threat(), f.message(),
            new Span(archive + "!/manifest.json", 3, 5, 3, 9), f.resource(), f.part(), f.trace());
        Results results = Results.of(new Report(List.of(inArchive), List.of(), checked.report().sources(), 1, 1), Scans.ENGINE.rules(),
            org.codomyrmex.policy.model.Severity.LOW);
        String sarif = SarifReport.render(results, "dev", Path.of("").toAbsolutePath());
        assertTrue(validate(sarif).isEmpty(), validate(sarif).toString());
        JsonNode physical = new ObjectMapper().readTree(sarif).get("runs").get(0).get("results").get(0)
            .get("locations").get(0).get("physicalLocation");
        assertEquals(archive, physical.get("artifactLocation").get("uri").asText());
        assertEquals("{\"startLine\":1}", physical.get("region").toString());
        assertEquals("manifest.json", physical.get("properties").get("archiveMember").asText());
        String github = GithubReport.render(results);
        assertTrue(github.startsWith("::warning file=" + archive + ",title="), github);
        // A folder whose name ends in '!' is no archive.
        assertTrue(SarifReport.ArchiveMember.of("src/test!/x.yaml").isEmpty());
    }

    @Test
    void anEmptyRunValidatesToo() {
        var checked = Scans.check(InputKind.KUBERNETES, "ok.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n");
        String sarif = SarifReport.render(Scans.triage(checked), "dev", Path.of("/tmp/x y"));
        assertTrue(validate(sarif).isEmpty(), validate(sarif).toString());
    }

    @Test
    void theSchemaRejectsWhatIsNotSarif() {
        // So a passing validation means something: a result without a message and a bad level are refused.
        String bad = """
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
              "results": [{"ruleId": "A", "level": "fatal"}]}]}
            """;
        List<Error> errors = validate(bad);
        assertTrue(errors.size() >= 2, errors.toString());
        assertFalse(validate("{\"version\": \"2.1.0\", \"runs\": [], \"extra\": 1}").isEmpty());
    }
}
