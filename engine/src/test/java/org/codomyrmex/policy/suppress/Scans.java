package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.report.Results;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** A small policy set and helpers to check texts with it and triage the findings, for the tests of this package. */
public final class Scans {
    public static final String POLICY = """
        package t
        rule T-PRIV "Container runs privileged" {
          severity critical
          threat container-escape
          tags "pss-baseline"
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
        rule T-ROOT "No USER" {
          severity medium
          threat container-escape
          on dockerfile
          for c in containers
          where c.user == null
          report "container runs as root"
        }
        """;

    public static final PolicyEngine ENGINE = PolicyEngine.builder().standardLibrary(false).addPolicySource("t.policy", POLICY).build();

    public record Checked(Report report, List<Document> documents) {
    }

    private Scans() {
    }

    public static Checked check(InputKind kind, String name, String text) {
        assertFalse(ENGINE.hasPolicyErrors(), ENGINE.policyDiagnostics().toString());
        List<Document> docs = new ArrayList<>();
        for (LoadResult r : Inputs.loadAll(List.of(InputSource.ofText(name, text)), Optional.of(kind), LoadOptions.defaults())) {
            docs.addAll(r.documents());
        }
        return new Checked(ENGINE.checkDocuments(docs), docs);
    }

    public static Results triage(Checked c, PolicyConfig config, Optional<Baseline> baseline, LocalDate today, boolean softFail) {
        return Triage.triage(c.report(), c.documents(), ENGINE.rules(),
            new Triage.Options(config, baseline, today, Severity.LOW, softFail));
    }

    public static Results triage(Checked c) {
        return triage(c, PolicyConfig.defaults(Path.of(".")), Optional.empty(), LocalDate.of(2026, 6, 1), false);
    }

    public static PolicyConfig config(String yaml) {
        PolicyConfig.Loaded loaded = PolicyConfig.parse(new org.codomyrmex.policy.diag.SourceFile(".policy.yaml", yaml),
            Path.of(".policy.yaml"), Path.of("."));
        if (!loaded.diagnostics().isEmpty()) throw new AssertionError(loaded.diagnostics().toString());
        return loaded.config();
    }
}
