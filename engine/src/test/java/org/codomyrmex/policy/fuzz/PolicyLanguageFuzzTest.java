package org.codomyrmex.policy.fuzz;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.compile.Compiler;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy language front end on damaged policies: the parser, the checker and the compiler return for every
 * text, and a text they refuse has at least one located error.
 */
class PolicyLanguageFuzzTest {
    static final List<String> SEEDS = Fuzz.texts(Fuzz.endsWith(".policy"),
        "engine/src/test/resources/golden", "stdlib-policies/src/main/resources", "examples/policies");

    static final List<String> TOKENS = List.of("(", ")", "[", "]", "{", "}", "\"", "'", "\"\"\"", "`", "\\", "\n",
        "\r\n", "\t", " ", ".", ",", ":", "::", "==", "!=", "<=", "=~", "+", "-", "*", "/", "%", "?", "!", "|", "&",
        "not ", " and ", " or ", " in ", "for c in containers ", "some x in ", "all x in ", "if ", "then ", "else ",
        "let x = ", "rule X-1 \"t\" ", "report \"{c.name}\" at c ", "when ", "severity ", "threat ", "package p\n",
        "import ", "param ", "def f(x) = ", "fn ", "test ", "{", "}", "${", "null", "true", "-9223372036854775808",
        "99999999999999999999999", "1e99999", "0x", "\u0000", "\uD800", "\uDFFF", "\uFFFF", "\u202E", "😀",
        "matches(\"(a+)+$\")", "regex(\"[\")", "containers", "c.securityContext.privileged", "len(", "x.y.z.w");

    static final String FILE = "fuzz.policy";

    @Provide
    Arbitrary<String> mutatedPolicies() {
        return Fuzz.mutated(SEEDS, TOKENS);
    }

    @Provide
    Arbitrary<String> policySoup() {
        return Fuzz.soup(TOKENS);
    }

    @Property
    void mutatedPoliciesParseCheckAndCompileOrSayWhere(@ForAll("mutatedPolicies") String text) {
        front(text);
    }

    @Property
    void randomTokensParseCheckAndCompileOrSayWhere(@ForAll("policySoup") String text) {
        front(text);
        expression(text);
    }

    /** Expressions alone (the REPL and template holes): random and taken from the seeds' lines. */
    @Property
    void mutatedExpressions(@ForAll("mutatedPolicies") String text) {
        for (String line : text.split("\n", 20)) expression(line.strip());
    }

    static void front(String text) {
        SourceFile src = new SourceFile(FILE, text);
        Parser.Result<Module> parsed = Fuzz.run("parse", () -> Parser.parseModule(src));
        Fuzz.assertLocated(parsed.diagnostics(), Set.of(FILE));
        if (parsed.value().isEmpty()) {
            assertTrue(parsed.diagnostics().stream().anyMatch(d -> d.isError()), "refused without an error");
            return;
        }
        CheckedProgram checked = Fuzz.run("check", () -> Checker.check(List.of(parsed.value().get())));
        Fuzz.assertLocated(checked.diagnostics(), Set.of(FILE));
        if (checked.diagnostics().stream().noneMatch(d -> d.isError())) {
            Fuzz.run("compile", () -> Compiler.compile(checked, Map.of()));
        }
    }

    static void expression(String text) {
        SourceFile src = new SourceFile("expr", text);
        Parser.Result<Expr> parsed = Fuzz.run("parse expression", () -> Parser.parseExpression(src));
        Fuzz.assertLocated(parsed.diagnostics(), Set.of("expr"));
        if (parsed.value().isEmpty()) {
            assertTrue(parsed.diagnostics().stream().anyMatch(d -> d.isError()), "refused without an error");
        }
    }
}
