package org.codomyrmex.policy.fuzz;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;
import org.codomyrmex.policy.testing.CpuTime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bug the fuzzers found, as the smallest input that showed it; these failed before their fix. */
class FoundBugsTest {

    /** The parser stops after ten syntax errors by throwing ParseCancellationException, which escaped. */
    @Test
    void moreThanTenSyntaxErrorsAreReportedNotThrown() {
        String text = "package p\n" + "rule ) ( ] [ }\n".repeat(20);
        Parser.Result<Module> r = Parser.parseModule(new SourceFile("many.policy", text));
        assertTrue(r.value().isEmpty());
        assertEquals(10, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().stream().allMatch(Diagnostic::isError));
        Parser.Result<Expr> e = Parser.parseExpression(new SourceFile("expr", "1 + ) ] ( , , , , , , , , , , , , , ) ) ) ) )"));
        assertTrue(e.value().isEmpty());
        assertTrue(!e.diagnostics().isEmpty() && e.diagnostics().size() <= 10, e.diagnostics().toString());
    }

    static String deepRule(String condition) {
        return "package deep\nrule D-1 \"deep\" {\n  severity low\n  threat container-escape\n  for c in containers\n  where "
            + condition + "\n  report \"x\" at c\n}\n";
    }

    /**
     * 10k-deep expressions overflowed the stack of the ANTLR parser (brackets, not, -) or of the checker, compiler
     * and evaluator (long operator chains): each is now a located error P1014.
     */
    @Test
    void tenThousandDeepExpressionsAreALocatedError() {
        int n = 10_000;
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("parens", "(".repeat(n) + "true" + ")".repeat(n));
        cases.put("lists", "[".repeat(n) + "]".repeat(n) + " != null");
        cases.put("maps", "{a: ".repeat(n) + "1" + "}".repeat(n) + " != null");
        cases.put("calls", "len(".repeat(n) + "\"x\"" + ")".repeat(n) + " > 0");
        cases.put("not", "not ".repeat(n) + "true");
        cases.put("minus", "-".repeat(n) + "1 == 1");
        cases.put("or", "false or ".repeat(n) + "true");
        cases.put("plus", "1 + ".repeat(n) + "1 > 0");
        cases.put("fields", "c" + ".x".repeat(n) + " == null");
        cases.put("if", "if true then ".repeat(n) + "true" + " else false".repeat(n));
        for (var e : cases.entrySet()) {
            Parser.Result<Module> r = Parser.parseModule(new SourceFile("deep.policy", deepRule(e.getValue())));
            assertTrue(r.value().isEmpty(), e.getKey());
            Diagnostic d = r.diagnostics().get(0);
            assertEquals("P1014", d.code(), e.getKey() + ": " + r.diagnostics());
            assertEquals("deep.policy", d.span().file());
            assertEquals(6, d.span().line(), e.getKey() + ": " + d.headline());
        }
        // Below the limits, deep is fine.
        assertTrue(Parser.parseModule(new SourceFile("ok.policy", deepRule("(".repeat(50) + "true" + ")".repeat(50)))).ok());
        assertTrue(Parser.parseModule(new SourceFile("ok.policy", deepRule("false or ".repeat(100) + "true"))).ok());
    }

    /**
     * A 100k-term operator chain (1.7 MB) ran the parser out of a 256 MB heap: the ANTLR parse tree costs memory
     * per token, and building the AST was quadratic in the chain's length. Files above 100k tokens are refused
     * before the parse, and a long chain below it is built in linear time.
     */
    @Test
    void hugePolicyFilesAreRefusedBeforeTheParse() {
        Parser.Result<Module> r = Parser.parseModule(new SourceFile("big.policy", deepRule("c.name == \"x\" or ".repeat(100_000) + "false")));
        assertEquals("P1015", r.diagnostics().get(0).code(), r.diagnostics().toString());
        assertEquals(6, r.diagnostics().get(0).span().line());
        long start = CpuTime.nanos(); // this thread's CPU time: other work on the machine does not count
        Parser.Result<Module> chain = Parser.parseModule(new SourceFile("chain.policy", deepRule("1 + ".repeat(15_000) + "1 > 0")));
        assertEquals("P1014", chain.diagnostics().get(0).code());
        long millis = CpuTime.millisSince(start);
        assertTrue(millis < 5_000, "a 15k-term chain took " + millis + " ms of CPU time");
    }

    /**
     * A literal pattern RE2 cannot compile (a backreference, as backtracking engines allow) made the call null at
     * run time, so the rule never fired and nothing said why: now a located check error.
     */
    @Test
    void invalidLiteralRegexIsACheckError() {
        Parser.Result<Module> r = Parser.parseModule(new SourceFile("re.policy", deepRule("matches(c.image, \"^(a+)\\\\1$\")")));
        assertTrue(r.ok(), r.diagnostics().toString());
        var checked = org.codomyrmex.policy.check.Checker.check(java.util.List.of(r.value().get()));
        Diagnostic d = checked.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
        assertEquals("C2056", d.code(), checked.diagnostics().toString());
        assertEquals(6, d.span().line());
        assertTrue(d.message().startsWith("invalid regular expression: "), d.message());
        // A catastrophic pattern for backtracking engines is valid RE2 and linear: no error.
        Parser.Result<Module> ok = Parser.parseModule(new SourceFile("ok.policy", deepRule("matches(c.image, \"^(a+)+$\")")));
        assertTrue(org.codomyrmex.policy.check.Checker.check(java.util.List.of(ok.value().get())).diagnostics().stream()
            .noneMatch(Diagnostic::isError));
    }

    /** A text file above the size limit was read whole before its size was checked: a 300 MB file exhausted a 256 MB heap. */
    @Test
    void oversizedFilesAreRefusedBeforeBeingRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path big = dir.resolve("pod.yaml");
        java.nio.file.Files.writeString(big, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n" + "#".repeat(5000));
        var neverRead = new org.codomyrmex.policy.input.InputSource("pod.yaml", java.util.Optional.of(big), () -> {
            throw new AssertionError("the file was read");
        });
        var options = new org.codomyrmex.policy.input.LoadOptions(1000, 10, 50, java.util.Map.of());
        for (var kind : java.util.List.of(org.codomyrmex.policy.model.InputKind.KUBERNETES, org.codomyrmex.policy.model.InputKind.DOCKERFILE)) {
            var r = org.codomyrmex.policy.input.Inputs.load(neverRead, java.util.Optional.of(kind), options);
            assertEquals("I0004", r.diagnostics().get(0).code(), r.diagnostics().toString());
            assertEquals("pod.yaml:1:1", r.diagnostics().get(0).span().toString());
        }
    }

    /** Standard input was read whole, however long: it is now read up to one byte past the limit. */
    @Test
    void standardInputIsReadUpToTheLimit() throws Exception {
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };
        var collected = org.codomyrmex.policy.input.FileCollector.collect(java.util.List.of("-"), endless, 1000);
        assertEquals(1001, collected.sources().get(0).content().read().length);
    }

    /**
     * Symbolic links in a scanned folder were dropped without a word (the walk saw them as neither file nor
     * folder). A link inside the tree is now read; one that loops, dangles or leaves the tree is an error.
     */
    @Test
    void linksThatLoopOrLeaveTheTreeAreReported(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path root = java.nio.file.Files.createDirectories(tmp.resolve("scan"));
        java.nio.file.Path outside = java.nio.file.Files.writeString(tmp.resolve("secret.yaml"), "apiVersion: v1\nkind: Secret\n");
        java.nio.file.Files.writeString(root.resolve("pod.yaml"), "apiVersion: v1\nkind: Pod\n");
        java.nio.file.Files.createSymbolicLink(root.resolve("out.yaml"), outside);
        java.nio.file.Files.createSymbolicLink(root.resolve("in.yaml"), root.resolve("pod.yaml"));
        java.nio.file.Files.createSymbolicLink(root.resolve("a.yaml"), root.resolve("b.yaml"));
        java.nio.file.Files.createSymbolicLink(root.resolve("b.yaml"), root.resolve("a.yaml"));
        java.nio.file.Files.createSymbolicLink(root.resolve("self"), root.resolve("self"));
        java.nio.file.Files.createSymbolicLink(root.resolve("up"), tmp);
        var c = org.codomyrmex.policy.input.FileCollector.collect(java.util.List.of(root.toString()), java.io.InputStream.nullInputStream());
        assertEquals(java.util.List.of(root.resolve("in.yaml").toString(), root.resolve("pod.yaml").toString()),
            c.sources().stream().map(org.codomyrmex.policy.input.InputSource::name).toList());
        java.util.Map<String, String> codes = new java.util.TreeMap<>();
        c.diagnostics().forEach(d -> codes.put(root.relativize(java.nio.file.Path.of(d.span().file())).toString(), d.code()));
        assertEquals(java.util.Map.of("a.yaml", "I0012", "b.yaml", "I0012", "self", "I0012", "out.yaml", "I0013", "up", "I0013"), codes);
    }

    /** A binary file named like YAML in a scanned folder was skipped as "not an input" without an error. */
    @Test
    void binaryFilesNamedLikeYamlAreAnError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
        java.nio.file.Files.write(root.resolve("deployment.yaml"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1, 2});
        java.nio.file.Files.writeString(root.resolve("values.yaml"), "replicas: 3\n");
        var c = org.codomyrmex.policy.input.FileCollector.collect(java.util.List.of(root.toString()), java.io.InputStream.nullInputStream());
        assertEquals(1, c.diagnostics().size(), c.diagnostics().toString());
        assertEquals("I0014", c.diagnostics().get(0).code());
        assertEquals(java.util.List.of(root.resolve("values.yaml").toString()), c.skipped());
    }

    /**
     * An alias bomb with few aliases (9 levels of 9) was accepted, because a reused alias counted as one value:
     * the document then expanded to 387 million values in whatever walked it (`policy parse` ran out of memory).
     */
    @Test
    void aliasBombsHitTheValueBudget() {
        StringBuilder text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nlol:\n  a: &a [1,2,3,4,5,6,7,8,9]\n");
        String prev = "a";
        for (String c : new String[] {"b", "c", "d", "e", "f", "g", "h", "i"}) {
            text.append("  ").append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, "*" + prev))).append("]\n");
            prev = c;
        }
        var r = org.codomyrmex.policy.input.yaml.YamlLoader.load(new SourceFile("bomb.yaml", text.toString()),
            org.codomyrmex.policy.input.yaml.YamlLoader.Options.defaults(org.codomyrmex.policy.input.yaml.YamlLoader.Profile.KUBERNETES));
        assertEquals("I1003", r.diagnostics().get(0).code(), r.diagnostics().toString());
        assertEquals("bomb.yaml", r.diagnostics().get(0).span().file());
        assertTrue(r.diagnostics().get(0).span().line() > 5, r.diagnostics().get(0).headline());
        // Aliases that expand modestly are fine.
        var ok = org.codomyrmex.policy.input.yaml.YamlLoader.load(new SourceFile("ok.yaml", "a: &a [1, 2]\nb: [*a, *a, *a]\n"),
            org.codomyrmex.policy.input.yaml.YamlLoader.Options.defaults(org.codomyrmex.policy.input.yaml.YamlLoader.Profile.KUBERNETES));
        assertTrue(ok.diagnostics().isEmpty(), ok.diagnostics().toString());
    }

    /**
     * Names and excerpts from an input reached the terminal raw: an escape sequence in a pod's name could erase or
     * recolour report lines, and a line break could forge one. The text report now neutralizes them; a 165k-column
     * line was printed whole as the excerpt, and is now cut to a window around the column.
     */
    @Test
    void textReportsNeutralizeTerminalControlAndLongLines() {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"\\e[2K\\rfake\\nx.yaml:1:1 info\"}\nspec:\n  containers:\n"
            + "    - name: \"a\\e]0;title\\a\"\n      image: x\n      securityContext: {privileged: true}\n";
        var engine = Fuzz.STDLIB;
        var report = engine.check(java.util.List.of(org.codomyrmex.policy.input.InputSource.ofText("esc.yaml", pod)), java.util.Optional.empty());
        assertTrue(!report.findings().isEmpty(), report.diagnostics().toString());
        String text = org.codomyrmex.policy.report.TextReport.findings(report);
        assertTrue(text.chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == '\r'), text);
        assertEquals(report.findings().size(), text.split("\n").length, text);
        var results = org.codomyrmex.policy.report.Results.of(report, Fuzz.STDLIB.rules(), org.codomyrmex.policy.model.Severity.LOW);
        String grouped = org.codomyrmex.policy.report.TextReport.render(results, new org.codomyrmex.policy.report.TextReport.Style(false, false));
        assertTrue(grouped.chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == '\r'), grouped);
        assertTrue(grouped.lines().noneMatch(l -> l.startsWith("x.yaml:1:1")), grouped);

        String longLine = "x".repeat(100_000) + "\u001b[31m" + "y".repeat(100_000);
        SourceFile src = new SourceFile("long.txt", longLine);
        String rendered = new org.codomyrmex.policy.diag.DiagnosticRenderer(n -> java.util.Optional.of(src))
            .render(Diagnostic.error("X0001", "here", src.span(100_000, 100_004)));
        assertTrue(rendered.length() < 1_000, "excerpt of " + rendered.length() + " chars");
        assertTrue(rendered.chars().noneMatch(c -> c == 0x1b), rendered);
        String[] lines = rendered.split("\n");
        assertEquals(lines[1].indexOf('\uFFFD'), lines[2].indexOf('^'), rendered);
    }

    /**
     * An OCI manifest without "layers" (here renamed in place, as a fuzzer's byte flip did) gave warning I4034 with
     * no location at all; it now points at the manifest.
     */
    @Test
    void aManifestWithoutLayersIsWarnedAboutWhereItIs() throws Exception {
        byte[] tar = java.nio.file.Files.readAllBytes(Fuzz.REPO.resolve("engine/src/test/resources/image/app-oci-archive.tar"));
        String latin = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = latin.indexOf("\"layers\":[");
        assertTrue(at > 0);
        System.arraycopy("\"layerz\"".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, tar, at, 8);
        var r = new org.codomyrmex.policy.input.image.ImageLoader().load(
            org.codomyrmex.policy.input.InputSource.ofBytes("oci.tar", tar), org.codomyrmex.policy.input.LoadOptions.defaults());
        Diagnostic d = r.diagnostics().stream().filter(x -> x.code().equals("I4034")).findFirst().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        assertTrue(d.span().isKnown() && d.span().file().startsWith("oci.tar!/"), d.headline());
    }
}
