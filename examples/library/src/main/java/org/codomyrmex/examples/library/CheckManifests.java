package org.codomyrmex.examples.library;

import org.codomyrmex.policy.api.FindingHook;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Uses the policy engine as a library: one engine built at start-up (standard library, a team policy from the
 * classpath, a parameter, a configuration hook), then shared by every check and every thread.
 *
 * <p>Usage: {@code CheckManifests FOLDER [REPORT.json]}. Prints each finding and whether a gate at "high" would
 * pass, writes the JSON report, and exits 2 when anything could not be checked.
 */
public final class CheckManifests {
    private CheckManifests() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args.length > 0 ? args[0] : "../kubernetes").normalize();
        Path json = Path.of(args.length > 1 ? args[1] : "report.json");

        PolicyEngine engine = PolicyEngine.builder()
            .addPolicyResource("policies/team.policy")                            // bundled in this jar
            .parameter("registries", List.of("registry.example.com/", "ghcr.io/acme/"))
            .findingHook(FindingHook.overrideSeverities(Map.of("TEAM-001", Severity.LOW)))
            .build();
        if (engine.hasPolicyErrors()) {
            engine.policyDiagnostics().forEach(d -> System.err.println(d.span() + " " + d.message()));
            System.exit(2);
        }
        System.out.println(engine.rules().size() + " rules loaded");

        // 1. Files and folders.
        Report report = engine.check(folder);
        for (Finding f : report.findings()) {
            System.out.printf("%s:%d:%d %s %s %s [%s]%n", f.location().file(), f.location().line(), f.location().column(),
                f.severity().id(), f.ruleId(), f.message(), f.resource().display());
        }
        report.errors().forEach(e -> System.err.println("error: " + e.span() + " " + e.message()));
        Files.writeString(json, report.toJson());
        System.out.println("JSON report: " + json.toAbsolutePath());

        // 2. Text held in memory, and a stream, each with its kind.
        String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            + "    - {name: app, image: ghcr.io/acme/app:2.0, securityContext: {privileged: true}}\n";
        Report fromText = engine.check("pod.yaml", pod, InputKind.KUBERNETES);
        Report fromStream = engine.check("stdin", new ByteArrayInputStream(pod.getBytes(StandardCharsets.UTF_8)), InputKind.KUBERNETES);
        System.out.println("in-memory pod: " + ids(fromText) + ", same from a stream: " + ids(fromStream));

        // 3. One engine, many threads: it is immutable and safe to share.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Report>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) results.add(pool.submit(() -> engine.check("pod.yaml", pod, InputKind.KUBERNETES)));
        int agreeing = 0;
        for (Future<Report> r : results) if (ids(r.get()).equals(ids(fromText))) agreeing++;
        pool.shutdown();
        System.out.println(agreeing + "/100 concurrent checks agree");

        List<Finding> blocking = report.findingsAtLeast(Severity.HIGH);
        System.out.println(blocking.isEmpty() ? "a gate at high would pass"
            : "a gate at high would fail on " + blocking.stream().map(Finding::ruleId).toList());
        if (report.hasErrors() || agreeing != 100) System.exit(2);
    }

    private static List<String> ids(Report r) {
        return r.findings().stream().map(f -> f.ruleId() + "@" + f.location().line()).toList();
    }
}
