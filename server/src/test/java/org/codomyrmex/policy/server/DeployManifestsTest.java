package org.codomyrmex.policy.server;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
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
        Report report = PolicyEngine.builder().build().check(deploy);
        assertEquals(java.util.List.of(), report.errors().stream().map(Object::toString).toList());
        assertEquals(java.util.List.of(), report.findings().stream().map(f -> f.location() + " " + f.ruleId() + " " + f.message()).toList());
        assertTrue(report.documentsChecked() >= 8, "every manifest was read: " + report.documentsChecked());

        // The settings shipped in the ConfigMap are valid webhook settings.
        String manifest = Files.readString(deploy.resolve("webhook.yaml"), StandardCharsets.UTF_8);
        int start = manifest.indexOf("  webhook.yaml: |\n") + "  webhook.yaml: |\n".length();
        int end = manifest.indexOf("---", start);
        String settings = manifest.substring(start, end).lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
            .reduce("", (a, b) -> a + b + "\n");
        WebhookSettings.Parsed parsed = WebhookSettings.parse("configmap", settings);
        assertTrue(parsed.ok(), parsed.diagnostics() + "\n" + settings);
        assertTrue(parsed.settings().exemptNamespaces().contains("policy-system"));
    }
}
