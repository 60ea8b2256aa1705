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
}
