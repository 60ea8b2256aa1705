package org.codomyrmex.policy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API as a Java caller uses it: every way in, the hook, fingerprints, JSON, and sharing one engine. */
class PublicApiTest {
    static final PolicyEngine ENGINE = PolicyEngine.builder().standardLibrary(false)
        .addPolicySource("escape.policy", PolicyEngineTest.RULE).build();

    static final String PRIVILEGED_POD = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          containers:
            - name: app
              image: nginx:1.27
              securityContext: {privileged: true}
        """;

    static List<String> lines(Report r) {
        return r.findings().stream().map(f -> f.location().file() + ":" + f.location().line() + ":" + f.location().column()
            + " " + f.ruleId() + " " + f.message()).toList();
    }

    @Test
    void checksStringsWithOrWithoutKind() {
        assertEquals(List.of("pod.yaml:8:37 ESC-001 container app runs privileged"), lines(ENGINE.check("pod.yaml", PRIVILEGED_POD)));
        // No name to detect from: the kind given decides.
        assertEquals(List.of("stdin:8:37 ESC-001 container app runs privileged"),
            lines(ENGINE.check("stdin", PRIVILEGED_POD, InputKind.KUBERNETES)));
    }

    @Test
    void checksFilesAndFolders(@TempDir Path dir) throws IOException {
        Path k8s = Files.createDirectories(dir.resolve("k8s"));
        Files.writeString(k8s.resolve("pod.yaml"), PRIVILEGED_POD);
        Files.writeString(k8s.resolve("notes.txt"), "not an input");
        Report folder = ENGINE.check(k8s);
        assertFalse(folder.hasErrors(), folder.diagnostics().toString());
        assertEquals(1, folder.filesScanned());
        assertEquals(List.of(k8s.resolve("pod.yaml") + ":8:37 ESC-001 container app runs privileged"), lines(folder));

        Report missing = ENGINE.check(dir.resolve("absent.yaml"));
        assertTrue(missing.hasErrors());
        assertTrue(missing.errors().get(0).span().file().endsWith("absent.yaml"), missing.errors().toString());
    }

    @Test
    void checksStreamsWithinTheSizeLimit() {
        InputStream in = new ByteArrayInputStream(PRIVILEGED_POD.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("piped:8:37 ESC-001 container app runs privileged"),
            lines(ENGINE.check("piped", in, InputKind.KUBERNETES)));

        PolicyEngine small = PolicyEngine.builder().standardLibrary(false).addPolicySource("escape.policy", PolicyEngineTest.RULE)
            .loadOptions(new org.codomyrmex.policy.input.LoadOptions(100, 10, 50, Map.of())).build();
        Report big = small.check("piped", new ByteArrayInputStream(PRIVILEGED_POD.getBytes(StandardCharsets.UTF_8)), InputKind.KUBERNETES);
        assertEquals(List.of(), big.findings());
        assertEquals("I0012", big.errors().get(0).code());

        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        Report failed = ENGINE.check("piped", broken, InputKind.KUBERNETES);
        assertTrue(failed.errors().get(0).message().contains("connection reset"), failed.errors().toString());
    }

    @Test
    void policiesFromTheClasspath() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false)
            .addPolicyResource("org/codomyrmex/policy/api/escape.policy").build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        assertEquals(List.of("ESC-001"), engine.rules().stream().map(r -> r.id()).toList());
        assertEquals(1, engine.check("pod.yaml", PRIVILEGED_POD).findings().size());

        PolicyEngine missing = PolicyEngine.builder().standardLibrary(false).addPolicyResource("no/such.policy").build();
        assertTrue(missing.hasPolicyErrors());
        assertEquals("P0005", missing.policyDiagnostics().get(0).code());
    }

    @Test
    void parametersAsPlainJavaValues() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("reg.policy", ParametersTest.POLICY)
            .parameters(Map.of("trusted", List.of("ghcr.io"))).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        assertEquals(List.of(), ParametersTest.run(engine));
        assertThrows(IllegalArgumentException.class, () -> PolicyEngine.builder().parameter("trusted", new Object()));
    }

    @Test
    void findingHookDisablesAndOverridesRules() {
        PolicyEngine off = PolicyEngine.builder().standardLibrary(false).addPolicySource("escape.policy", PolicyEngineTest.RULE)
            .findingHook(FindingHook.disableRules(Set.of("ESC-001"))).build();
        assertEquals(List.of(), off.check("pod.yaml", PRIVILEGED_POD).findings());

        PolicyEngine lowered = PolicyEngine.builder().standardLibrary(false).addPolicySource("escape.policy", PolicyEngineTest.RULE)
            .findingHook(FindingHook.none().andThen(FindingHook.overrideSeverities(Map.of("ESC-001", Severity.LOW)))).build();
        Report r = lowered.check("pod.yaml", PRIVILEGED_POD);
        assertEquals(Severity.LOW, r.findings().get(0).severity());
        assertEquals(List.of(), r.findingsAtLeast(Severity.HIGH));

        PolicyEngine broken = PolicyEngine.builder().standardLibrary(false).addPolicySource("escape.policy", PolicyEngineTest.RULE)
            .findingHook((doc, findings) -> { throw new IllegalStateException("bad config"); }).build();
        Report kept = broken.check("pod.yaml", PRIVILEGED_POD);
        assertEquals(1, kept.findings().size(), "a failing hook must not hide findings");
        assertEquals("P0020", kept.errors().get(0).code());
    }

    @Test
    void withFindingHookSwapsTheHookAndLeavesTheEngineAsItWas() {
        PolicyEngine off = ENGINE.withFindingHook(FindingHook.disableRules(Set.of("ESC-001")));
        assertEquals(List.of(), off.check("pod.yaml", PRIVILEGED_POD).findings());
        assertEquals(1, ENGINE.check("pod.yaml", PRIVILEGED_POD).findings().size(), "the original keeps its hook");
        assertEquals(ENGINE.rules(), off.rules());
    }

    @Test
    void fingerprintsSurviveLinesMovingButNotOtherChanges() {
        Report before = ENGINE.check("pod.yaml", PRIVILEGED_POD);
        Report moved = ENGINE.check("pod.yaml", "# a comment\n\n" + PRIVILEGED_POD);
        Report renamed = ENGINE.check("pod.yaml", PRIVILEGED_POD.replace("name: p,", "name: q,"));
        assertNotEquals(before.findings().get(0).location().line(), moved.findings().get(0).location().line());
        assertEquals(before.fingerprints().get(0), moved.fingerprints().get(0));
        assertNotEquals(before.fingerprints().get(0), renamed.fingerprints().get(0));
        assertTrue(before.fingerprints().get(0).matches("[0-9a-f]{32}"));
    }

    @Test
    void jsonHasEveryFieldOfAFinding() throws IOException {
        Report r = ENGINE.check("pod.yaml", PRIVILEGED_POD);
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        JsonNode f = json.get("findings").get(0);
        assertEquals("ESC-001", f.get("rule").asText());
        assertEquals("critical", f.get("severity").asText());
        assertEquals("container-escape", f.get("threat").asText());
        assertEquals("container app runs privileged", f.get("message").asText());
        assertEquals(8, f.get("location").get("line").asInt());
        assertEquals("Pod", f.get("resource").get("kind").asText());
        assertEquals("shop", f.get("resource").get("namespace").asText());
        assertEquals(r.fingerprints().get(0), f.get("fingerprint").asText());
        assertEquals(0, json.get("errors").size());
    }

    @Test
    void oneEngineSharedByManyThreadsGivesTheSameReports() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inputs.add(PRIVILEGED_POD.replace("name: app", "name: app" + i).replace("privileged: true", "privileged: " + (i % 3 != 0)));
        }
        List<String> expected = new ArrayList<>();
        for (String in : inputs) expected.add(ENGINE.check("pod.yaml", in).toJson());

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<List<String>> job = () -> {
                    start.await();
                    List<String> out = new ArrayList<>();
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            int k = (i + offset) % inputs.size();
                            String json = ENGINE.check("pod.yaml", inputs.get(k)).toJson();
                            if (!json.equals(expected.get(k))) out.add("input " + k + " differs on thread " + offset);
                        }
                    }
                    return out;
                };
                results.add(pool.submit(job));
            }
            start.countDown();
            for (Future<List<String>> f : results) assertEquals(List.of(), f.get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, expected.stream().filter(j -> j.contains("ESC-001")).count()); // privileged when i % 3 != 0
    }
}
