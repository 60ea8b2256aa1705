package org.codomyrmex.policy.stdlib;

import org.codomyrmex.policy.report.RulesMarkdown;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code docs/rules.md} is generated from the rules' metadata and must be current. Regenerate with
 * {@code ./mvnw -q test -pl stdlib-policies -Dtest=RulesDocTest -Dpolicy.updateDocs=true}.
 */
class RulesDocTest {
    @Test
    void rulesReferenceIsCurrent() throws IOException {
        Path path = Path.of("..", "docs", "rules.md");
        String generated = RulesMarkdown.render(StandardLibraryTest.ENGINE.rules());
        if (Boolean.getBoolean("policy.updateDocs")) Files.writeString(path, generated, StandardCharsets.UTF_8);
        String committed = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, "docs/rules.md is stale; regenerate it (see this test's Javadoc)");
    }
}
