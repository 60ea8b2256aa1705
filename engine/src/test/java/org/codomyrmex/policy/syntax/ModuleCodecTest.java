package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleCodecTest {

    /** Every construct of the language once: declarations, clauses, expressions, literals, templates, tests. */
    static final String EVERYTHING = """
        /// Doc of the package.
        package team.checks

        import stdlib.images as img
        import stdlib.secrets

        /// A constant.
        const limits = {"cpu": 2, "memory": "1Gi", "nested": [1, -2, 3.5, -0.25, true, false, null]}
        param allowed = ["a", 'b', r"c\\d"]

        /// A function.
        func big(x, y) = if x > y then x * 2 - 1 else y % 3 / 4

        rule TEAM-001 "A title with \\"quotes\\" and ünïcödé 🐳" {
          severity high
          threat container-escape
          refs "CIS 5.4", "PSS baseline"
          remediation \"\"\"
            Two lines
            of text.
          \"\"\"
          description "what it is"
          tags "one", "two"
          on kubernetes(Pod, Deployment)
          on compose

          for c in containers
          let n = count p in c.ports: p.containerPort >= 1024 and not (p.hostPort in [22, 80])
          let xs = [p.containerPort + 1 for p in c.ports if p.containerPort != null]
          where any e in c.env: (e.name not in allowed or (all v in xs: v < 10) or (none v in xs: v == 3))
          where let m = c["image"] in m != null
          report "container {c.name} has {n} ports, first {xs[0]} \\{literal\\}" at c.ports when n > 0
          report "plain"
        }

        test "a test" {
          given k8s \"\"\"
            kind: Pod
          \"\"\"
          given compose file "x/compose.yaml"
          expect TEAM-001 at line 3 column 7
          expect no TEAM-001 at line 4
          expect 2 findings
        }
        """;

    private static Module parse(SourceFile source) {
        Parser.Result<Module> result = Parser.parseModule(source);
        assertTrue(result.value().isPresent(), () -> source.name() + ": " + result.diagnostics());
        return result.value().get();
    }

    @Test
    void everyConstructComesBackEqual() {
        SourceFile source = new SourceFile("everything.policy", EVERYTHING);
        Module parsed = parse(source);
        byte[] bytes = ModuleCodec.encode(parsed).orElseThrow();
        assertEquals(parsed, ModuleCodec.decode(bytes, source).orElseThrow());
    }

    @Test
    void policyFilesOfTheProjectComeBackEqual() throws IOException {
        List<Path> files = new ArrayList<>();
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String dir : List.of("engine/src/test/resources/golden", "examples/policies",
            "bench/src/main/resources", "stdlib-policies/src/main/resources")) {
            try (Stream<Path> walk = Files.walk(root.resolve(dir))) {
                walk.filter(p -> p.toString().endsWith(".policy")).forEach(files::add);
            }
        }
        int roundTrips = 0;
        for (Path file : files) {
            SourceFile source = new SourceFile(file.toString(), Files.readString(file));
            Optional<Module> parsed = Parser.parseModule(source).value();
            if (parsed.isEmpty()) continue; // golden files with syntax errors
            assertEquals(parsed.get(), ModuleCodec.decode(ModuleCodec.encode(parsed.get()).orElseThrow(), source).orElseThrow(),
                file.toString());
            roundTrips++;
        }
        assertTrue(roundTrips >= 30, "round trips: " + roundTrips);
    }

    @Test
    void spansArePlacedInTheFileTheTextIsReadFromNow() {
        Module parsed = parse(new SourceFile("old/place.policy", EVERYTHING));
        SourceFile moved = new SourceFile("new/place.policy", EVERYTHING);
        Module decoded = ModuleCodec.decode(ModuleCodec.encode(parsed).orElseThrow(), moved).orElseThrow();
        assertEquals(parse(moved), decoded);
        assertEquals("new/place.policy", decoded.declarations().get(0).span().file());
    }

    @Test
    void aModuleWithASpanInAnotherFileIsNotEncoded() {
        Module parsed = parse(new SourceFile("a.policy", "const x = 1\n"));
        Decl.Const c = (Decl.Const) parsed.declarations().get(0);
        Module elsewhere = new Module(parsed.source(), parsed.packageName(), parsed.imports(),
            List.of(new Decl.Const(c.name(), c.nameSpan().withFile("b.policy"), c.value(), c.doc(), c.span())));
        assertEquals(Optional.empty(), ModuleCodec.encode(elsewhere));
    }

    /** Damaged bytes never throw and never decode into something else than the module, whatever the damage. */
    @Test
    void damagedBytesAreRefusedNeverThrown() {
        SourceFile source = new SourceFile("everything.policy", EVERYTHING);
        Module parsed = parse(source);
        byte[] bytes = ModuleCodec.encode(parsed).orElseThrow();
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            assertEquals(Optional.empty(), ModuleCodec.decode(cut, source), "cut at " + length);
        }
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] damaged = bytes.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
            Optional<Module> decoded = ModuleCodec.decode(damaged, source);
            assertTrue(decoded.isEmpty() || decoded.get().equals(parsed), "flip " + i);
        }
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertEquals(Optional.empty(), ModuleCodec.decode(longer, source));
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        assertEquals(Optional.empty(), ModuleCodec.decode(garbage, source));
    }

    @Test
    void aStringWithALoneSurrogateIsNeverCachedAsAnotherString() {
        // "\uD83D" is half an emoji: UTF-8 cannot carry it, and the cached module read it back as "?".
        SourceFile source = new SourceFile("s.policy", "const half = \"\\uD83D\"\nconst whole = \"\\uD83D\\uDE00\"\n");
        Module parsed = parse(source);
        assertEquals("\uD83D", ((Value.Str) ((Expr.Literal) ((Decl.Const) parsed.declarations().get(0)).value()).value()).value());
        Optional<byte[]> bytes = ModuleCodec.encode(parsed);
        assertTrue(bytes.isEmpty() || ModuleCodec.decode(bytes.get(), source).equals(Optional.of(parsed)));
    }

    @Test
    void anUnknownSpanStaysUnknown() {
        Module parsed = parse(new SourceFile("n.policy", "const x = -1\n"));
        Module decoded = ModuleCodec.decode(ModuleCodec.encode(parsed).orElseThrow(), parsed.source()).orElseThrow();
        Decl.Const c = (Decl.Const) decoded.declarations().get(0);
        assertEquals(Span.NONE, ((Expr.Literal) c.value()).value().span());
    }
}
