package org.codomyrmex.policy.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.suppress.Scans;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderersTest {
    static final String POD = """
        apiVersion: v1
        kind: Pod
        metadata: {name: "a<b>"}
        spec:
          hostNetwork: true
          containers:
            - name: app
              image: nginx:1.27
              securityContext: {privileged: true}  # policy:ignore T-PRIV "quoted" & <reasons>
            - name: web
              image: nginx:1.27
              securityContext: {privileged: true}
        """;

    static Results results(boolean withError) {
        var checked = Scans.check(InputKind.KUBERNETES, "pod.yaml", POD);
        List<Diagnostic> errors = withError ? List.of(Diagnostic.error("I0005", "bad, very: bad", Span.of("broken.yaml", 2, 3))) : List.of();
        Report report = new Report(checked.report().findings(), errors, checked.report().sources(), 2, checked.report().documentsChecked());
        return Scans.triage(new Scans.Checked(report, checked.documents()));
    }

    @Test
    void textGroupsByFileWithExcerptCaretAndNoColourUnlessAsked() {
        String text = TextReport.render(results(false), new TextReport.Style(false, false));
        assertTrue(text.startsWith("pod.yaml (2 findings)\n"), text);
        assertTrue(text.contains("pod.yaml:12:37 critical T-PRIV container web runs privileged [Pod/a<b> container web]\n"
            + "  12 |       securityContext: {privileged: true}\n"
            + "     |                                     ^^^^\n"), text);
        assertFalse(text.contains("\u001b["), "no escape codes without colour");
        assertFalse(text.contains("container app runs privileged"), "suppressed findings are not listed by default");
        String shown = TextReport.render(results(false), new TextReport.Style(true, true));
        assertTrue(shown.contains("\u001b[1;31mcritical\u001b[0m"), shown);
        assertTrue(shown.contains("Suppressed"), shown);
        assertTrue(shown.contains("suppressed by an inline comment at pod.yaml:9:"), shown);
        assertEquals("2 findings (1 critical, 1 high), 1 suppressed, 0 errors in 1 document\n", TextReport.summary(results(false)));
    }

    @Test
    void excerptsOfSecretFindingsHideTheSecret() {
        String line = "          value: ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
        String masked = TextReport.maskExcerpt(line, new Span("pod.yaml", 10, 18, 10, 57));
        assertEquals("          value: ghp_************************************", masked);
        assertEquals("  password: 'h******", TextReport.maskExcerpt("  password: 'hunter'", new Span("pod.yaml", 3, 13, 3, 20)));
        assertEquals("RUN se***** ****", TextReport.maskExcerpt("RUN secret1 abcd", new Span("Dockerfile", 1, 5, 1, 16)));
        assertEquals("{", TextReport.maskExcerpt("{", new Span("config.json", 1, 1, 28, 1)), "no secret in punctuation");
        assertEquals("  token: |", TextReport.maskExcerpt("  token: |", new Span("pod.yaml", 4, 10, 6, 3)));
    }

    @Test
    void jsonHasFingerprintsSuppressedAndErrors() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(results(true), true));
        assertEquals(1, root.get("version").asInt());
        assertEquals(2, root.get("findings").size());
        JsonNode f = root.get("findings").get(0);
        for (String field : List.of("rule", "title", "severity", "threat", "message", "location", "resource", "fingerprint", "enforcement", "failing")) {
            assertTrue(f.has(field), field);
        }
        assertEquals("inline", root.get("suppressed").get(0).get("suppression").get("kind").asText());
        assertEquals("I0005", root.get("errors").get(0).get("code").asText());
        assertEquals(2, root.get("summary").get("exitCode").asInt());
        assertEquals(1, root.get("summary").get("suppressed").asInt());
    }

    @Test
    void junitIsWellFormedWithFailuresSkippedAndErrors() throws Exception {
        String xml = JunitReport.render(results(true));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suites = doc.getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        assertEquals("2", suites.getAttribute("failures"));
        assertEquals("1", suites.getAttribute("errors"));
        assertEquals(2, doc.getElementsByTagName("testsuite").getLength());
        assertEquals(1, doc.getElementsByTagName("skipped").getLength());
        assertTrue(((Element) doc.getElementsByTagName("skipped").item(0)).getAttribute("message").contains("\"quoted\" & <reasons>"));
        assertEquals("I0005", ((Element) doc.getElementsByTagName("error").item(0)).getAttribute("type"));
    }

    /** A control character quoted from an input (a name written "a\\u0001b" in YAML) cannot be written in XML 1.0. */
    @Test
    void junitStaysWellFormedWithControlCharactersAndCdataEndsInMessages() throws Exception {
        var checked = Scans.check(InputKind.KUBERNETES, "pod\u0007.yaml", POD.replace("name: \"a<b>\"", "name: \"a\\u0001]]>\\uFFFEb\""));
        String xml = JunitReport.render(Scans.triage(checked));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertTrue(failure.getTextContent().contains("[Pod/a\uFFFD]]>\uFFFDb"), failure.getTextContent());
        assertEquals("pod\uFFFD.yaml", ((Element) doc.getElementsByTagName("testsuite").item(0)).getAttribute("name"));
        assertEquals("\uD83D\uDE00 \uFFFD", JunitReport.xml("\uD83D\uDE00 \uD800"), "pairs stay, lone surrogates go");
    }

    @Test
    void githubAnnotationsEscapeTheirProperties() {
        String out = GithubReport.render(results(true));
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.contains("::error file=pod.yaml,line=5,col=16,endLine=5,endColumn=19,title=T-NET Host network (high)::"
            + "container app uses the host network [Pod/a<b>]") || out.contains("title=T-NET Host network (high)"), out);
        assertTrue(out.contains("::error file=broken.yaml,line=2,col=3,endLine=2,endColumn=3,title=policy I0005::bad, very: bad\n"), out);
        assertEquals("a%3Ab%2Cc%25%0A", GithubReport.property("a:b,c%\n"));
    }

    @Test
    void summaryCountsByThreatAndSeverity() {
        String table = SummaryTable.render(results(false));
        assertTrue(table.lines().anyMatch(l -> l.matches("container-escape\\s+1\\s+0\\s+0\\s+0\\s+0\\s+1")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("network-security\\s+0\\s+1\\s+0\\s+0\\s+0\\s+1")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("total\\s+1\\s+1\\s+0\\s+0\\s+0\\s+2")), table);
        assertTrue(table.contains("suppressed: 1, failing: 2, errors: 0"), table);
    }
}
