package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.CpuTime;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertConforms;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.headlines;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.load;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input never throws and is never dropped silently: each problem is a located diagnostic. */
class BadInputTest {

    private static Diagnostic single(LoadResult r, String code) {
        List<Diagnostic> found = r.diagnostics().stream().filter(d -> d.code().equals(code)).toList();
        assertEquals(1, found.size(), "expected one " + code + " in:\n" + headlines(r.diagnostics()));
        return found.get(0);
    }

    private static void assertAt(Diagnostic d, String file, int line, int column) {
        assertEquals(file, d.span().file(), d.headline());
        assertEquals(line, d.span().line(), d.headline());
        assertEquals(column, d.span().column(), d.headline());
    }

    @Test
    void invalidYamlIsLocatedAndEarlierObjectsAreKept() {
        LoadResult r = load("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
            + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n  labels: {}\n");
        assertEquals(1, r.documents().size());
        Diagnostic d = single(r, "I1001");
        assertTrue(d.isError());
        assertEquals(9, d.span().line(), d.headline());
    }

    @Test
    void aNullKeyIsALocatedErrorAsKubectlRefusesTheObject() {
        // sigs.k8s.io/yaml cannot write a nil key as a JSON object key; it was read as the label "~".
        LoadResult r = load("nullkey.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: web\n"
            + "    ~: x\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n");
        Diagnostic d = single(r, "I1015");
        assertTrue(d.isError());
        assertAt(d, "nullkey.yaml", 7, 5);
        Document doc = only(r);
        assertEquals(List.of("app"), List.copyOf(((Value.MapV) get(doc.view("metadata"), "labels")).entries().keySet()));
    }

    @Test
    void documentsThatAreNotMappingsAreReported() {
        LoadResult r = load("seq.yaml", "- apiVersion: v1\n  kind: Pod\n---\njust text\n");
        assertEquals(0, r.documents().size());
        assertEquals(2, r.diagnostics().size(), headlines(r.diagnostics()));
        assertEquals("K1010", r.diagnostics().get(0).code());
        assertAt(r.diagnostics().get(0), "seq.yaml", 1, 1);
        assertTrue(r.diagnostics().get(0).message().contains("found a list"), r.diagnostics().get(0).message());
        assertAt(r.diagnostics().get(1), "seq.yaml", 4, 1);
    }

    @Test
    void objectsWithoutApiVersionOrKindAreSkippedWithAWarning() {
        LoadResult r = load("nokind.yaml", "apiVersion: v1\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n"
            + "---\napiVersion: v1\nkind: 5\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: kept}\n");
        assertEquals(List.of("Namespace/kept"), r.documents().stream().map(d -> d.resource().display()).toList());
        assertEquals(3, r.diagnostics().size(), headlines(r.diagnostics()));
        for (Diagnostic d : r.diagnostics()) {
            assertEquals("K1011", d.code());
            assertEquals(Diagnostic.Level.WARNING, d.level());
        }
        assertTrue(r.diagnostics().get(0).message().contains("no kind"), r.diagnostics().get(0).message());
        assertTrue(r.diagnostics().get(1).message().contains("no apiVersion"), r.diagnostics().get(1).message());
        assertAt(r.diagnostics().get(1), "nokind.yaml", 4, 1);
    }

    @Test
    void hugeNestingEndsInALocatedError() {
        String deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nspec: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n";
        LoadResult r = load("deep.yaml", deep);
        assertEquals(0, r.documents().size());
        assertFalse(r.diagnostics().isEmpty());
        Diagnostic d = r.diagnostics().get(0);
        assertTrue(d.isError());
        assertEquals("deep.yaml", d.span().file());
        assertTrue(d.span().line() >= 1, d.headline());

        StringBuilder json = new StringBuilder();
        for (int i = 0; i < 5_000; i++) json.append("{\"a\":");
        json.append("1").append("}".repeat(5_000));
        LoadResult j = load("deep.json", json.toString());
        assertEquals(0, j.documents().size());
        assertTrue(j.diagnostics().get(0).isError(), headlines(j.diagnostics()));
    }

    @Test
    void aliasBombIsRefusedWhereItExpands() {
        // 10^9 strings if expanded. Sharing nodes kept the loader small, but `policy parse` and any rule walking the
        // document expand them, so the file is refused as go-yaml refuses excessive aliasing (hardening branch).
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n  annotations:\n");
        y.append("    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            y.append("    a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 10; k++) y.append(k > 0 ? ", " : "").append("*a").append(i - 1);
            y.append("]\n");
        }
        y.append("spec:\n  containers:\n    - name: c\n      image: x\n      args: *a8\n      command: *a8\n");
        long start = CpuTime.nanos(); // this thread's CPU time: other work on the machine does not count
        LoadResult r = load("bomb.yaml", y.toString());
        long millis = CpuTime.millisSince(start);
        assertTrue(millis < 10_000, "took too long: " + millis + " ms of CPU time");
        assertEquals(0, r.documents().size());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals("I1003", d.code(), headlines(r.diagnostics()));
        assertTrue(d.span().line() >= 6 && d.span().line() <= 14, d.headline());
    }

    @Test
    void aliasesAcrossALongStreamDoNotEndIt() {
        // SnakeYAML counted collection aliases over the whole stream and stopped at 100 with an unlocated
        // "invalid YAML": 60 Deployments reusing their labels three times each lost the last 27.
        StringBuilder y = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            y.append("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d").append(i)
                .append(", namespace: ns, labels: &l {app: a}}\nspec:\n  selector: {matchLabels: *l}\n  template:\n")
                .append("    metadata: {labels: *l}\n    spec:\n      containers: [{name: c, image: x, env: &e [{name: A, value: b}]}]\n")
                .append("      initContainers: [{name: i, image: x, env: *e}]\n");
        }
        LoadResult r = load("many.yaml", y.toString());
        assertEquals("", headlines(r.diagnostics()));
        assertEquals(60, r.documents().size());
    }

    @Test
    void valuesKubernetesWouldRejectAreReportedWhereTheyAre() {
        String text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              labels:
                version: 1.10
            spec:
              containers:
                - name: c
                  image: x
                  ports:
                    - containerPort: http
                  env:
                    - name: PORT
                      value: 8080
                  securityContext:
                    privileged: "true"
                    runAsUser: "1000"
              volumes: {}
            """;
        LoadResult r = load("p.yaml", text);
        Document d = only(r);
        assertConforms(r);
        Diagnostic label = r.diagnostics().get(0);
        assertEquals("K2002", label.code());
        assertAt(label, "p.yaml", 6, 14);
        assertTrue(label.message().contains("'metadata.labels.version'"), label.message());
        assertEquals("1.10", str(get(d.view("metadata"), "labels", "version")), "read as the text written");

        Diagnostic port = r.diagnostics().stream().filter(x -> x.message().contains("containerPort")).findFirst().orElseThrow();
        assertEquals("K2004", port.code());
        assertAt(port, "p.yaml", 12, 26);
        assertTrue(get(d.view("containers"), 0, "ports", 0, "containerPort") instanceof Value.Null);

        Diagnostic env = r.diagnostics().stream().filter(x -> x.message().contains("env[0].value")).findFirst().orElseThrow();
        assertEquals("K2002", env.code());
        assertEquals("8080", str(get(d.view("containers"), 0, "env", 0, "value")));

        List<Diagnostic> quoted = r.diagnostics().stream().filter(x -> x.code().equals("K2003")).toList();
        assertEquals(2, quoted.size(), headlines(r.diagnostics()));
        assertEquals(Boolean.TRUE, ((Value.Bool) get(d.view("containers"), 0, "privileged")).value());
        assertEquals(1000L, ((Value.Int) get(d.view("containers"), 0, "runAsUser")).value());

        assertTrue(r.diagnostics().stream().anyMatch(x -> x.message().contains("'spec.volumes' must be a list")),
            headlines(r.diagnostics()));
    }

    @Test
    void unknownFieldsAreWarnedWithASuggestion() {
        String text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              template:
                spec:
                  containers:
                    - name: c
                      image: x
                      securityContex:
                        privileged: true
            replicas: 3
            """;
        LoadResult r = load("typo.yaml", text);
        Document d = only(r);
        assertConforms(r);
        Diagnostic typo = r.diagnostics().stream().filter(x -> x.message().contains("securityContex")).findFirst().orElseThrow();
        assertEquals("K2001", typo.code());
        assertEquals(Diagnostic.Level.WARNING, typo.level());
        assertAt(typo, "typo.yaml", 10, 11);
        assertEquals("did you mean 'securityContext'?", typo.hint().orElseThrow());
        assertTrue(get(d.view("containers"), 0, "privileged") instanceof Value.Null, "rules do not see the misspelt field");
        Diagnostic top = r.diagnostics().stream().filter(x -> x.message().contains("'replicas'")).findFirst().orElseThrow();
        assertAt(top, "typo.yaml", 12, 1);
        assertEquals(2, r.diagnostics().size(), headlines(r.diagnostics()));
    }

    @Test
    void mountOfAnUndefinedVolumeAndBadBase64() {
        LoadResult r = load("m.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: c
                  image: x
                  volumeMounts:
                    - {name: missing, mountPath: /m}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            data:
              token: not base64!
            """);
        assertEquals(2, r.documents().size());
        assertAt(single(r, "K2005"), "m.yaml", 9, 18);
        Diagnostic b64 = single(r, "K2006");
        assertAt(b64, "m.yaml", 15, 10);
        assertEquals("not base64!", str(get(r.documents().get(1).view("secret"), "data", "token")));
    }

    @Test
    void secretDataWithoutBase64PaddingIsRefusedAsKubernetesRefusesIt() {
        // Go's base64.StdEncoding requires the '=' padding that Java's decoder treats as optional.
        LoadResult r = load("s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: YWJjZA\n  b: \"YWJj\\nZA==\"\n");
        assertAt(single(r, "K2006"), "s.yaml", 5, 6);
        Value secret = r.documents().get(0).view("secret");
        assertEquals("YWJjZA", str(get(secret, "data", "a")));
        assertEquals("abcd", str(get(secret, "data", "b")), "line breaks inside the encoded text are skipped");
    }

    @Test
    void numbersJsonCannotHoldAreErrorsWhereWritten() {
        // kubectl converts YAML to JSON before sending it: `.inf` fails with "json: unsupported value: +Inf",
        // and Go's JSON decoder refuses 1e999. Both objects were read without a word.
        LoadResult yaml = load("i.yaml", "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: c}\n"
            + "spec: {limits: &a {x: .inf}, a: *a, b: *a, n: .NaN}\n");
        assertEquals(2, yaml.diagnostics().size(), headlines(yaml.diagnostics()));
        assertAt(yaml.diagnostics().stream().filter(d -> d.message().contains("infinite")).findFirst().orElseThrow(), "i.yaml", 4, 23);
        assertAt(yaml.diagnostics().stream().filter(d -> d.message().contains("NaN")).findFirst().orElseThrow(), "i.yaml", 4, 47);
        assertEquals(1, yaml.documents().size(), "the object is still checked");
        LoadResult json = load("i.json", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}, \"x\": 1e999}");
        assertAt(single(json, "K1014"), "i.json", 1, 75);
        assertTrue(load("q.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: \".inf\"}\n").diagnostics().isEmpty());
    }

    @Test
    void invalidUtf8IsLocated() {
        byte[] bytes = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: \"caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        LoadResult r = new KubernetesLoader().load(InputSource.ofBytes("latin1.yaml", bytes), LoadOptions.defaults());
        Diagnostic d = single(r, "K1004");
        assertAt(d, "latin1.yaml", 4, 15);
        assertEquals(1, r.documents().size(), "the rest is still read");
    }

    @Test
    void sizeLimitAndUnreadableFiles() {
        LoadOptions tiny = new LoadOptions(10, 10, 50, Map.of());
        LoadResult big = new KubernetesLoader().load(InputSource.ofText("big.yaml", "apiVersion: v1\nkind: Namespace\n"), tiny);
        assertAt(single(big, "K1002"), "big.yaml", 1, 1);
        LoadResult missing = new KubernetesLoader().load(InputSource.ofPath("nope.yaml", Path.of("/nonexistent/nope.yaml")),
            LoadOptions.defaults());
        assertAt(single(missing, "K1001"), "nope.yaml", 1, 1);
    }

    @Test
    void documentLimitIsEnforced() {
        LoadOptions two = new LoadOptions(1 << 20, 2, 50, Map.of());
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: n%d}\n---\n";
        LoadResult r = new KubernetesLoader().load(InputSource.ofText("many.yaml",
            "apiVersion: v1\nkind: List\nitems:\n" + "- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n".repeat(3)
                + "---\n" + String.format(ns, 1)), two);
        assertEquals(2, r.documents().size());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.code().equals("K1013") && d.span().line() == 6),
            headlines(r.diagnostics()));
    }

    @Test
    void unifiedFieldNamesWrittenInAManifestAreNotSilentlyOverwritten() {
        LoadResult r = load("u.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: c
                  image: x
                  runAsUser: 0
                  resources:
                    cpuLimit: 2
                  env:
                    - {name: A, value: b, fromSecret: true}
            """);
        Document d = only(r);
        assertEquals(3, r.diagnostics().size(), headlines(r.diagnostics()));
        Diagnostic runAs = r.diagnostics().get(0);
        assertEquals("K2001", runAs.code());
        assertAt(runAs, "u.yaml", 8, 7);
        assertEquals("it belongs under securityContext", runAs.hint().orElseThrow());
        assertTrue(r.diagnostics().get(1).message().contains("spec.containers[0].resources.cpuLimit"), r.diagnostics().get(1).message());
        assertAt(r.diagnostics().get(2), "u.yaml", 12, 31);
        assertTrue(get(d.view("containers"), 0, "runAsUser") instanceof Value.Null, "the securityContext decides");
        assertTrue(get(d.view("containers"), 0, "env", 0, "fromSecret") instanceof Value.Bool b && !b.value());
    }

    @Test
    void workloadsWhosePodTemplateCannotBeReadAreReported() {
        LoadResult r = load("w.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: no-template}
            spec:
              replicas: 1
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: bad-template}
            spec:
              jobTemplate:
                spec:
                  template: [not, a, mapping]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: no-spec}
            """);
        assertEquals(3, r.documents().size());
        assertEquals(3, r.diagnostics().size(), headlines(r.diagnostics()));
        Diagnostic noTemplate = r.diagnostics().get(0);
        assertEquals("K2007", noTemplate.code());
        assertTrue(noTemplate.message().contains("'spec.template'"), noTemplate.message());
        assertAt(noTemplate, "w.yaml", 5, 3);
        Diagnostic badTemplate = r.diagnostics().get(1);
        assertEquals("K2004", badTemplate.code());
        assertAt(badTemplate, "w.yaml", 13, 17);
        assertEquals("K2007", r.diagnostics().get(2).code());
        assertTrue(r.diagnostics().get(2).message().contains("Pod has no pod spec at 'spec'"), r.diagnostics().get(2).message());
        for (Document d : r.documents()) assertEquals(0, ((Value.ListV) d.view("containers")).items().size());
    }
}
