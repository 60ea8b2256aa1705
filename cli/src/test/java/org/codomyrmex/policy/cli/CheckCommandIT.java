package org.codomyrmex.policy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.codomyrmex.policy.cli.PolicyCommandIT.PRIVILEGED;
import static org.codomyrmex.policy.cli.PolicyCommandIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end: the built jar with formats, config, suppressions, baselines, scanning, fmt, test, explain. */
class CheckCommandIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static final String ROOT_POLICY = """
        package t
        rule T-ROOT "No USER" {
          severity medium
          threat container-escape
          on dockerfile
          for c in containers
          where c.user == null
          report "container runs as root"
        }
        """;

    /** The tests count findings, so they use their own rules rather than the growing standard library. */
    static final String PRIV_POLICY = """
        package it
        rule T-PRIV "Container runs privileged" {
          severity critical
          threat container-escape
          remediation "Remove privileged mode."
          on kubernetes
          for c in containers
          where c.privileged == true
          report "container {c.name} runs privileged" at c.privileged
        }
        rule T-NET "Host network" {
          severity high
          threat network-security
          on kubernetes
          for c in containers
          where c.hostNetwork == true
          report "container {c.name} uses the host network" at c.hostNetwork
        }
        """;

    static String[] own(Path dir, String... args) throws java.io.IOException {
        Path policy = dir.resolve("own-rules/it.policy");
        Files.createDirectories(policy.getParent());
        if (!Files.exists(policy)) Files.writeString(policy, PRIV_POLICY);
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--no-stdlib", "--policy", policy.toString()));
        return all.toArray(String[]::new);
    }

    @Test
    void severalFormatsAtOnce(@TempDir Path dir) throws Exception {
        Path sarif = dir.resolve("out/policy.sarif");
        PolicyCommandIT.Run r = run(null, own(dir, "check", "examples/", "--format", "text", "--format", "sarif=" + sarif,
            "--format", "json=" + dir.resolve("f.json"), "--format", "junit=" + dir.resolve("junit.xml"),
            "--format", "github=" + dir.resolve("gh.txt"), "--format", "summary=" + dir.resolve("summary.txt")));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("examples/kubernetes/web.yaml (2 findings)"), r.out());
        assertTrue(r.out().contains("  27 |             privileged: true\n     |                         ^^^^\n"), r.out());
        JsonNode log = JSON.readTree(sarif.toFile());
        assertEquals("2.1.0", log.get("version").asText());
        assertEquals(2, log.get("runs").get(0).get("results").size());
        assertEquals(2, JSON.readTree(dir.resolve("f.json").toFile()).get("findings").size());
        assertTrue(Files.readString(dir.resolve("junit.xml")).contains("<failure type=\"T-PRIV\""));
        assertTrue(Files.readString(dir.resolve("gh.txt")).contains("::error file=examples/kubernetes/web.yaml,line=27,col=25"));
        assertTrue(Files.readString(dir.resolve("summary.txt")).lines().anyMatch(l -> l.matches("container-escape\\s+1\\s+0\\s+0\\s+0\\s+0\\s+1")));

        PolicyCommandIT.Run clash = run(null, "check", "examples/", "--format", "json", "--format", "sarif");
        assertEquals(2, clash.exit());
        assertTrue(clash.err().contains("cannot share standard output"), clash.err());
        assertEquals(2, run(null, "check", "examples/", "--format", "xml").exit());
    }

    @Test
    void inputErrorsAreInEveryFormat(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n");
        Files.writeString(dir.resolve("pod.yaml"), PRIVILEGED);
        PolicyCommandIT.Run r = run(null, own(dir, "check", dir.toString(), "--no-config", "--format", "json",
            "--format", "sarif=" + dir.resolve("o.sarif"), "--format", "junit=" + dir.resolve("o.xml"), "--format", "github=" + dir.resolve("o.gh"),
            "--format", "text=" + dir.resolve("o.txt"), "--format", "summary=" + dir.resolve("o.sum")));
        assertEquals(2, r.exit(), r.err());
        JsonNode json = JSON.readTree(r.out());
        assertEquals(1, json.get("errors").size());
        assertEquals(1, json.get("findings").size(), "what could be read is still checked");
        JsonNode notifications = JSON.readTree(dir.resolve("o.sarif").toFile()).get("runs").get(0).get("invocations").get(0).get("toolExecutionNotifications");
        assertEquals(1, notifications.size());
        assertTrue(Files.readString(dir.resolve("o.xml")).contains("<error type="));
        assertTrue(Files.readString(dir.resolve("o.gh")).contains("::error file=" + dir.resolve("broken.yaml") + ",line=4"));
        assertTrue(Files.readString(dir.resolve("o.txt")).contains("broken.yaml:4:"));
        assertTrue(Files.readString(dir.resolve("o.sum")).contains("errors: 1"));
        assertTrue(r.err().contains("broken.yaml:4:"), r.err());
    }

    @Test
    void configIsFoundUpwardAndAnExpiredExceptionBringsTheFindingBack(@TempDir Path dir) throws Exception {
        Path k8s = Files.createDirectories(dir.resolve("k8s"));
        Files.writeString(k8s.resolve("pod.yaml"), PRIVILEGED);
        String exception = """
            exceptions:
              - rule: T-PRIV
                resource: Pod/p
                justification: the CNI agent needs privileges
                owner: platform-team
                expires: %s
            """;
        Files.writeString(dir.resolve(".policy.yaml"), exception.formatted("2999-12-31"));
        PolicyCommandIT.Run active = run(null, own(dir, "check", k8s.toString(), "--show-suppressed"));
        assertEquals(0, active.exit(), active.out() + active.err());
        assertTrue(active.out().contains("suppressed by a config exception"), active.out());
        assertTrue(active.out().contains("the CNI agent needs privileges (owner: platform-team) until 2999-12-31"), active.out());

        Files.writeString(dir.resolve(".policy.yaml"), exception.formatted("2020-01-31"));
        PolicyCommandIT.Run expired = run(null, own(dir, "check", k8s.toString()));
        assertEquals(1, expired.exit(), expired.err());
        assertTrue(expired.out().contains("critical T-PRIV container app runs privileged"), expired.out());
        assertTrue(expired.out().contains("= note: exception for T-PRIV on Pod/p expired on 2020-01-31 (owner: platform-team)"), expired.out());

        Files.writeString(dir.resolve(".policy.yaml"), "enforcement: {default: soft}\nseverty: {}\n");
        PolicyCommandIT.Run bad = run(null, own(dir, "check", k8s.toString(), "--format", "json"));
        assertEquals(2, bad.exit());
        assertEquals("K0004", JSON.readTree(bad.out()).get("errors").get(0).get("code").asText());
        assertTrue(bad.err().contains(".policy.yaml:2:1: error[K0004]: unknown setting 'severty'"), bad.err());

        Files.writeString(dir.resolve(".policy.yaml"), "enforcement: {default: soft, T-NET: hard}\n");
        assertEquals(0, run(null, own(dir, "check", k8s.toString(), "--soft-fail")).exit());
        assertEquals(1, run(null, own(dir, "check", k8s.toString())).exit());
        Files.writeString(dir.resolve(".policy.yaml"), "enforcement: {default: soft, T-PRIV: hard}\n");
        assertEquals(1, run(null, own(dir, "check", k8s.toString(), "--soft-fail")).exit());
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, "enforcement: {default: advisory}\n");
        assertEquals(0, run(null, own(dir, "check", k8s.toString(), "--config", other.toString())).exit());
    }

    @Test
    void configParametersReachThePolicies(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("ban.policy");
        Files.writeString(policy, """
            package ban
            /// The image nobody may run.
            param banned_image = "nginx:1.27"
            rule T-BAN "Banned image" {
              severity high
              threat image-security
              on kubernetes
              for c in containers
              where c.image == banned_image
              report "container {c.name} runs {c.image}" at c.image
            }
            """);
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, PRIVILEGED);
        String[] args = {"check", pod.toString(), "--no-stdlib", "--policy", policy.toString()};
        assertEquals(1, run(null, args).exit());
        Files.writeString(dir.resolve(".policy.yaml"), "parameters:\n  banned_image: busybox:1.36\n");
        PolicyCommandIT.Run allowed = run(null, args);
        assertEquals(0, allowed.exit(), allowed.out() + allowed.err());
        Files.writeString(dir.resolve(".policy.yaml"), "parameters:\n  banned_images: [busybox]\n");
        PolicyCommandIT.Run typo = run(null, args);
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains(".policy.yaml:2:18: error[P0010]: no policy declares a parameter named 'banned_images'"), typo.err());
    }

    @Test
    void baselineHidesOldFindingsAndFailsOnANewOneAfterLinesMoved(@TempDir Path dir) throws Exception {
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, PRIVILEGED);
        Path baseline = dir.resolve("baseline.json");
        PolicyCommandIT.Run first = run(null, own(dir, "check", pod.toString(), "--no-config", "--write-baseline", baseline.toString()));
        assertEquals(1, first.exit());
        assertEquals(1, JSON.readTree(baseline.toFile()).get("findings").size());

        Files.writeString(pod, "# moved down by a comment\n# and another\n" + PRIVILEGED);
        PolicyCommandIT.Run moved = run(null, own(dir, "check", pod.toString(), "--no-config", "--baseline", baseline.toString()));
        assertEquals(0, moved.exit(), moved.out() + moved.err());
        assertTrue(moved.err().contains("0 findings, 1 suppressed"), moved.err());

        Files.writeString(pod, "# moved down by a comment\n# and another\n" + PRIVILEGED
            + "    - name: sidecar\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n");
        PolicyCommandIT.Run added = run(null, own(dir, "check", pod.toString(), "--no-config", "--baseline", baseline.toString()));
        assertEquals(1, added.exit());
        assertTrue(added.out().contains("container sidecar runs privileged"), added.out());
        assertFalse(added.out().contains("container app runs privileged"), added.out());
    }

    @Test
    void absenceFindingSuppressedInlineAndShownOnRequest(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("root.policy");
        Files.writeString(policy, ROOT_POLICY);
        Path dockerfile = dir.resolve("Dockerfile");
        Files.writeString(dockerfile, "FROM debian:12\nRUN echo hi\n");
        PolicyCommandIT.Run plain = run(null, "check", "--no-stdlib", "--no-config", "--policy", policy.toString(), dockerfile.toString());
        assertEquals(1, plain.exit());
        assertTrue(plain.out().contains(dockerfile + ":1:1 medium T-ROOT container runs as root"), plain.out());

        Files.writeString(dockerfile, "# policy:ignore T-ROOT the entrypoint drops to uid 1000 itself\nFROM debian:12\nRUN echo hi\n");
        PolicyCommandIT.Run quiet = run(null, "check", "--no-stdlib", "--no-config", "--policy", policy.toString(), dockerfile.toString(),
            "--show-suppressed", "--format", "json");
        assertEquals(0, quiet.exit(), quiet.err());
        JsonNode json = JSON.readTree(quiet.out());
        assertEquals(0, json.get("findings").size());
        JsonNode s = json.get("suppressed").get(0);
        assertEquals("T-ROOT", s.get("rule").asText());
        assertEquals("inline", s.get("suppression").get("kind").asText());
        assertEquals("the entrypoint drops to uid 1000 itself", s.get("suppression").get("justification").asText());
    }

    @Test
    void scanningRespectsGitignoreAndExcludesAndIsDeterministic(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".gitignore"), "rendered/\n");
        Files.createDirectories(dir.resolve("rendered"));
        Files.createDirectories(dir.resolve("apps/vendor"));
        Files.writeString(dir.resolve("rendered/pod.yaml"), PRIVILEGED);
        Files.writeString(dir.resolve("apps/vendor/pod.yaml"), PRIVILEGED);
        Files.writeString(dir.resolve("apps/pod.yaml"), PRIVILEGED);
        PolicyCommandIT.Run r = run(null, own(dir, "check", dir.toString(), "--no-config", "--exclude", "vendor/", "--format", "json", "-v"));
        JsonNode json = JSON.readTree(r.out());
        assertEquals(1, json.get("findings").size(), r.out());
        assertEquals(dir.resolve("apps/pod.yaml").toString(), json.get("findings").get(0).get("location").get("file").asText());
        assertTrue(r.err().contains("excluded " + dir.resolve("rendered/pod.yaml")), r.err());
        PolicyCommandIT.Run all = run(null, own(dir, "check", dir.toString(), "--no-config", "--no-gitignore", "--format", "json"));
        assertEquals(3, JSON.readTree(all.out()).get("findings").size());

        PolicyCommandIT.Run one = run(null, "check", "examples/", "--policy", "examples/policies", "-j", "1");
        PolicyCommandIT.Run four = run(null, "check", "examples/", "--policy", "examples/policies", "-j", "4");
        assertEquals(one.out(), four.out());
        assertEquals(one.exit(), four.exit());
    }

    @Test
    void namedFilesOfNoKnownKindAreErrorsUnlessSkipped(@TempDir Path dir) throws Exception {
        Path workflow = dir.resolve("ci.yml");
        Files.writeString(workflow, "name: ci\non: [push]\njobs: {}\n");
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, PRIVILEGED);
        PolicyCommandIT.Run strict = run(null, own(dir, "check", workflow.toString(), pod.toString(), "--no-config"));
        assertEquals(2, strict.exit());
        assertTrue(strict.err().contains("cannot tell what kind of input this is"), strict.err());
        PolicyCommandIT.Run lenient = run(null, own(dir, "check", workflow.toString(), pod.toString(), "--no-config", "--skip-unknown"));
        assertEquals(1, lenient.exit(), lenient.err());
    }

    @Test
    void theToolsOwnDockerfilePassesTheStandardLibrary() throws Exception {
        PolicyCommandIT.Run r = run(null, "check", "Dockerfile", "--no-config");
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    @Test
    void profilePrintsThePolicyBuildStepsAndTheTimePerRuleAndPerFile() throws Exception {
        PolicyCommandIT.Run r = run(null, "check", "examples/kubernetes", "--no-config", "--profile");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().matches("(?s).*profile: policies \\(\\d+ files\\): read [0-9.]+ ms, parsed [0-9.]+ ms, checked [0-9.]+ ms, compiled [0-9.]+ ms.*"), r.err());
        assertTrue(r.err().matches("(?s).*slowest rules \\(of \\d+\\):\n +[0-9.]+ ms +\\d+ docs +[0-9.]+ µs/doc  [A-Z0-9]+-\\d+.*"), r.err());
        assertTrue(r.err().contains("slowest files"), r.err());
        assertTrue(r.err().contains("examples/kubernetes/"), "files are named: " + r.err());
        assertTrue(r.out().contains("ESC-001"), "findings still go to standard output: " + r.out());
    }

    /**
     * A scan too big for its heap's budget of waiting documents runs the cross-document rules in a second pass
     * over the files, and finds exactly what a roomy heap finds in one.
     */
    @Test
    void aSecondPassUnderASmallHeapFindsWhatOnePassFinds(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 400; i++) {
            String ns = "team-" + (i % 40);
            Files.writeString(dir.resolve("app-" + i + ".yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app-%d
                  namespace: %s
                  labels: {app: app-%d}
                spec:
                  selector:
                    matchLabels: {app: app-%d}
                  template:
                    metadata:
                      labels: {app: app-%d}
                    spec:
                      serviceAccountName: app-%d
                      automountServiceAccountToken: false
                      containers:
                        - name: app
                          image: registry.example.com/app@sha256:%s
                          securityContext:
                            runAsNonRoot: true
                            allowPrivilegeEscalation: false
                            readOnlyRootFilesystem: true
                            capabilities: {drop: [ALL]}
                          resources:
                            limits: {cpu: 100m, memory: 64Mi}
                            requests: {cpu: 100m, memory: 64Mi}
                """.formatted(i, ns, i, i, i, i, "0".repeat(63) + (i % 10)));
            if (i % 80 == 0) {
                Files.writeString(dir.resolve("deny-" + i + ".yaml"), """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: default-deny, namespace: %s}
                    spec:
                      podSelector: {}
                      policyTypes: [Ingress, Egress]
                    """.formatted(ns));
            }
        }
        PolicyCommandIT.Run small = runWithHeap("96m", "check", dir.toString(), "--no-config", "--format", "json", "--verbose");
        PolicyCommandIT.Run roomy = runWithHeap("1g", "check", dir.toString(), "--no-config", "--format", "json", "--verbose");
        assertTrue(small.err().contains("second pass"), small.err());
        assertFalse(roomy.err().contains("second pass"), roomy.err());
        assertEquals(roomy.exit(), small.exit(), small.err());
        List<String> a = findingKeys(small.out()), b = findingKeys(roomy.out());
        assertFalse(b.isEmpty());
        assertTrue(b.stream().anyMatch(k -> k.startsWith("NET-")), "cross-document network rules found something: " + b);
        assertEquals(b, a);
    }

    /** {@code policy rules} and {@code policy explain} read the config as {@code policy check} does. */
    @Test
    void rulesAndExplainFollowTheConfig(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("team"));
        Files.writeString(dir.resolve("team/team.policy"), """
            package team

            rule TEAM-001 "Sidecars are named" {
              severity medium
              threat kubernetes-security
              for c in containers
              where c.name == ""
              report "a container has no name" at c.name
            }
            """);
        Files.writeString(dir.resolve(".policy.yaml"), """
            rules:
              disable: [ESC-001]
            severity:
              ESC-002: low
            policies: [team]
            """);
        PolicyCommandIT.Run all = runIn(dir, "rules", "--format", "json");
        assertEquals(0, all.exit(), all.err());
        JsonNode rules = JSON.readTree(all.out()).get("rules");
        JsonNode esc001 = null, esc002 = null, team = null;
        for (JsonNode r : rules) {
            switch (r.get("id").asText()) {
                case "ESC-001" -> esc001 = r;
                case "ESC-002" -> esc002 = r;
                case "TEAM-001" -> team = r;
                default -> { }
            }
        }
        assertTrue(team != null, "the config's policy folder is loaded");
        assertFalse(esc001.get("enabled").asBoolean());
        assertEquals("low", esc002.get("severity").asText());
        assertEquals("high", esc002.get("declaredSeverity").asText());
        PolicyCommandIT.Run on = runIn(dir, "rules", "--enabled");
        assertFalse(on.out().contains("ESC-001 "), on.out());
        assertTrue(on.out().contains("TEAM-001"), on.out());
        PolicyCommandIT.Run text = runIn(dir, "rules");
        assertTrue(text.out().matches("(?s).*ESC-001 .*\\(off in the config\\).*"), text.out());
        PolicyCommandIT.Run without = runIn(dir, "rules", "--no-config", "--format", "json");
        assertFalse(without.out().contains("TEAM-001"), "--no-config loads no config policies");
        PolicyCommandIT.Run explain = runIn(dir, "explain", "TEAM-001");
        assertEquals(0, explain.exit(), explain.err());
        Files.writeString(dir.resolve(".policy.yaml"), "rules: {disable: [ESC-001]}\nseverty: {}\n");
        PolicyCommandIT.Run broken = runIn(dir, "rules");
        assertEquals(2, broken.exit());
        assertTrue(broken.err().contains(".policy.yaml:2:1"), broken.err());
    }

    /** {@code --build-arg} and {@code --target} read a Dockerfile as {@code docker build} with them would build it. */
    @Test
    void buildArgsAndTargetChooseWhatTheDockerfileBuilds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), """
            ARG BASE=alpine:latest
            FROM $BASE AS build
            RUN echo build
            FROM alpine:3.20
            RUN adduser -D app
            USER app
            HEALTHCHECK CMD ["true"]
            """);
        PolicyCommandIT.Run plain = runIn(dir, "check", "Dockerfile", "--no-config");
        assertTrue(plain.out().contains("Dockerfile:2:6 medium IMG-001 FROM image alpine:latest"), plain.out());
        assertFalse(plain.out().contains("ESC-044"), "the last stage sets a USER: " + plain.out());
        PolicyCommandIT.Run pinned = runIn(dir, "check", "Dockerfile", "--no-config", "--build-arg", "BASE=alpine:3.20");
        assertFalse(pinned.out().contains("IMG-001"), "the ARG's value replaces its default: " + pinned.out());
        PolicyCommandIT.Run target = runIn(dir, "check", "Dockerfile", "--no-config", "--target", "build");
        assertTrue(target.out().contains("Dockerfile:2:1 medium ESC-044 the image built by stage build sets no USER"), target.out());
        PolicyCommandIT.Run missing = runIn(dir, "check", "Dockerfile", "--no-config", "--target", "nope");
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("error[I2012]: target stage 'nope' could not be found"), missing.err());
    }

    private static PolicyCommandIT.Run runIn(Path dir, String... args) throws Exception {
        return PolicyCommandIT.run(dir, List.of(), null, args);
    }

    private static List<String> findingKeys(String json) throws IOException {
        List<String> keys = new ArrayList<>();
        for (JsonNode f : JSON.readTree(json).get("findings")) {
            keys.add(f.get("rule").asText() + " " + f.get("location").get("file").asText() + ":" + f.get("location").get("line").asInt()
                + ":" + f.get("location").get("column").asInt() + " " + f.get("message").asText());
        }
        java.util.Collections.sort(keys);
        return keys;
    }

    private static PolicyCommandIT.Run runWithHeap(String heap, String... args) throws Exception {
        return PolicyCommandIT.run(PolicyCommandIT.ROOT, List.of("-Xmx" + heap), null, args);
    }

    @Test
    void explainShowsTheValuesBehindAFinding(@TempDir Path dir) throws Exception {
        PolicyCommandIT.Run r = run(PRIVILEGED, own(dir, "check", "-", "--explain", "--no-config"));
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("= because c.privileged == true is true"), r.out());
        JsonNode json = JSON.readTree(run(PRIVILEGED, own(dir, "check", "-", "--explain", "--no-config", "--format", "json")).out());
        JsonNode explain = json.get("findings").get(0).get("explain");
        assertEquals("c", explain.get(0).get("expression").asText(), "first the element the for bound, and where it is");
        assertTrue(explain.get(0).get("value").asText().startsWith("the element at -:"), explain.toString());
        assertEquals("c.privileged", explain.get(2).get("expression").asText());
        assertEquals("true", explain.get(2).get("value").asText());
    }

    @Test
    void fmtCheckFailsOnAnUnformattedFileAndPassesAfterFmt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("team.policy");
        Files.writeString(file, """
            package   team
            # which registries we trust
            const approved=[ "registry.example.com" ]
            rule TEAM-9 "Unapproved registry"{
                severity medium
                  threat registry-security
              for c in containers
              where not (any r in approved: startswith(c.image, r))   # prefix match
                report "{c.name} pulls {c.image}" at c.image
            }
            """);
        PolicyCommandIT.Run check = run(null, "fmt", "--check", dir.toString());
        assertEquals(1, check.exit());
        assertTrue(check.out().contains(file.toString()), check.out());
        PolicyCommandIT.Run fmt = run(null, "fmt", dir.toString());
        assertEquals(0, fmt.exit(), fmt.err());
        String formatted = Files.readString(file);
        assertTrue(formatted.contains("const approved = [\"registry.example.com\"]\n"), formatted);
        assertTrue(formatted.contains("  where not (any r in approved: startswith(c.image, r))  # prefix match\n"), formatted);
        assertTrue(formatted.contains("# which registries we trust\n"), formatted);
        assertEquals(0, run(null, "fmt", "--check", dir.toString()).exit());
        // The formatted policy still loads and works.
        assertEquals(0, run(null, "rules", "--no-stdlib", "--policy", file.toString()).exit());

        Files.writeString(dir.resolve("broken.policy"), "package x\nrule {\n");
        PolicyCommandIT.Run broken = run(null, "fmt", "--check", dir.resolve("broken.policy").toString());
        assertEquals(2, broken.exit());
        assertTrue(broken.err().contains("broken.policy:2:"), broken.err());
    }

    @Test
    void testReportsCoverageAndLocatesAFailingExpectation(@TempDir Path dir) throws Exception {
        PolicyCommandIT.Run ok = run(null, "test", "examples/policies", "--coverage");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("coverage: 1 of 1 rules tested (100%), 1 fired in a test"), ok.out());
        assertTrue(ok.out().lines().anyMatch(l -> l.matches("TEAM-001\\s+1\\s+yes")), ok.out());

        Path policy = dir.resolve("t.policy");
        Files.writeString(policy, ROOT_POLICY + """
            rule T-UNTESTED "Never tested" {
              severity low
              threat image-security
              on dockerfile
              for c in containers
              where c.image == "never"
              report "x"
            }

            test "a Dockerfile with USER is fine" {
              given dockerfile \"""
                FROM debian:12
                USER 1000
              \"""
              expect T-ROOT
            }
            """);
        PolicyCommandIT.Run failed = run(null, "test", dir.toString(), "--fail-under", "80");
        assertEquals(1, failed.exit());
        assertTrue(failed.out().contains("FAIL " + policy + ":19: a Dockerfile with USER is fine"), failed.out());
        assertTrue(failed.out().contains("expected T-ROOT, but it reported nothing"), failed.out());
        assertTrue(failed.out().contains("  24 |   expect T-ROOT\n"), failed.out());
        assertTrue(failed.out().contains("|   ^^^^^^^^^^^^^\n"), failed.out());
        assertTrue(failed.out().contains("rules no test names: T-UNTESTED"), failed.out());
        assertTrue(failed.out().contains("coverage: 1 of 2 rules tested (50%)"), failed.out());
        assertTrue(failed.out().contains("0 passed, 1 failed"), failed.out());
    }

    @Test
    void explainRulesCompletionAndHelpOnEverySubcommand() throws Exception {
        PolicyCommandIT.Run explain = run(null, "explain", "ESC-001");
        assertEquals(0, explain.exit(), explain.err());
        assertTrue(explain.out().startsWith("ESC-001: Container runs privileged"), explain.out());
        assertTrue(explain.out().contains("Remediation:"), explain.out());
        assertTrue(explain.out().contains("References:"), explain.out());
        assertTrue(explain.out().contains("Example (from the test"), explain.out());
        PolicyCommandIT.Run unknown = run(null, "explain", "ESC-0001");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("did you mean"), unknown.err());

        PolicyCommandIT.Run bash = run(null, "completion", "bash");
        assertEquals(0, bash.exit());
        assertTrue(bash.out().contains("complete -F"), bash.out().substring(0, Math.min(300, bash.out().length())));
        assertTrue(bash.out().contains("--write-baseline"));
        assertTrue(run(null, "completion", "zsh").out().startsWith("#compdef policy"));

        for (String sub : List.of("check", "parse", "rules", "explain", "test", "fmt", "completion")) {
            PolicyCommandIT.Run help = run(null, sub, "--help");
            assertEquals(0, help.exit(), sub);
            assertTrue(help.out().contains("Examples:"), sub + ": " + help.out());
        }
    }

    static final String PRIVILEGED_ON_HOST_NETWORK = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostNetwork: true
          containers:
            - name: app
              image: nginx:1.27
              securityContext:
                privileged: true
        """;

    private static PolicyCommandIT.Run inDir(Path dir, String stdin, String... args) throws Exception {
        return PolicyCommandIT.run(dir, List.of(), stdin, args);
    }

    @Test
    void stdinFilenameNamesStandardInputInEveryFormat(@TempDir Path dir) throws Exception {
        PolicyCommandIT.Run r = inDir(dir, PRIVILEGED, own(dir, "check", "-", "--stdin-filename", "k8s/pod.yaml", "--no-config",
            "--format", "json", "--format", "sarif=out.sarif", "--format", "junit=out.xml", "--format", "github=gh.txt"));
        assertEquals(1, r.exit(), r.err());
        JsonNode json = JSON.readTree(r.out());
        assertEquals("k8s/pod.yaml", json.at("/findings/0/location/file").asText(), r.out());
        JsonNode sarif = JSON.readTree(Files.readString(dir.resolve("out.sarif")));
        JsonNode artifact = sarif.at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation");
        assertEquals("k8s/pod.yaml", artifact.get("uri").asText(), artifact.toString());
        assertEquals("%SRCROOT%", artifact.get("uriBaseId").asText(), artifact.toString());
        assertTrue(Files.readString(dir.resolve("out.xml")).contains("k8s/pod.yaml"), Files.readString(dir.resolve("out.xml")));
        assertTrue(Files.readString(dir.resolve("gh.txt")).contains("file=k8s/pod.yaml,line=9"), Files.readString(dir.resolve("gh.txt")));
        PolicyCommandIT.Run text = inDir(dir, PRIVILEGED, own(dir, "check", "-", "--stdin-filename", "k8s/pod.yaml", "--no-config"));
        assertTrue(text.out().contains("k8s/pod.yaml:9:"), text.out());

        // Without it, standard input stays "-", and in SARIF the relative URI stdin, described.
        PolicyCommandIT.Run plain = inDir(dir, PRIVILEGED, own(dir, "check", "-", "--no-config", "--format", "sarif"));
        JsonNode stdin = JSON.readTree(plain.out()).at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation");
        assertEquals("stdin", stdin.get("uri").asText(), stdin.toString());
        assertEquals("standard input", stdin.at("/description/text").asText(), stdin.toString());

        // It names standard input: without - it is a usage error.
        PolicyCommandIT.Run noStdin = inDir(dir, null, own(dir, "check", "k8s", "--stdin-filename", "k8s/pod.yaml", "--no-config"));
        assertEquals(2, noStdin.exit());
        assertTrue(noStdin.err().contains("--stdin-filename names standard input, but no PATH is -"), noStdin.err());
    }

    @Test
    void stdinFilenameTellsTheKindByName(@TempDir Path dir) throws Exception {
        // A compose file without services: nothing in its content says it is one, its name does.
        String compose = "name: demo\nvolumes:\n  data: {}\n";
        PolicyCommandIT.Run unknown = inDir(dir, compose, "check", "-", "--no-config");
        assertEquals(2, unknown.exit(), unknown.err());
        PolicyCommandIT.Run named = inDir(dir, compose, "check", "-", "--stdin-filename", "deploy/compose.yaml", "--no-config");
        assertEquals(0, named.exit(), named.err());
        assertTrue(named.err().contains("0 findings, 0 errors"), named.err());
    }

    @Test
    void stdinFilenameFindsTheConfigAboveItAndItsExceptionsAndInlineSuppressionsApply(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".policy.yaml"), "rules: {disable: [T-PRIV]}\n");
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve(".policy.yaml"),
            "exceptions: [{rule: T-NET, file: \"k8s/*.yaml\", justification: the edge proxy}]\n");

        // Without the name: the working folder's config, which disables T-PRIV; T-NET is reported.
        JsonNode plain = JSON.readTree(inDir(dir, PRIVILEGED_ON_HOST_NETWORK, own(dir, "check", "-", "--format", "json")).out());
        assertEquals(List.of("T-NET"), rules(plain.get("findings")));

        // Named app/k8s/pod.yaml: app's config, whose exception selects the file, hides T-NET; T-PRIV is back.
        PolicyCommandIT.Run named = inDir(dir, PRIVILEGED_ON_HOST_NETWORK, own(dir, "check", "-", "--stdin-filename", "app/k8s/pod.yaml",
            "--format", "json", "--show-suppressed"));
        JsonNode json = JSON.readTree(named.out());
        assertEquals(List.of("T-PRIV"), rules(json.get("findings")), named.out());
        assertEquals("exception", json.at("/suppressed/0/suppression/kind").asText(), named.out());
        assertEquals("app/k8s/pod.yaml", json.at("/suppressed/0/location/file").asText(), named.out());

        // An inline suppression in the text read from stdin applies under its name.
        String suppressed = PRIVILEGED_ON_HOST_NETWORK.replace("privileged: true", "privileged: true  # policy:ignore T-PRIV lab only");
        JsonNode inline = JSON.readTree(inDir(dir, suppressed, own(dir, "check", "-", "--stdin-filename", "app/k8s/pod.yaml",
            "--format", "json", "--show-suppressed")).out());
        assertEquals(List.of(), rules(inline.get("findings")));
        assertEquals(List.of("T-NET", "T-PRIV"), rules(inline.get("suppressed")));
    }

    private static List<String> rules(JsonNode findings) {
        List<String> out = new ArrayList<>();
        findings.forEach(f -> out.add(f.get("rule").asText()));
        java.util.Collections.sort(out);
        return out;
    }
}
