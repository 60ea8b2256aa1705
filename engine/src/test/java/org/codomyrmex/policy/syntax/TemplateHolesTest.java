package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a report message is cut into text and {holes}. */
class TemplateHolesTest {

    private static List<Expr.TemplatePart> parts(String message) {
        String text = "package p\nrule P-1 \"t\" {\n  severity low\n  threat container-escape\n  report " + message + "\n}\n";
        Parser.Result<Module> r = Parser.parseModule(new SourceFile("t.policy", text));
        assertTrue(r.ok(), r.diagnostics().toString());
        Decl.Rule rule = (Decl.Rule) r.value().orElseThrow().declarations().get(0);
        return rule.reports().get(0).message().parts();
    }

    private static String literalOf(Expr.TemplatePart part) {
        Expr e = assertInstanceOf(Expr.ExprPart.class, part).expr();
        return ((Value.Str) assertInstanceOf(Expr.Literal.class, e).value()).value();
    }

    /** A quote escaped inside a hole's string ended the string early, and the hole ran on to "unclosed '{'". */
    @Test
    void aHoleStringMayHoldEscapedQuotesAndBraces() {
        List<Expr.TemplatePart> p = parts("\"a {'it\\'s'} b {'}'} c\"");
        assertEquals(new Expr.TextPart("a "), p.get(0));
        assertEquals("it's", literalOf(p.get(1)));
        assertEquals(new Expr.TextPart(" b "), p.get(2));
        assertEquals("}", literalOf(p.get(3)));
        assertEquals(new Expr.TextPart(" c"), p.get(4));
    }

    /** In a single-quoted message, a hole may hold a double-quoted string with a brace. */
    @Test
    void aSingleQuotedMessageMayHoldDoubleQuotedStringsInHoles() {
        List<Expr.TemplatePart> p = parts("'x {\"{\"} y'");
        assertEquals("{", literalOf(p.get(1)));
        assertEquals(new Expr.TextPart(" y"), p.get(2));
    }

    /** The message's own escaped quote in a hole opens no string: the error is at the backslash, not "unclosed '{'". */
    @Test
    void anEscapedDoubleQuoteInAHoleIsReportedWhereItIs() {
        String text = "rule P-1 \"t\" {\n  severity low\n  threat container-escape\n  report \"a {lower(\\\"X\\\")} b\"\n}\n";
        Parser.Result<Module> r = Parser.parseModule(new SourceFile("t.policy", text));
        assertEquals("P1002", r.diagnostics().get(0).code(), r.diagnostics().toString());
        assertEquals(4, r.diagnostics().get(0).span().line());
        assertEquals(20, r.diagnostics().get(0).span().column());
    }
}
