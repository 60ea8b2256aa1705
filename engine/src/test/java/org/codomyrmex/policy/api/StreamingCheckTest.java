package org.codomyrmex.policy.api;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.runtime.CompiledRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PolicyEngine#check} streams: rules that do not read {@code scan} run as each document is loaded, the
 * others at the end. The findings must be the same as checking every document together.
 */
class StreamingCheckTest {
    static final String POLICY = """
        package stream

        func has_default_deny(s, ns) = any p in s.networkPolicies[ns]: p.spec.podSelector == {}
        func upper_name(n) = upper(n)

        rule S-1 "Namespace without default-deny" {
          severity medium
          threat network-security
          on kubernetes(Namespace)
          where none p in scan.networkPolicies[name]: p.spec.podSelector == {}
          report "namespace {name} has no default-deny policy" at resource.metadata.name
        }

        rule S-2 "Privileged container" {
          severity high
          threat container-escape
          on kubernetes
          for c in containers
          where c.privileged == true
          report "{c.name} is privileged" at c.privileged
        }

        rule S-3 "Workload in a namespace without default-deny" {
          severity low
          threat network-security
          on kubernetes
          where pod != null and not has_default_deny(scan, namespace)
          report "{name} runs where nothing denies by default" at resource.metadata.name
        }

        rule S-4 "Upper-case name" {
          severity info
          threat kubernetes-security
          on kubernetes
          where upper_name(name) == name
          report "{name} is upper case" at resource.metadata.name
        }
        """;

    static final String NAMESPACES = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: open}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: closed}
        """;

    static final String POLICIES = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: closed}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        """;

    static final String WORKLOADS = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: open}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: nginx:1.27
                  securityContext: {privileged: true}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: API, namespace: closed}
        spec:
          containers:
            - name: api
              image: nginx:1.27
        """;

    private static PolicyEngine engine() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false).addPolicySource("stream.policy", POLICY).build();
        assertFalse(engine.hasPolicyErrors(), engine.policyDiagnostics().toString());
        return engine;
    }

    @Test
    void rulesAreMarkedByWhetherTheyMayReadTheScanView() {
        Map<String, Boolean> reads = engine().compiledPolicy().rules().stream()
            .collect(Collectors.toMap(r -> r.info().id(), CompiledRule::readsScan));
        assertEquals(Map.of("S-1", true, "S-2", false, "S-3", true, "S-4", false), reads,
            "S-3 hands scan to a function; S-4 calls a function but never names scan");
    }

    @Test
    void streamingGivesTheSameFindingsAsCheckingAllDocumentsTogether(@TempDir Path dir) throws Exception {
        // The namespaces come first and their NetworkPolicy last: the scan rules must still see it.
        Files.writeString(dir.resolve("a-namespaces.yaml"), NAMESPACES);
        Files.writeString(dir.resolve("b-workloads.yaml"), WORKLOADS);
        Files.writeString(dir.resolve("c-policies.yaml"), POLICIES);
        List<InputSource> sources = new ArrayList<>();
        for (String f : List.of("a-namespaces.yaml", "b-workloads.yaml", "c-policies.yaml")) {
            sources.add(InputSource.ofPath(dir.resolve(f).toString(), dir.resolve(f)));
        }
        PolicyEngine engine = engine();
        Report streamed = engine.check(sources, Optional.empty());

        List<Document> all = new ArrayList<>();
        for (LoadResult r : Inputs.loadAll(sources, Optional.empty(), LoadOptions.defaults())) all.addAll(r.documents());
        Report together = engine.checkDocuments(all);

        assertEquals(messages(together), messages(streamed));
        // With room for one waiting document only, the scan rules run in a second pass over the files read again.
        Report reread = engine.check(sources, CheckOptions.defaults(), 1);
        assertEquals(messages(together), messages(reread));
        assertEquals(5, reread.documentsChecked());
        assertTrue(reread.diagnostics().isEmpty(), reread.diagnostics().toString());
        assertEquals(List.of("API is upper case", "app is privileged", "namespace open has no default-deny policy",
            "web runs where nothing denies by default"), messages(streamed).stream().sorted().toList());
        assertEquals(5, streamed.documentsChecked());
        assertTrue(streamed.diagnostics().isEmpty(), streamed.diagnostics().toString());
        // Texts are kept for the files findings point into (for excerpts), not for the others.
        assertTrue(streamed.sources().containsKey(dir.resolve("b-workloads.yaml").toString()));
        assertFalse(streamed.sources().containsKey(dir.resolve("c-policies.yaml").toString()));
    }

    /**
     * Past the budget for kept texts a file's text is read again for its excerpts; text from memory under the
     * name of a file on disk (`policy check - --stdin-filename deploy.yaml`) is kept all the same, or the report
     * would show that file's lines for the findings of another text.
     */
    @Test
    void textFromMemoryIsKeptPastTheBudgetEvenUnderTheNameOfAFileOnDisk(@TempDir Path dir) throws Exception {
        Path onDisk = dir.resolve("b-workloads.yaml");
        Files.writeString(onDisk, WORKLOADS);
        Path sameName = dir.resolve("deploy.yaml");
        Files.writeString(sameName, "# another text entirely\n");
        String stdin = "# piped\n" + WORKLOADS;
        List<InputSource> sources = List.of(InputSource.ofPath(onDisk.toString(), onDisk),
            InputSource.ofText(sameName.toString(), stdin));
        Report report = engine().check(sources, CheckOptions.defaults(), Integer.MAX_VALUE, 0);
        assertTrue(report.findings().stream().anyMatch(f -> f.location().file().equals(sameName.toString())));
        assertFalse(report.sources().containsKey(onDisk.toString()), "read again from disk when shown");
        assertEquals(stdin, report.sources().get(sameName.toString()).text());
    }

    @Test
    void severalThreadsGiveTheSameReportInTheSameOrderAndTellTheListener(@TempDir Path dir) throws Exception {
        List<InputSource> sources = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // more than one batch
            String text = switch (i % 3) {
                case 0 -> NAMESPACES.replace("open", "open" + i).replace("closed", "closed" + i);
                case 1 -> WORKLOADS.replace("open", "open" + (i - 1));
                default -> POLICIES.replace("closed", "closed" + (i - 2));
            };
            Path f = dir.resolve(String.format("f%03d.yaml", i));
            Files.writeString(f, text);
            sources.add(InputSource.ofPath(f.toString(), f));
        }
        PolicyEngine engine = engine();
        Report one = engine.check(sources, CheckOptions.defaults());
        java.util.concurrent.atomic.AtomicInteger loaded = new java.util.concurrent.atomic.AtomicInteger();
        List<String> documents = new ArrayList<>();
        int[] units = {0};
        CheckOptions.Listener listener = new CheckOptions.Listener() {
            @Override
            public void starting(int n) {
                units[0] = n;
            }

            @Override
            public void loaded() {
                loaded.incrementAndGet();
            }

            @Override
            public void document(Document d) {
                documents.add(d.resource().display());
            }
        };
        Report two = engine.check(sources, CheckOptions.defaults().withJobs(2).withListener(listener));
        assertEquals(messages(one), messages(two));
        assertEquals(one.findings().stream().map(f -> f.location().toString()).toList(),
            two.findings().stream().map(f -> f.location().toString()).toList());
        assertEquals(250, two.documentsChecked());
        assertEquals(150, units[0]);
        assertEquals(150, loaded.get());
        assertEquals(250, documents.size());
        assertTrue(documents.get(0).contains("open0"), documents.get(0));
        // Namespaces 0, 3, 6... each get their deny policy two files later: only workloads' namespaces are open.
        assertEquals(50, messages(two).stream().filter(m -> m.contains("has no default-deny")).count());
    }

    @Test
    void aCancelledCheckStopsOnOneThreadOrSeveral(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.yaml");
        Files.writeString(f, WORKLOADS);
        List<InputSource> sources = List.of(InputSource.ofPath(f.toString(), f));
        org.codomyrmex.policy.runtime.Cancellation cancelled = org.codomyrmex.policy.runtime.Cancellation.create();
        cancelled.cancel();
        for (int jobs : new int[] {1, 2}) {
            CheckOptions options = CheckOptions.defaults().withJobs(jobs).withCancellation(cancelled);
            org.junit.jupiter.api.Assertions.assertThrows(org.codomyrmex.policy.runtime.Budget.Interrupted.class,
                () -> engine().check(sources, options), "jobs " + jobs);
        }
        assertEquals(4, engine().check(sources, CheckOptions.defaults()
            .withCancellation(org.codomyrmex.policy.runtime.Cancellation.create())).findings().size());
    }

    @Test
    void profileCountsEachRuleAndFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("w.yaml"), WORKLOADS);
        CheckProfile profile = new CheckProfile();
        Report r = engine().check(List.of(InputSource.ofPath(dir.resolve("w.yaml").toString(), dir.resolve("w.yaml"))),
            Optional.empty(), profile);
        assertEquals(4, r.findings().size());
        Map<String, Long> runs = profile.rules().stream().collect(Collectors.toMap(CheckProfile.Entry::name, CheckProfile.Entry::count));
        assertEquals(Map.of("S-2", 2L, "S-3", 2L, "S-4", 2L), runs, "S-1 applies to Namespaces only");
        assertEquals(List.of(dir.resolve("w.yaml").toString()), profile.files().stream().map(CheckProfile.Entry::name).toList());
        assertEquals(2, profile.files().get(0).count());
        assertTrue(profile.render(5).contains("S-2"));
    }

    private static List<String> messages(Report r) {
        return r.findings().stream().map(Finding::message).toList();
    }
}
