package org.codomyrmex.policy.config;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyConfigTest {
    static PolicyConfig.Loaded parse(String yaml) {
        return PolicyConfig.parse(new SourceFile(".policy.yaml", yaml), Path.of("/repo/.policy.yaml"), Path.of("/repo"));
    }

    static org.codomyrmex.policy.model.RuleInfo rule(String id) {
        return new org.codomyrmex.policy.model.RuleInfo(id, id, Severity.LOW, org.codomyrmex.policy.model.Threat.CONTAINER_ESCAPE,
            java.util.Set.of(), List.of(), List.of(), "", "", List.of(), "escape", org.codomyrmex.policy.diag.Span.NONE);
    }

    @Test
    void ruleSelectionsTakePatterns() {
        PolicyConfig c = parse("rules: {disable: [K8S-24*, \"ESC-00[12]\"]}\n").config();
        assertFalse(c.rules().allows("K8S-243"));
        assertFalse(c.rules().allows("ESC-002"));
        assertTrue(c.rules().allows("ESC-003"));
        assertTrue(c.rules().allows("K8S-004"));
    }

    /** A misspelt rule id in the config changed nothing and said nothing; now each is an error at the id. */
    @Test
    void ruleIdsThatMatchNoLoadedRuleAreLocatedErrors() {
        PolicyConfig c = parse("""
            rules: {disable: [K8S-24*, ESC-0001, NET-*]}
            severity: {ESC-001: high, ESC-01: low}
            enforcement: {default: hard, IMG-9: advisory}
            exceptions:
              - rules: [ESC-001, SEC-*]
                justification: j
                owner: o
              - rule: "*"
                justification: every rule
                owner: o
            """).config();
        List<String> errors = c.unknownRules(List.of(rule("ESC-001"), rule("K8S-243"), rule("IMG-009"))).stream()
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.code() + " " + d.message() + " / " + d.hint().orElse(""))
            .toList();
        assertEquals(List.of(
            "1:28 K0020 no loaded rule matches 'ESC-0001' / did you mean 'ESC-001'?",
            "1:38 K0020 no loaded rule matches 'NET-*' / ",
            "2:27 K0020 no loaded rule is named 'ESC-01' / did you mean 'ESC-001'?",
            "3:30 K0020 no loaded rule is named 'IMG-9' / ",
            "5:22 K0020 no loaded rule matches 'SEC-*' / "), errors);
    }

    /**
     * An unknown threat was reported at the threats map (or its first line), not at the item, and a pattern, which
     * the selection applies, was refused as an unknown threat.
     */
    @Test
    void unknownThreatsAreErrorsAtTheItemAndPatternsAreThreats() {
        PolicyConfig.Loaded loaded = parse("""
            threats:
              enable:
                - container-*
                - secrt-exposure
              disable: kubernetes-securty
            """);
        assertEquals(List.of("K0005:4:7", "K0005:5:12"),
            loaded.diagnostics().stream().map(d -> d.code() + ":" + d.span().line() + ":" + d.span().column()).toList());
        assertTrue(loaded.diagnostics().get(0).hint().orElseThrow().contains("secret-exposure"));
        assertTrue(loaded.config().threats().allows("container-escape"));
    }

    /** A list or map where a severity, enforcement level or date goes was K0011 and then a second error about ''. */
    @Test
    void aValueOfTheWrongTypeIsOneError() {
        PolicyConfig.Loaded loaded = parse("""
            severity: {ESC-001: [high]}
            enforcement: {default: {level: hard}}
            exceptions:
              - rule: ESC-001
                justification: x
                expires: [2026-12-31]
            """);
        assertEquals(List.of("K0011:1:21", "K0011:2:24", "K0011:6:14"),
            loaded.diagnostics().stream().map(d -> d.code() + ":" + d.span().line() + ":" + d.span().column()).toList());
        assertTrue(loaded.diagnostics().stream().noneMatch(d -> d.message().contains("''")));
    }

    /** A byte that is not UTF-8 was "cannot read config: Input length = 1" at no line; a folder was "no such config file". */
    @Test
    void unreadableConfigsSayWhyAndWhere(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve(".policy.yaml");
        java.nio.file.Files.write(latin1, "rules:\n  disable: [caf\u00e9]\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        PolicyConfig.Loaded bad = PolicyConfig.load(latin1);
        assertEquals(1, bad.diagnostics().size());
        var d = bad.diagnostics().get(0);
        assertEquals("K0021", d.code());
        assertEquals(2, d.span().line());
        assertEquals(16, d.span().column());
        assertTrue(d.message().contains("0xe9"), d.message());

        PolicyConfig.Loaded folder = PolicyConfig.load(dir);
        assertEquals("K0001", folder.diagnostics().get(0).code());
        assertFalse(folder.diagnostics().get(0).message().contains("no such"), folder.diagnostics().get(0).message());
        assertEquals("no such config file", PolicyConfig.load(dir.resolve("none.yaml")).diagnostics().get(0).message());
    }

    /** '!pattern' in exclude was read as a file named '!pattern', so what it took back in stayed excluded. */
    @Test
    void excludeTakesNegatedPatternsAsGitignoreDoes() {
        PolicyConfig c = parse("exclude: [\"k8s/gen/*\", \"!k8s/gen/keep.yaml\", \"\\\\!bang.yaml\"]\n").config();
        assertTrue(c.excludes(Path.of("/repo/k8s/gen/b.yaml")));
        assertFalse(c.excludes(Path.of("/repo/k8s/gen/keep.yaml")));
        assertFalse(c.excludes(Path.of("/repo/k8s/a.yaml")));
        assertTrue(c.excludes(Path.of("/repo/!bang.yaml")));
        PolicyConfig later = parse("exclude: [\"!keep.yaml\", \"*.yaml\"]\n").config();
        assertTrue(later.excludes(Path.of("/repo/keep.yaml")), "the last matching line decides");
    }

    @Test
    void excludesAndExceptionFileGlobsTakeALeadingDotSlash() {
        PolicyConfig c = parse("""
            exclude: ["./vendor/", "/repo/generated/"]
            exceptions:
              - {rule: "*", file: "./k8s/a.yaml", justification: x}
            """).config();
        assertTrue(c.excludes(Path.of("/repo/vendor/c.yaml")));
        assertFalse(c.excludes(Path.of("/repo/k8s/vendor.yaml")));
        assertTrue(c.excludes(Path.of("/repo/generated/a.yaml")), "an absolute path inside the config's folder");
        assertTrue(c.exceptions().get(0).file().orElseThrow().matches("k8s/a.yaml", false));
    }

    /** A second rules: dropped the first without an error (a warning shown only with -v). */
    @Test
    void aDuplicateKeyIsAnError() {
        PolicyConfig.Loaded loaded = parse("""
            rules: {disable: [ESC-046]}
            severity: {ESC-001: low, ESC-001: high}
            rules: {disable: [ESC-047]}
            """);
        assertEquals(List.of("K0022:2:26", "K0022:3:1"),
            loaded.diagnostics().stream().map(d -> d.code() + ":" + d.span().line() + ":" + d.span().column()).toList());
        assertTrue(loaded.diagnostics().stream().allMatch(Diagnostic::isError));
        assertEquals("duplicate key 'rules' (first at line 1): the first is not used", loaded.diagnostics().get(1).message());
    }

    /** resource: "Pod/" selected every pod (the empty name matched anything), without a word. */
    @Test
    void anEmptyPartOfAResourceIsAnErrorNotAWildcard() {
        PolicyConfig.Loaded loaded = parse("""
            exceptions:
              - {rule: ESC-001, resource: "Pod/", justification: x}
              - {rule: ESC-001, resource: "/web", justification: x}
              - {rule: ESC-001, resource: "Deployment//web", justification: x}
              - {rule: ESC-001, resource: "Deployment/*/web", justification: x}
            """);
        assertEquals(List.of("K0017:2:31", "K0017:3:31", "K0017:4:31"),
            loaded.diagnostics().stream().map(d -> d.code() + ":" + d.span().line() + ":" + d.span().column()).toList());
        assertEquals(1, loaded.config().exceptions().size());
    }

    /** tags: {disable: [experimantal]} left every experimental rule on, and enable: [cis] of a typo turned all off. */
    @Test
    void tagsThatNoLoadedRuleHasAreLocatedErrors() {
        PolicyConfig c = parse("""
            tags:
              enable: [cis, "pci-*", cks]
              disable: experimantal
            """).config();
        org.codomyrmex.policy.model.RuleInfo tagged = new org.codomyrmex.policy.model.RuleInfo("ESC-001", "t", Severity.LOW,
            org.codomyrmex.policy.model.Threat.CONTAINER_ESCAPE, java.util.Set.of(), List.of(), List.of(), "", "",
            List.of("cis", "experimental"), "escape", org.codomyrmex.policy.diag.Span.NONE);
        List<String> errors = c.unknownRules(List.of(tagged, rule("IMG-009"))).stream()
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.code() + " " + d.hint().orElse("")).toList();
        assertEquals(List.of("2:17 K0023 ", "2:26 K0023 did you mean 'cis'?", "3:12 K0023 did you mean 'experimental'?"), errors);
    }

    /** severity: {"*": low} and enforcement: {"*": hard} were accepted and changed nothing: the keys are ids. */
    @Test
    void patternsAsSeverityOrEnforcementKeysAreErrors() {
        PolicyConfig c = parse("""
            severity: {"*": low, "ESC-00*": high}
            enforcement: {"*": hard, ESC-001: advisory}
            """).config();
        List<String> errors = c.unknownRules(List.of(rule("ESC-001"), rule("IMG-009"))).stream()
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.code() + " " + d.message()).toList();
        assertEquals(List.of(
            "1:12 K0020 severity and enforcement name rules one by one, and '*' is a pattern",
            "1:22 K0020 severity and enforcement name rules one by one, and 'ESC-00*' is a pattern",
            "2:15 K0020 severity and enforcement name rules one by one, and '*' is a pattern"), errors);
    }

    @Test
    void readsEverySetting() {
        PolicyConfig.Loaded loaded = parse("""
            rules: {disable: [ESC-002]}
            threats: {enable: [container-escape, secret-exposure]}
            tags: {disable: [experimental]}
            severity: {ESC-001: high}
            enforcement: {default: hard, ESC-003: advisory}
            parameters:
              trusted_registries: [registry.example.com]
              max_replicas: 3
            exclude: ["vendor/", "*.generated.yaml"]
            policies: [policies/team]
            gitignore: false
            exceptions:
              - rules: [ESC-001, ESC-004]
                resource: Deployment/prod/web
                justification: needs the host's devices
                owner: alice
                expires: 2026-12-31
            """);
        assertTrue(loaded.diagnostics().isEmpty(), loaded.diagnostics().toString());
        PolicyConfig c = loaded.config();
        assertFalse(c.rules().allows("ESC-002"));
        assertTrue(c.rules().allows("ESC-001"));
        assertTrue(c.threats().allows("container-escape"));
        assertFalse(c.threats().allows("network-security"));
        assertFalse(c.tags().allowsAny(List.of("experimental", "x")));
        assertEquals(Severity.HIGH, c.severityOf("ESC-001", Severity.CRITICAL));
        assertEquals(Severity.LOW, c.severityOf("ESC-009", Severity.LOW));
        assertEquals(Enforcement.HARD, c.enforcementOf("ESC-001"));
        assertEquals(Enforcement.ADVISORY, c.enforcementOf("ESC-003"));
        assertTrue(c.parameters().get("trusted_registries") instanceof Value.ListV);
        assertEquals(3L, ((Value.Int) c.parameters().get("max_replicas")).value());
        assertEquals(List.of(Path.of("/repo/policies/team")), c.policies());
        assertFalse(c.gitignore());
        Exemption e = c.exceptions().get(0);
        assertEquals(List.of("ESC-001", "ESC-004"), e.rules().stream().map(NamePattern::toString).toList());
        assertEquals("Deployment", e.kind().toString());
        assertEquals("prod", e.namespace().toString());
        assertEquals("web", e.name().toString());
        assertEquals(Optional.of(LocalDate.of(2026, 12, 31)), e.expires());
        assertTrue(c.excludes(Path.of("/repo/vendor/chart/deploy.yaml")));
        assertTrue(c.excludes(Path.of("/repo/k8s/app.generated.yaml")));
        assertFalse(c.excludes(Path.of("/repo/k8s/app.yaml")));
    }

    @Test
    void mistakesAreLocatedDiagnosticsAndTheRestIsStillRead() {
        PolicyConfig.Loaded loaded = parse("""
            severty: {ESC-001: high}
            severity: {ESC-001: urgent, ESC-002: low}
            enforcement: {default: strict}
            threats: {disable: [container-escap]}
            exceptions:
              - rule: ESC-001
                expires: next week
              - justification: no rule named
            """);
        List<String> codes = loaded.diagnostics().stream().map(Diagnostic::code).toList();
        assertTrue(codes.containsAll(List.of("K0004", "K0006", "K0007", "K0005", "K0018", "K0019", "K0016")), codes.toString());
        Diagnostic unknown = loaded.diagnostics().stream().filter(d -> d.code().equals("K0004")).findFirst().orElseThrow();
        assertEquals(1, unknown.span().line());
        assertEquals("did you mean 'severity'?", unknown.hint().orElseThrow());
        Diagnostic date = loaded.diagnostics().stream().filter(d -> d.code().equals("K0019")).findFirst().orElseThrow();
        assertEquals(7, date.span().line());
        assertEquals(Severity.LOW, loaded.config().severityOf("ESC-002", Severity.HIGH));
        assertTrue(loaded.diagnostics().stream().allMatch(d -> d.span().file().equals(".policy.yaml")));
    }

    @Test
    void aMissingFileIsSaidSo(@TempDir Path dir) {
        PolicyConfig.Loaded loaded = PolicyConfig.load(dir.resolve(".policy.yaml"));
        assertEquals(List.of("K0001 no such config file"), loaded.diagnostics().stream().map(d -> d.code() + " " + d.message()).toList());
        assertEquals(Optional.empty(), loaded.source());
        assertTrue(parse("rules: {}\n").source().isPresent(), "the text read is kept for excerpts");
    }

    @Test
    void theFirstExceptionInForceHidesAndExpiredOnesBeforeItAreListed() {
        PolicyConfig c = parse("""
            exceptions:
              - {rule: T-1, name: web, justification: old, owner: alice, expires: 2020-01-31}
              - {rule: 'T-*', justification: current, expires: 2030-01-01}
              - {rule: T-1, justification: never reached}
            """).config();
        org.codomyrmex.policy.model.Resource web = new org.codomyrmex.policy.model.Resource(org.codomyrmex.policy.model.InputKind.KUBERNETES, "Pod", "shop", "web",
            org.codomyrmex.policy.diag.Span.NONE);
        org.codomyrmex.policy.model.Finding f = new org.codomyrmex.policy.model.Finding("T-1", "t", Severity.HIGH,
            org.codomyrmex.policy.model.Threat.CONTAINER_ESCAPE, "m", org.codomyrmex.policy.diag.Span.of("pod.yaml", 1, 1), web,
            Optional.empty(), List.of());
        Exemption.Lookup in2025 = c.exceptionFor(f, LocalDate.of(2025, 1, 1));
        assertEquals("current", in2025.hiding().orElseThrow().justification());
        assertEquals(List.of("exception for T-1 on */web expired on 2020-01-31 (owner: alice): old"),
            in2025.expired().stream().map(Exemption::expiryNote).toList());
        assertEquals("current until 2030-01-01", in2025.hiding().get().reason());
        Exemption.Lookup in2031 = c.exceptionFor(f, LocalDate.of(2031, 1, 1));
        assertEquals("never reached", in2031.hiding().orElseThrow().justification());
        assertEquals(2, in2031.expired().size());
    }

    @Test
    void brokenYamlIsAnErrorNotACrash() {
        PolicyConfig.Loaded loaded = parse("rules: {disable: [ESC-001\n");
        assertFalse(loaded.diagnostics().isEmpty());
        assertTrue(loaded.diagnostics().get(0).isError());
        assertTrue(loaded.config().rules().allows("ESC-001"));
    }

    @Test
    void foundUpwardFromTheFirstScannedPath(@TempDir Path dir) throws Exception {
        Path nested = Files.createDirectories(dir.resolve("a/b/c"));
        Files.writeString(dir.resolve("a/.policy.yaml"), "rules: {disable: [X-1]}\n");
        Files.writeString(nested.resolve("pod.yaml"), "kind: Pod\n");
        assertEquals(Optional.of(dir.resolve("a/.policy.yaml")), PolicyConfig.find(List.of(nested.resolve("pod.yaml").toString()), dir));
        assertEquals(Optional.of(dir.resolve("a/.policy.yaml")), PolicyConfig.find(List.of("-"), nested));
        assertEquals(Optional.empty(), PolicyConfig.find(List.of(dir.toString()), dir).filter(p -> p.startsWith(dir)));
    }
}
