package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertConforms;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.assertNoDiagnostics;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same pod spec, placed where each pod-bearing kind keeps it, gives the same pod and container views. */
class PodKindsTest {
    private static final String META = "labels:\n  app: demo\nannotations:\n  team: platform\n";

    private static String podSpec() throws IOException {
        return Files.readString(KubeTesting.fixture("semantics/pod-spec.yaml"));
    }

    private static String indent(String text, int n) {
        String pad = " ".repeat(n);
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) sb.append(line.isEmpty() ? "" : pad + line).append('\n');
        return sb.toString();
    }

    /** Each kind's manifest, with the shared pod spec at its pod location. */
    static Map<String, String> manifests() throws IOException {
        String spec = podSpec();
        Map<String, String> m = new LinkedHashMap<>();
        String objectMeta = "metadata:\n  name: demo\n" + indent(META, 2);
        m.put("Pod", "apiVersion: v1\nkind: Pod\n" + objectMeta + "spec:\n" + indent(spec, 2));
        for (String[] k : new String[][] {{"apps/v1", "Deployment"}, {"apps/v1", "ReplicaSet"}, {"v1", "ReplicationController"},
            {"apps/v1", "StatefulSet"}, {"apps/v1", "DaemonSet"}, {"batch/v1", "Job"}}) {
            m.put(k[1], "apiVersion: " + k[0] + "\nkind: " + k[1] + "\n" + objectMeta + "spec:\n"
                + "  selector:\n    matchLabels:\n      app: demo\n"
                + "  template:\n    metadata:\n" + indent(META, 6) + "    spec:\n" + indent(spec, 6));
        }
        m.put("CronJob", "apiVersion: batch/v1\nkind: CronJob\n" + objectMeta + "spec:\n  schedule: \"*/5 * * * *\"\n"
            + "  jobTemplate:\n    spec:\n      template:\n        metadata:\n" + indent(META, 10)
            + "        spec:\n" + indent(spec, 10));
        m.put("PodTemplate", "apiVersion: v1\nkind: PodTemplate\n" + objectMeta
            + "template:\n  metadata:\n" + indent(META, 4) + "  spec:\n" + indent(spec, 4));
        return m;
    }

    @Test
    void everyPodBearingKindGivesTheSameViews() throws IOException {
        Map<String, String> manifests = manifests();
        Document pod = only(KubeTesting.load("pod.yaml", manifests.get("Pod")));
        for (Map.Entry<String, String> e : manifests.entrySet()) {
            LoadResult r = KubeTesting.load(e.getKey() + ".yaml", e.getValue());
            assertNoDiagnostics(r);
            assertConforms(r);
            Document d = only(r);
            assertEquals(e.getKey(), d.resource().kind());
            for (String view : new String[] {"pod", "containers", "volumes", "serviceAccount"}) {
                assertTrue(Values.equal(pod.view(view), d.view(view)), e.getKey() + ": view " + view + " differs:\n"
                    + Values.literal(d.view(view)) + "\nexpected\n" + Values.literal(pod.view(view)));
            }
            for (String field : new String[] {"labels", "annotations"}) {
                assertTrue(Values.equal(get(pod.view("podMetadata"), field), get(d.view("podMetadata"), field)),
                    e.getKey() + ": podMetadata." + field);
            }
            assertEquals(4, d.parts().size(), e.getKey() + " parts");
            assertEquals("app", d.parts().get(1).name());
        }
    }

    @Test
    void liftedPodFieldsPointAtThePodSpecLineInEveryKind() throws IOException {
        for (Map.Entry<String, String> e : manifests().entrySet()) {
            String text = e.getValue();
            Document d = only(KubeTesting.load(e.getKey() + ".yaml", text));
            int offset = text.indexOf("hostNetwork: true") + "hostNetwork: ".length();
            int line = (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
            int column = offset - text.lastIndexOf('\n', offset - 1);
            Value hostNetwork = get(d.view("containers"), 1, "hostNetwork");
            assertEquals(new Span(e.getKey() + ".yaml", line, column, line, column + 3), hostNetwork.span(), e.getKey());
        }
    }

    @Test
    void kindsWithoutAPodHaveNoPodViews() {
        Document d = only(KubeTesting.load("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n"));
        assertTrue(d.view("pod") instanceof Value.Null);
        assertTrue(d.view("podMetadata") instanceof Value.Null);
        assertEquals(0, ((Value.ListV) d.view("containers")).items().size());
        assertEquals(0, ((Value.ListV) d.view("volumes")).items().size());
        assertTrue(d.view("serviceAccount") instanceof Value.Null);
    }

    @Test
    void aCustomKindNamedLikeABuiltinIsNotReadAsAPod() {
        // Volcano's Job lives in its own API group and has no spec.template.spec.
        Document d = only(KubeTesting.load("vc.yaml", "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: j}\n"
            + "spec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n"));
        assertTrue(d.view("pod") instanceof Value.Null);
        assertEquals(0, ((Value.ListV) d.view("containers")).items().size());
    }
}
