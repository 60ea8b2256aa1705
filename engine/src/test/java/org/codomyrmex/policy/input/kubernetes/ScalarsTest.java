package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.headlines;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.load;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scalars are typed as Kubernetes types them (YAML 1.1 through sigs.k8s.io/yaml), see docs/inputs-kubernetes.md. */
class ScalarsTest {

    private static Document pod(String podSpecLines) {
        LoadResult r = load("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + podSpecLines
            + "  containers: [{name: c, image: x}]\n");
        assertEquals("", headlines(r.diagnostics()));
        return only(r);
    }

    private static Value container(Document d, String field) {
        return get(d.view("containers"), 0, field);
    }

    @Test
    void yaml11BooleansAreBooleans() {
        for (String yes : List.of("yes", "Yes", "YES", "on", "On", "ON", "y", "Y", "true", "True")) {
            Value v = container(pod("  hostNetwork: " + yes + "\n"), "hostNetwork");
            assertTrue(v instanceof Value.Bool b && b.value(), yes);
        }
        for (String no : List.of("no", "No", "off", "OFF", "n", "N", "false", "FALSE")) {
            Value v = container(pod("  hostPID: " + no + "\n"), "hostPID");
            assertTrue(v instanceof Value.Bool b && !b.value(), no);
        }
    }

    @Test
    void quotedBooleanWordsAreStrings() {
        Document d = only(load("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: \"yes\", mode: 'on'}\n"));
        assertEquals("yes", str(get(d.view("configMap"), "data", "enabled")));
        assertEquals("on", str(get(d.view("configMap"), "data", "mode")));
    }

    @Test
    void yaml11NumbersOctalHexAndIntegralFloats() {
        Document d = pod("  securityContext: {runAsUser: 0x3E8, runAsGroup: 1e3, fsGroup: 02000}\n");
        assertEquals(1000L, ((Value.Int) container(d, "runAsUser")).value());
        assertEquals(1000L, ((Value.Int) container(d, "runAsGroup")).value(), "1e3 reaches Kubernetes as the JSON number 1000");
        assertEquals(1024L, ((Value.Int) get(d.view("pod"), "securityContext", "fsGroup")).value());
    }

    @Test
    void unquotedWordsThatAreBooleansBreakStringFields() {
        // Kubernetes reads `name: n` as false, and rejects it; rules see the text as written.
        LoadResult r = load("n.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels: {debug: on}\n");
        Document d = only(r);
        List<Diagnostic> ds = r.diagnostics();
        assertEquals(2, ds.size(), headlines(ds));
        assertEquals("K2002", ds.get(0).code());
        assertTrue(ds.get(0).message().contains("found the bool n"), ds.get(0).message());
        assertEquals("\"n\"", ds.get(0).hint().orElseThrow().substring("quote it: ".length()));
        assertEquals("n", str(d.view("name")));
        assertEquals("n", d.resource().name());
        assertEquals("on", str(get(d.view("metadata"), "labels", "debug")));
    }

    @Test
    void numbersInStringFieldsKeepTheirWrittenText() {
        LoadResult r = load("v.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {version: 1.20}}\n"
            + "data: {ratio: 0.50, port: 0x50}\n");
        Document d = only(r);
        assertEquals(3, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals("1.20", str(get(d.view("metadata"), "labels", "version")));
        assertEquals("0.50", str(get(d.view("configMap"), "data", "ratio")));
        assertEquals("0x50", str(get(d.view("configMap"), "data", "port")));
    }

    @Test
    void nullFieldsStayNull() {
        Document d = pod("  hostNetwork: ~\n  securityContext: null\n");
        assertTrue(container(d, "hostNetwork") instanceof Value.Null);
        assertTrue(container(d, "runAsUser") instanceof Value.Null);
    }

    @Test
    void windowsLineEndingsKeepSpansAndWrittenText() {
        LoadResult r = load("crlf.yaml", "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: c\r\n  labels:\r\n    version: 1.10\r\n");
        Document d = only(r);
        assertEquals(1, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals(6, r.diagnostics().get(0).span().line());
        assertEquals(14, r.diagnostics().get(0).span().column());
        assertEquals("1.10", str(get(d.view("metadata"), "labels", "version")));
    }

    @Test
    void charactersBeyondTheBmpKeepSpansAndWrittenText() {
        // SnakeYAML counts columns in code points: after an emoji the span was one column short per emoji, so the
        // text read back for `v: 1.10` was ": 1." and rules saw that.
        LoadResult r = load("e.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: \"\uD83D\uDE00\uD83D\uDE00\", v: 1.10}}\n");
        Document d = only(r);
        assertEquals(1, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals(44, r.diagnostics().get(0).span().column());
        assertEquals(47, r.diagnostics().get(0).span().endColumn());
        assertEquals("1.10", str(get(d.view("metadata"), "labels", "v")));
    }

    @Test
    void unicodeLineSeparatorsDoNotShiftLines() {
        // SnakeYAML also breaks lines at NEL, LS and PS (in a quoted string they fold); the file's lines end at LF.
        LoadResult r = load("ls.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {a: \"x\u2028y\"}\n"
            + "  labels:\n    version: 1.10\n");
        only(r);
        assertEquals(1, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals(7, r.diagnostics().get(0).span().line());
        assertEquals(14, r.diagnostics().get(0).span().column());
    }

    @Test
    void writtenTextLeavesOutAnchorsAndTags() {
        // The span of `&ver 1.10` starts at the anchor: rules saw the label as "&ver 1.10".
        LoadResult r = load("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {v: &ver 1.10, w: !!float 1.20, x: *ver}}\n");
        Document d = only(r);
        assertEquals(3, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals("1.10", str(get(d.view("metadata"), "labels", "v")));
        assertEquals("1.20", str(get(d.view("metadata"), "labels", "w")));
        assertEquals("1.10", str(get(d.view("metadata"), "labels", "x")));
        assertTrue(r.diagnostics().get(1).message().contains("the string \"1.20\""), r.diagnostics().get(1).message());
    }
}
