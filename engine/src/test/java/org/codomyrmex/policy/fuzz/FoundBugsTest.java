package org.codomyrmex.policy.fuzz;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;
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
        long start = System.nanoTime();
        Parser.Result<Module> chain = Parser.parseModule(new SourceFile("chain.policy", deepRule("1 + ".repeat(15_000) + "1 > 0")));
        assertEquals("P1014", chain.diagnostics().get(0).code());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "a 15k-term chain took " + millis + " ms");
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
}
