package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.config.Enforcement;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.report.Results;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriageTest {
    static final String POD = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: agent
          namespace: kube-system
        spec:
          containers:
            - name: app
              image: nginx:1.27
              securityContext:
                privileged: true
        """;

    private static Results.Result only(Results results) {
        assertEquals(1, results.results().size(), results.results().toString());
        return results.results().get(0);
    }

    @Test
    void unsuppressedFindingFails() {
        Results r = Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", POD));
        Results.Result f = only(r);
        assertFalse(f.suppressed());
        assertTrue(f.failing());
        assertEquals(1, r.exitCode());
    }

    @Test
    void commentOnTheLineSuppressesWithItsJustification() {
        String text = POD.replace("privileged: true", "privileged: true  # policy:ignore T-PRIV the CNI agent needs it");
        Results.Result f = only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", text)));
        assertEquals(Suppression.Kind.INLINE, f.suppression().orElseThrow().kind());
        assertEquals("the CNI agent needs it", f.suppression().get().justification());
        assertEquals(11, f.suppression().get().where().line());
        assertFalse(f.failing());
    }

    @Test
    void commentOnTheLineAboveSuppressesOnlyTheRulesItNames() {
        String above = POD.replace("        privileged: true", "        # policy:ignore T-NET,T-PRIV agent\n        privileged: true");
        assertTrue(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", above))).suppressed());
        String other = POD.replace("        privileged: true", "        # policy:ignore T-NET agent\n        privileged: true");
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", other))).suppressed());
        // A comment two code lines up belongs to other code.
        String far = POD.replace("      securityContext:", "      # policy:ignore T-PRIV agent\n      image2: x\n      securityContext:");
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", far))).suppressed());
    }

    /** A '#' line inside a block scalar, or a '#' in a quoted string, is text of a value: no comment, no suppression. */
    @Test
    void directivesInsideStringsAreNotComments() {
        String flow = POD.replace("      securityContext:\n        privileged: true", "      securityContext: {privileged: true}");
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", flow))).suppressed());
        assertTrue(flow.contains("{privileged: true}"));
        String block = flow.replace("      securityContext:",
            "      command:\n        - |\n          # policy:ignore T-PRIV hidden in a script\n      securityContext:");
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", block))).suppressed());
        assertTrue(block.contains("- |"));
        String quoted = flow.replace("{privileged: true}", "{privileged: true, x: \" # policy:ignore T-PRIV in a string\"}");
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", quoted))).suppressed());
        // JSON has no comments at all.
        String json = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}, \"spec\": {\"containers\": [{\"name\": \"app\", "
            + "\"image\": \"nginx:1.27\", \"securityContext\": {\"privileged\": true, \"x\": \" # policy:ignore * no\"}}]}}\n";
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.json", json))).suppressed());
        // Real comments still work, after an emoji too.
        String emoji = POD.replace("privileged: true", "privileged: true  # \uD83D\uDE00 # policy:ignore T-PRIV ok");
        assertTrue(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", emoji))).suppressed());
        String above = block.replace("      securityContext:", "      # policy:ignore T-PRIV a real comment\n      securityContext:");
        assertTrue(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", above))).suppressed());
    }

    @Test
    void commentAtTheTopSuppressesTheWholeFile() {
        String text = "# a privileged node agent\n# policy:ignore-file * vendor chart, reviewed in SEC-12\n" + POD;
        Results.Result f = only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", text)));
        assertEquals(Suppression.Kind.FILE, f.suppression().orElseThrow().kind());
        String late = POD + "# policy:ignore-file * too late\n";
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", late))).suppressed());
    }

    @Test
    void annotationOnTheResourceSuppresses() {
        String text = POD.replace("  namespace: kube-system", "  namespace: kube-system\n  annotations:\n"
            + "    policy.codomyrmex.org/ignore: \"T-NET, T-PRIV node agent, approved by security\"");
        Results.Result f = only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", text)));
        assertEquals(Suppression.Kind.ANNOTATION, f.suppression().orElseThrow().kind());
        assertEquals("node agent, approved by security", f.suppression().get().justification());
    }

    /** Rule-id patterns cover the rules they match in comments and annotations, as in exceptions; they did nothing. */
    @Test
    void ruleIdPatternsInCommentsAndAnnotationsCoverTheRulesTheyMatch() {
        String comment = POD.replace("privileged: true", "privileged: true  # policy:ignore T-P* the CNI agent needs it");
        assertTrue(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", comment))).suppressed());
        String above = POD.replace("        privileged: true", "        # policy:ignore T-NET, T-[OP]RIV agent\n        privileged: true");
        assertTrue(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", above))).suppressed());
        String other = POD.replace("privileged: true", "privileged: true  # policy:ignore T-N* host network only");
        assertFalse(only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", other))).suppressed());
        String annotated = POD.replace("  namespace: kube-system", "  namespace: kube-system\n  annotations:\n"
            + "    policy.codomyrmex.org/ignore: \"T-* node agent\"");
        Results.Result f = only(Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", annotated)));
        assertEquals(Suppression.Kind.ANNOTATION, f.suppression().orElseThrow().kind());
        assertEquals("node agent", f.suppression().get().justification());
    }

    /** A Dockerfile saved with a byte-order mark lost the directives of its first line (BuildKit skips the mark). */
    @Test
    void aByteOrderMarkDoesNotHideTheFirstLinesDirective() {
        String above = "\uFEFF# policy:ignore T-ROOT the entrypoint drops privileges itself\nFROM debian:12\nRUN echo hi\n";
        Results.Result f = only(Scans.triage(Scans.check(InputKind.DOCKERFILE, "Dockerfile", above)));
        assertEquals(Suppression.Kind.INLINE, f.suppression().orElseThrow().kind());
        assertEquals(1, f.suppression().get().where().line());
        String file = "\uFEFF# policy:ignore-file * reviewed\nFROM debian:12\nRUN echo hi\n";
        assertEquals(Suppression.Kind.FILE, only(Scans.triage(Scans.check(InputKind.DOCKERFILE, "Dockerfile", file)))
            .suppression().orElseThrow().kind());
    }

    @Test
    void absenceFindingIsSuppressedByACommentAboveItsStage() {
        String dockerfile = "# syntax=docker/dockerfile:1\nFROM debian:12\nRUN echo hi\n";
        Results.Result plain = only(Scans.triage(Scans.check(InputKind.DOCKERFILE, "Dockerfile", dockerfile)));
        assertEquals("T-ROOT", plain.finding().ruleId());
        assertEquals(2, plain.finding().location().line());
        assertFalse(plain.suppressed());
        String suppressed = "# syntax=docker/dockerfile:1\n# policy:ignore T-ROOT the entrypoint drops privileges itself\nFROM debian:12\nRUN echo hi\n";
        Results.Result f = only(Scans.triage(Scans.check(InputKind.DOCKERFILE, "Dockerfile", suppressed)));
        assertEquals(Suppression.Kind.INLINE, f.suppression().orElseThrow().kind());
        assertEquals("the entrypoint drops privileges itself", f.suppression().get().justification());
    }

    @Test
    void exceptionHidesTheFindingUntilItExpiresThenTheFindingComesBackWithANote() {
        var checked = Scans.check(InputKind.KUBERNETES, "k8s/pod.yaml", POD);
        var config = Scans.config("""
            exceptions:
              - rule: T-PRIV
                resource: Pod/kube-system/agent
                justification: the CNI agent needs privileges
                owner: platform-team
                expires: 2026-05-31
            """);
        Results.Result onTheDay = only(Scans.triage(checked, config, Optional.empty(), LocalDate.of(2026, 5, 31), false));
        assertEquals(Suppression.Kind.EXCEPTION, onTheDay.suppression().orElseThrow().kind());
        assertTrue(onTheDay.suppression().get().justification().contains("platform-team"));

        Results after = Scans.triage(checked, config, Optional.empty(), LocalDate.of(2026, 6, 1), false);
        Results.Result back = only(after);
        assertFalse(back.suppressed());
        assertTrue(back.failing());
        assertEquals(1, back.notes().size());
        assertTrue(back.notes().get(0).contains("expired on 2026-05-31"), back.notes().toString());
        assertTrue(back.notes().get(0).contains("platform-team"), back.notes().toString());
        assertEquals(1, after.exitCode());
    }

    @Test
    void exceptionForAnotherResourceOrFileDoesNotApply() {
        var checked = Scans.check(InputKind.KUBERNETES, "k8s/pod.yaml", POD);
        var otherName = Scans.config("exceptions:\n  - {rule: T-PRIV, kind: Pod, name: web, justification: x}\n");
        assertFalse(only(Scans.triage(checked, otherName, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
        var glob = Scans.config("exceptions:\n  - {rule: '*', name: 'ag*', file: 'k8s/**', justification: x}\n");
        assertTrue(only(Scans.triage(checked, glob, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
        var otherFile = Scans.config("exceptions:\n  - {rule: T-PRIV, file: 'prod/**', justification: x}\n");
        assertFalse(only(Scans.triage(checked, otherFile, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
    }

    @Test
    void ruleIdsInAnExceptionAreGlobs() {
        var checked = Scans.check(InputKind.KUBERNETES, "k8s/pod.yaml", POD);
        var family = Scans.config("exceptions:\n  - {rules: ['T-*'], justification: test fixtures}\n");
        assertTrue(only(Scans.triage(checked, family, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
        var other = Scans.config("exceptions:\n  - {rules: ['SEC-*', 'T-PRIX', 'T-PRI'], justification: x}\n");
        assertFalse(only(Scans.triage(checked, other, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed(),
            "a glob matches the whole id");
        var oneChar = Scans.config("exceptions:\n  - {rule: 'T-PRI?', justification: x}\n");
        assertTrue(only(Scans.triage(checked, oneChar, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
    }

    @Test
    void resourceSelectorsTakeCharacterSets() {
        var checked = Scans.check(InputKind.KUBERNETES, "k8s/pod.yaml", POD);
        var set = Scans.config("exceptions:\n  - {rule: T-PRIV, kind: '[CP]od', name: 'a[!x]ent', justification: x}\n");
        assertTrue(only(Scans.triage(checked, set, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
        var excluded = Scans.config("exceptions:\n  - {rule: T-PRIV, name: 'a[!g]ent', justification: x}\n");
        assertFalse(only(Scans.triage(checked, excluded, Optional.empty(), LocalDate.of(2026, 1, 1), false)).suppressed());
    }

    @Test
    void baselineHidesOldFindingsAfterLinesMoveAndFailsOnANewOne() {
        Results before = Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", POD));
        Baseline baseline = new Baseline(Set.of(before.results().get(0).fingerprint()));

        // Lines move: a comment and a label above; the same problem is still the same finding.
        String moved = POD.replace("metadata:\n", "# the node agent\nmetadata:\n  labels: {app: agent}\n");
        var checked = Scans.check(InputKind.KUBERNETES, "pod.yaml", moved);
        Results after = Scans.triage(checked, org.codomyrmex.policy.config.PolicyConfig.defaults(java.nio.file.Path.of(".")),
            Optional.of(baseline), LocalDate.of(2026, 6, 1), false);
        Results.Result old = only(after);
        assertEquals(13, old.finding().location().line());
        assertEquals(Suppression.Kind.BASELINE, old.suppression().orElseThrow().kind());
        assertEquals(0, after.exitCode());

        // A new privileged container is a new finding, and fails the run.
        String added = moved + "    - name: sidecar\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n";
        Results withNew = Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", added),
            org.codomyrmex.policy.config.PolicyConfig.defaults(java.nio.file.Path.of(".")), Optional.of(baseline), LocalDate.of(2026, 6, 1), false);
        assertEquals(2, withNew.results().size());
        assertEquals(1, withNew.active().size());
        assertTrue(withNew.active().get(0).finding().message().contains("sidecar"));
        assertEquals(1, withNew.exitCode());
    }

    @Test
    void baselineFileRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Results r = Scans.triage(Scans.check(InputKind.KUBERNETES, "pod.yaml", POD));
        java.nio.file.Path file = dir.resolve("baseline.json");
        java.nio.file.Files.writeString(file, Baseline.render(r));
        Baseline.Read read = Baseline.read(file);
        assertTrue(read.diagnostics().isEmpty(), read.diagnostics().toString());
        assertTrue(read.baseline().orElseThrow().contains(r.results().get(0).fingerprint()));
        java.nio.file.Files.writeString(file, "{\"findings\": [");
        Baseline.Read bad = Baseline.read(file);
        assertTrue(bad.baseline().isEmpty());
        assertEquals("B0003", bad.diagnostics().get(0).code());
        assertTrue(bad.diagnostics().get(0).span().line() >= 1);
    }

    /**
     * Entries without a string fingerprint were dropped without a word (their findings then failed the run), text
     * after the JSON was ignored, and a missing file was reported by its path alone.
     */
    @Test
    void malformedBaselineEntriesAreLocatedErrorsAndTheOthersStillApply(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
        throws Exception {
        java.nio.file.Path file = dir.resolve("baseline.json");
        java.nio.file.Files.writeString(file, "{\"findings\": [\n  {\"fingerprint\": \"abc\"},\n  7,\n  {\"fingerprint\": 5},\n  {\"rule\": \"X\"}\n]}\n");
        Baseline.Read read = Baseline.read(file);
        assertTrue(read.baseline().orElseThrow().contains("abc"));
        assertEquals(List.of("B0004:3:3", "B0004:4:19", "B0004:5:3"),
            read.diagnostics().stream().map(d -> d.code() + ":" + d.span().line() + ":" + d.span().column()).toList());

        java.nio.file.Files.writeString(file, "{\"findings\": []}\ntrailing");
        Baseline.Read trailing = Baseline.read(file);
        assertEquals("B0003", trailing.diagnostics().get(0).code());
        assertEquals(2, trailing.diagnostics().get(0).span().line());

        java.nio.file.Files.writeString(file, "{\"findings\": {}}");
        Baseline.Read notAList = Baseline.read(file);
        assertEquals("B0002", notAList.diagnostics().get(0).code());
        assertEquals(14, notAList.diagnostics().get(0).span().column());

        Baseline.Read missing = Baseline.read(dir.resolve("nope.json"));
        assertEquals("cannot read baseline: no such file", missing.diagnostics().get(0).message());
    }

    @Test
    void configDisablesRulesOverridesSeverityAndSetsEnforcement() {
        String both = POD.replace("privileged: true", "privileged: true\n      hostNetwork: true").replace("spec:\n", "spec:\n  hostNetwork: true\n");
        var checked = Scans.check(InputKind.KUBERNETES, "pod.yaml", both);
        Results all = Scans.triage(checked);
        assertEquals(List.of("T-PRIV", "T-NET"), all.results().stream().map(x -> x.finding().ruleId()).sorted(java.util.Comparator.reverseOrder()).toList());

        var disabled = Scans.config("threats: {disable: [network-security]}\n");
        assertEquals(List.of("T-PRIV"), Scans.triage(checked, disabled, Optional.empty(), LocalDate.of(2026, 1, 1), false)
            .results().stream().map(x -> x.finding().ruleId()).toList());
        var byTag = Scans.config("tags: {enable: [pss-baseline]}\n");
        assertEquals(List.of("T-PRIV"), Scans.triage(checked, byTag, Optional.empty(), LocalDate.of(2026, 1, 1), false)
            .results().stream().map(x -> x.finding().ruleId()).toList());

        var tuned = Scans.config("""
            severity: {T-PRIV: low}
            enforcement: {default: soft, T-NET: hard, T-PRIV: advisory}
            """);
        Results soft = Scans.triage(checked, tuned, Optional.empty(), LocalDate.of(2026, 1, 1), true);
        Results.Result priv = soft.results().stream().filter(x -> x.finding().ruleId().equals("T-PRIV")).findFirst().orElseThrow();
        assertEquals(Severity.LOW, priv.finding().severity());
        assertEquals(Enforcement.ADVISORY, priv.enforcement());
        assertFalse(priv.failing());
        Results.Result net = soft.results().stream().filter(x -> x.finding().ruleId().equals("T-NET")).findFirst().orElseThrow();
        assertTrue(net.failing(), "hard rules fail even with --soft-fail");

        var allSoft = Scans.config("enforcement: {default: soft}\n");
        assertEquals(0, Scans.triage(checked, allSoft, Optional.empty(), LocalDate.of(2026, 1, 1), true).exitCode());
        assertEquals(1, Scans.triage(checked, allSoft, Optional.empty(), LocalDate.of(2026, 1, 1), false).exitCode());
    }
}
