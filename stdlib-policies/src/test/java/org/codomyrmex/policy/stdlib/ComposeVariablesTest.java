package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A compose value that comes from the environment is not written in the file: secret rules must not report it
 * (and must not print it, masked or not, into a CI log), while a secret written in the file, as a value or as a
 * default, is still found.
 */
class ComposeVariablesTest {
    private static final String COMPOSE = """
        services:
          app:
            image: registry.example.com/app:1.0
            environment:
              DB_PASSWORD: ${DB_PASSWORD}
              API_TOKEN: ${API_TOKEN:-hunter2-is-not-a-secret-store}
              AWS_KEY: ${AWS_KEY}
              SIGNING_SECRET:
              SESSION_SECRET: written-in-the-file-4711
        """;

    private static List<String> secretFindings(Map<String, String> environment) {
        LoadOptions d = LoadOptions.defaults();
        PolicyEngine engine = PolicyEngine.builder()
            .loadOptions(new LoadOptions(d.maxFileBytes(), d.maxDocuments(), d.maxDepth(), environment)).build();
        Report r = engine.check(List.of(InputSource.ofText("compose.yaml", COMPOSE)), Optional.of(InputKind.COMPOSE));
        return r.findings().stream().filter(f -> f.ruleId().startsWith("SEC-"))
            .map(f -> f.ruleId() + "@" + f.location().line()).sorted().toList();
    }

    @Test
    void valuesFromTheEnvironmentAreNotSecretsOfTheFile() {
        Map<String, String> ci = Map.of("DB_PASSWORD", "s3cr3t-from-the-ci-vault", "AWS_KEY", "AKIAIOSFODNN7EXAMPLE",
            "SIGNING_SECRET", "another-value-from-the-vault");
        List<String> withVariables = secretFindings(ci);
        // Only what the file itself says: the default of API_TOKEN (line 6) and SESSION_SECRET (line 9).
        assertEquals(List.of("SEC-002@6", "SEC-002@9"), withVariables);
    }

    @Test
    void theSameFileWithoutTheVariablesFindsTheSame() {
        List<String> bare = secretFindings(Map.of());
        assertEquals(List.of("SEC-002@6", "SEC-002@9"), bare);
    }

    @Test
    void valuesFromAnIncludedModelsEnvFileAreNotSecretsOfTheFile(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("db/db.env"), "DB_PASSWORD=s3cr3t-from-the-include-env\n");
        Files.writeString(dir.resolve("db/compose.yaml"), """
            services:
              db:
                image: registry.example.com/db:1.0
                environment:
                  DB_PASSWORD: ${DB_PASSWORD}
                  ADMIN_PASSWORD: written-in-the-file-4711
            """);
        Path main = Files.writeString(dir.resolve("compose.yaml"), """
            include:
              - path: db/compose.yaml
                env_file: db/db.env
            """);
        Report r = PolicyEngine.builder().build().check(List.of(InputSource.ofPath(main.toString(), main)), Optional.of(InputKind.COMPOSE));
        List<String> secrets = r.findings().stream().filter(f -> f.ruleId().startsWith("SEC-"))
            .map(f -> f.ruleId() + "@" + Path.of(f.location().file()).getFileName() + ":" + f.location().line()).toList();
        assertEquals(List.of("SEC-002@compose.yaml:6"), secrets, "only the password written in the included file");
        assertEquals(List.of(), r.diagnostics().stream().filter(d -> d.code().startsWith("I3")).toList());
    }
}
