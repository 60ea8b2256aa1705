package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.syntax.Parser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyFormatterTest {
    static final String MESSY = """


        /// Team rules.
        package   team
        import   escape as e


        const approved=[ "registry.example.com" ,"ghcr.io/example" ]   # trusted
        func ok( ref )= any r in approved: startswith( ref , r+"/" )
        rule TEAM-1 "Unapproved registry"{

            severity medium
              threat registry-security
          refs "internal wiki",
          "SEC-12"
          for c in containers
          where c.image != null and
          not ok(c.image)
          /* the image, not the digest */
             report "{c.name} pulls {c.image}" at c.image

        }
        test "unapproved" {
            given k8s \"""
              apiVersion: v1
              kind: Pod
            \"""
          expect no TEAM-1
        }
        """;

    static final String CANONICAL = """
        /// Team rules.
        package team
        import escape as e

        const approved = ["registry.example.com", "ghcr.io/example"]  # trusted
        func ok(ref) = any r in approved: startswith(ref, r + "/")
        rule TEAM-1 "Unapproved registry" {
          severity medium
          threat registry-security
          refs "internal wiki",
            "SEC-12"
          for c in containers
          where c.image != null and
            not ok(c.image)
          /* the image, not the digest */
          report "{c.name} pulls {c.image}" at c.image
        }

        test "unapproved" {
          given k8s \"""
              apiVersion: v1
              kind: Pod
            \"""
          expect no TEAM-1
        }
        """;

    @Test
    void layoutIsCanonicalAndKeepsComments() {
        assertEquals(CANONICAL, PolicyFormatter.format(MESSY).orElseThrow());
    }

    @Test
    void formattingIsIdempotent() {
        String once = PolicyFormatter.format(MESSY).orElseThrow();
        assertEquals(once, PolicyFormatter.format(once).orElseThrow());
    }

    @Test
    void unknownCharactersAreLeftToTheParser() {
        assertEquals(Optional.empty(), PolicyFormatter.format("package x\nconst a = 1 ~ 2\n"));
        assertEquals(Optional.empty(), PolicyFormatter.format("package x\nconst a = \"open\n"));
    }

    /** CRLF files came out with LF between lines and CRLF inside their text blocks, and fmt --check never passed them. */
    @Test
    void crlfLineEndingsAreKept() {
        String crlf = "package x\r\nconst a=1\r\nconst b = \"\"\"\r\n  y: 1\r\n  \"\"\"\r\n";
        String once = PolicyFormatter.format(crlf).orElseThrow();
        assertEquals("package x\r\nconst a = 1\r\nconst b = \"\"\"\r\n  y: 1\r\n  \"\"\"\r\n", once);
        assertEquals(once, PolicyFormatter.format(once).orElseThrow());
        assertEquals("package x\nconst a = 1\n", PolicyFormatter.format("package x\r\nconst a=1\n").orElseThrow());
    }

    /** A file saved with a byte order mark (Notepad) was refused as an "unexpected character"; fmt drops the mark. */
    @Test
    void aByteOrderMarkIsDropped() {
        assertEquals("package x\nconst a = 1\n", PolicyFormatter.format("\uFEFFpackage x\nconst a=1\n").orElseThrow());
    }

    /**
     * A doc comment after a rule stays on the declaration it documents (a blank line went between them), and
     * lines inside a bracket opened on a continued line stay right of it (they came back to its level).
     */
    @Test
    void docCommentsStayOnTheirDeclarationAndBracketsIndentFromTheirLine() {
        String text = """
            package x

            rule X-1 "r" {
              severity low
              threat image-security
              for c in containers
              report "x" at c.image
            }

            /// Documents f.
            func f(a) =
              (a == 1 and a != 2
                and a != 3)
              or a == 4
            """;
        assertEquals(text, PolicyFormatter.format(text).orElseThrow());
        assertEquals(text, PolicyFormatter.format(text.replace("    and a != 3", "and a != 3")
            .replace("}\n\n///", "}\n///")).orElseThrow());
    }

    @Test
    void everyShippedPolicyStaysEquivalentAndIsAFixedPoint() throws IOException {
        List<SourceFile> files = new ArrayList<>();
        ClassLoader cl = PolicyFormatterTest.class.getClassLoader();
        try (InputStream index = cl.getResourceAsStream("org/codomyrmex/policy/stdlib/index")) {
            for (String name : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank() || name.startsWith("#")) continue;
                try (InputStream in = cl.getResourceAsStream("org/codomyrmex/policy/stdlib/" + name.strip())) {
                    files.add(new SourceFile(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        Path examples = Path.of("../examples/policies/team.policy");
        if (Files.exists(examples)) files.add(new SourceFile("team.policy", Files.readString(examples)));
        assertTrue(files.size() >= 2);
        for (SourceFile f : files) {
            String formatted = PolicyFormatter.format(f.text()).orElseThrow(() -> new AssertionError(f.name()));
            assertEquals(formatted, PolicyFormatter.format(formatted).orElseThrow(), f.name());
            assertEquals(formatted, f.text(), f.name() + " is not in the layout policy fmt gives it");
            var before = Parser.parseModule(f);
            var after = Parser.parseModule(new SourceFile(f.name(), formatted));
            assertTrue(after.ok(), f.name() + ": " + after.diagnostics());
            assertEquals(before.value().orElseThrow().declarations().size(), after.value().orElseThrow().declarations().size(), f.name());
        }
    }
}
