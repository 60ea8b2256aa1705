package org.codomyrmex.policy.docs;

import org.codomyrmex.policy.runtime.builtins.BuiltinRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Docs generated from code must match the code. Regenerate with
 * {@code ./mvnw -q test -pl engine -Dtest=GeneratedDocsTest -Dpolicy.updateDocs=true}.
 */
class GeneratedDocsTest {
    static final Path DOCS = Path.of("..", "docs");

    static void assertCurrent(String file, String generated) throws IOException {
        Path path = DOCS.resolve(file);
        if (Boolean.getBoolean("policy.updateDocs")) {
            Files.writeString(path, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, "docs/" + file + " is stale; regenerate it (see this test's Javadoc)");
    }

    @Test
    void builtinsReferenceIsCurrent() throws IOException {
        String header = "# Builtins\n\nGenerated from the builtin registry (`engine/src/main/java/org/codomyrmex/policy/runtime/builtins/`);"
            + " do not edit by hand.\n\n";
        assertCurrent("builtins.md", header + BuiltinRegistry.markdownTable());
    }
}
