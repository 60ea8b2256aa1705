package org.codomyrmex.policy.server;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.report.Results;
import org.codomyrmex.policy.suppress.Triage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/ must pass our own standard library with no finding, as the standard library grows. */
class DeployManifestsTest {
    @Test
    void deployManifestsHaveNoFinding() throws Exception {
        Path deploy = Path.of(System.getProperty("user.dir")).resolve("../deploy").normalize();
        assertTrue(Files.isDirectory(deploy), deploy.toString());
        PolicyEngine engine = PolicyEngine.builder().build();
        Report report = engine.check(deploy);
        assertEquals(java.util.List.of(), report.errors().stream().map(Object::toString).toList());
        assertTrue(report.documentsChecked() >= 9, "every manifest was read: " + report.documentsChecked());
        // As `policy check deploy/` sees it: inline suppressions (each with its reason) applied.
        Results results = Triage.triage(report, java.util.List.of(), engine.rules(), new Triage.Options(
            PolicyConfig.defaults(deploy), java.util.Optional.empty(), java.time.LocalDate.now(), Severity.INFO, false));
        assertEquals(java.util.List.of(), results.active().stream()
            .map(r -> r.finding().location() + " " + r.finding().ruleId() + " " + r.finding().message()).toList());
        // Nothing needs a suppression either.
        assertEquals(java.util.List.of(), results.suppressed().stream().map(r -> r.finding().ruleId()).toList());

        // The settings and the project config shipped in the ConfigMap are valid, and the server is given both.
        String manifest = Files.readString(deploy.resolve("webhook.yaml"), StandardCharsets.UTF_8);
        String settings = configMapEntry(manifest, "webhook.yaml");
        WebhookSettings.Parsed parsed = WebhookSettings.parse("configmap", settings);
        assertTrue(parsed.ok(), parsed.diagnostics() + "\n" + settings);
        assertTrue(parsed.settings().exemptNamespaces().contains("policy-system"));
        String project = configMapEntry(manifest, ".policy.yaml");
        PolicyConfig.Loaded config = PolicyConfig.parse(new org.codomyrmex.policy.diag.SourceFile("configmap", project),
            Path.of("/etc/policy/config/.policy.yaml"), Path.of("/etc/policy/config"));
        assertEquals(java.util.List.of(), config.diagnostics(), project);
        assertTrue(manifest.contains("- --config=/etc/policy/config/webhook.yaml\n"));
        assertTrue(manifest.contains("- --policy-config=/etc/policy/config/.policy.yaml\n"));
    }

    /**
     * As deploy/README.md runs it, by a relative path: the script changed into the output folder first and then
     * looked for the manifests relative to the new folder, so `kubectl apply -f deploy/validating-webhook.yaml`
     * failed and the webhook was never registered. A kubectl stand-in records what it is asked to apply.
     */
    @Test
    void makeCertificateAppliesTheManifestsBesideIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("openssl") && onPath("bash"), "needs openssl and bash");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Path kubectl = Files.writeString(bin.resolve("kubectl"), """
            #!/usr/bin/env bash
            args=("$@")
            for ((i = 0; i < ${#args[@]}; i++)); do
              if [ "${args[i]}" = -f ] && [ "${args[i+1]}" = - ]; then cat > /dev/null; fi
              if [ "${args[i]}" = -f ] && [ "${args[i+1]}" != - ]; then
                [ -f "${args[i+1]}" ] || { echo "error: the path ${args[i+1]} does not exist" >&2; exit 1; }
                echo "applied $(basename "${args[i+1]}")" >> "$CALLS"
              fi
            done
            [ "${args[*]}" = "${args[*]/--dry-run=client/}" ] || echo "kind: Secret"
            """);
        assertTrue(kubectl.toFile().setExecutable(true));
        Path root = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", "deploy/make-certificate.sh", dir.resolve("certs").toString())
            .directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("CALLS", calls.toString());
        // The script's own knobs, if the environment running the tests happens to set them: NO_KUBECTL=1 would skip
        // the very calls this test looks for.
        pb.environment().remove("NO_KUBECTL");
        pb.environment().remove("DAYS");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertEquals(java.util.List.of("applied namespace.yaml", "applied validating-webhook.yaml"), Files.readAllLines(calls), output);
        assertTrue(Files.readString(dir.resolve("certs/tls.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) return true;
        }
        return false;
    }

    /** The text of one key of the ConfigMap's data (a block scalar indented by four spaces). */
    private static String configMapEntry(String manifest, String key) {
        String header = "  " + key + ": |\n";
        int start = manifest.indexOf(header);
        assertTrue(start >= 0, "the ConfigMap has no " + key);
        StringBuilder text = new StringBuilder();
        for (String line : manifest.substring(start + header.length()).split("\n", -1)) {
            if (!line.isBlank() && !line.startsWith("    ")) break; // the next key, or the end of the document
            text.append(line.length() >= 4 ? line.substring(4) : "").append('\n');
        }
        return text.toString();
    }
}
