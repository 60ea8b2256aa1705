package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertNoDiagnostics;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.load;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON as the API server and jq write it: compact, escaped, several objects in a row. */
class JsonEdgeCasesTest {

    @Test
    void compactJsonWithEscapes() {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"annotations\":"
            + "{\"url\":\"http:\\/\\/example.com\\/a\",\"caf\\u00e9\":\"tab\\there\",\"q\":\"\\\"quoted\\\"\"}},"
            + "\"data\":{\"n\":\"1e3\"}}";
        LoadResult r = load("compact.json", json);
        assertNoDiagnostics(r);
        Document d = only(r);
        Value ann = get(d.view("metadata"), "annotations");
        assertEquals("http://example.com/a", str(get(ann, "url")));
        assertEquals("tab\there", str(get(ann, "caf\u00e9")));
        assertEquals("\"quoted\"", str(get(ann, "q")));
        assertEquals(json.indexOf("\"c\"") + 1, get(d.view("metadata"), "name").span().column());
        assertEquals(json.indexOf("\"c\"") + 3, get(d.view("metadata"), "name").span().endColumn());
    }

    @Test
    void jsonNumbersAndLiterals() {
        String json = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {"
            + "\"hostNetwork\": false, \"priority\": -5, \"terminationGracePeriodSeconds\": 3E+1, \"nodeName\": null,"
            + "\"containers\": [{\"name\": \"c\", \"image\": \"x\"}]}}";
        LoadResult r = load("n.json", json);
        assertNoDiagnostics(r);
        Value pod = only(r).view("pod");
        assertEquals(-5L, ((Value.Int) get(pod, "priority")).value());
        assertEquals(30L, ((Value.Int) get(pod, "terminationGracePeriodSeconds")).value());
        assertTrue(get(pod, "nodeName") instanceof Value.Null);
        assertTrue(get(pod, "hostNetwork") instanceof Value.Bool b && !b.value());
    }

    @Test
    void aTopLevelJsonArrayIsNotAnObject() {
        LoadResult r = load("arr.json", "[{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}]");
        assertEquals(0, r.documents().size());
        assertEquals(List.of("K1010"), r.diagnostics().stream().map(d -> d.code()).toList());
    }

    @Test
    void invalidJsonIsLocated() {
        LoadResult r = load("bad.json", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\"\n  \"metadata\": {}\n}\n");
        assertEquals(0, r.documents().size());
        assertTrue(r.diagnostics().get(0).isError());
        assertEquals(4, r.diagnostics().get(0).span().line(), r.diagnostics().get(0).headline());
    }

    @Test
    void aStreamOfJsonObjects() {
        LoadResult r = load("-", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}\n"
            + "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"b\"}}\n");
        assertNoDiagnostics(r);
        assertEquals(List.of("Namespace/a", "Namespace/b"), r.documents().stream().map(d -> d.resource().display()).toList());
        assertEquals(2, r.documents().get(1).resource().span().line());
        assertEquals(1, r.documents().get(1).resource().span().column());
        assertEquals(68, r.documents().get(1).resource().span().endColumn());
    }

    @Test
    void aYamlFlowMappingOnStandardInputIsStillRead() {
        LoadResult r = load("-", "{apiVersion: v1, kind: Namespace, metadata: {name: flow}}\n");
        assertNoDiagnostics(r);
        assertEquals("Namespace/flow", only(r).resource().display());
        LoadResult named = load("flow.json", "{apiVersion: v1, kind: Namespace, metadata: {name: flow}}\n");
        assertEquals(0, named.documents().size(), "a .json file must be JSON");
        assertEquals("I1100", named.diagnostics().get(0).code());
    }

    @Test
    void duplicateJsonKeysWarnAndTheLastWins() {
        LoadResult r = load("d.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\", \"name\": \"b\"}}");
        assertEquals("b", only(r).resource().name());
        assertEquals(List.of("I1107"), r.diagnostics().stream().map(d -> d.code()).toList());
        assertEquals(69, r.diagnostics().get(0).span().column());
    }
}
