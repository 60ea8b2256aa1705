package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvFileTest {
    private final List<Diagnostic> diagnostics = new ArrayList<>();

    private Map<String, EnvFile.Entry> parse(String text, Map<String, String> env) {
        return EnvFile.parse(new SourceFile("app.env", text), env::get, diagnostics);
    }

    @Test
    void readsTheFormsComposeAccepts() {
        Map<String, EnvFile.Entry> e = parse("""
            # comment
            PLAIN=value
            export EXPORTED=yes
            SPACED = padded   
            DOUBLE="a \\"quoted\\" line\\nnext"
            SINGLE='kept ${AS} is'
            INLINE=value # a comment
            HASH=a#b
            REF=${PLAIN}-${FROM_ENV}
            EMPTY=
            """, Map.of("FROM_ENV", "outside"));
        assertEquals("value", e.get("PLAIN").value());
        assertEquals("yes", e.get("EXPORTED").value());
        assertEquals("padded", e.get("SPACED").value());
        assertEquals("a \"quoted\" line\nnext", e.get("DOUBLE").value());
        assertEquals("kept ${AS} is", e.get("SINGLE").value());
        assertEquals("value", e.get("INLINE").value());
        assertEquals("a#b", e.get("HASH").value());
        assertEquals("value-outside", e.get("REF").value());
        assertEquals("", e.get("EMPTY").value());
        assertTrue(diagnostics.isEmpty(), diagnostics.toString());
    }

    @Test
    void yamlLikeColonLinesAreReadAsComposeReadsThem() {
        // "KEY: value" was "not a KEY=VALUE line" and dropped: Compose's env file parser reads it.
        Map<String, EnvFile.Entry> e = parse("DB_PASSWORD: hunter2\nURL=http://x:1/a\nexport T: 'q'\n", Map.of());
        assertEquals("hunter2", e.get("DB_PASSWORD").value());
        assertEquals("http://x:1/a", e.get("URL").value());
        assertEquals("q", e.get("T").value());
        assertTrue(diagnostics.isEmpty(), diagnostics.toString());
    }

    @Test
    void quotedValuesGoOnOverSeveralLines() {
        // A multi-line quoted value was cut at its first line with a warning, and its other lines were
        // warned about as lines that are not KEY=VALUE.
        Map<String, EnvFile.Entry> e = parse("""
            KEY="-----BEGIN KEY-----
            abc=def
            -----END KEY-----"
            SINGLE='one
            two'
            AFTER=1
            """, Map.of());
        assertEquals("-----BEGIN KEY-----\nabc=def\n-----END KEY-----", e.get("KEY").value());
        assertEquals("one\ntwo", e.get("SINGLE").value());
        assertEquals("1", e.get("AFTER").value());
        assertEquals(List.of("KEY", "SINGLE", "AFTER"), List.copyOf(e.keySet()));
        assertEquals(1, e.get("KEY").span().line());
        assertEquals(3, e.get("KEY").span().endLine());
        assertEquals(6, e.get("AFTER").span().line());
        assertTrue(diagnostics.isEmpty(), diagnostics.toString());
    }

    @Test
    void namesAndValuesPointAtTheirOwnText() {
        // Every value carried its whole line's span: a finding on a secret underlined "export", the name and all.
        Map<String, EnvFile.Entry> e = parse("""
            export   SECRET_KEY="zzz1" # note
            PLAIN = abc   # c
            PEM='one
              two'
            EMPTY=
            """, Map.of());
        org.codomyrmex.policy.diag.Span key = e.get("SECRET_KEY").valueSpan();
        assertEquals(List.of(1, 21, 1, 26), List.of(key.line(), key.column(), key.endLine(), key.endColumn()));
        org.codomyrmex.policy.diag.Span name = e.get("SECRET_KEY").nameSpan();
        assertEquals(List.of(1, 10, 1, 19), List.of(name.line(), name.column(), name.endLine(), name.endColumn()));
        org.codomyrmex.policy.diag.Span plain = e.get("PLAIN").valueSpan();
        assertEquals(List.of(2, 9, 2, 11), List.of(plain.line(), plain.column(), plain.endLine(), plain.endColumn()));
        org.codomyrmex.policy.diag.Span pem = e.get("PEM").valueSpan();
        assertEquals(List.of(3, 5, 4, 6), List.of(pem.line(), pem.column(), pem.endLine(), pem.endColumn()));
        assertEquals(e.get("EMPTY").span(), e.get("EMPTY").valueSpan());
    }

    @Test
    void valuesKeepTheirLine() {
        Map<String, EnvFile.Entry> e = parse("A=1\n\n  B=2\n", Map.of());
        assertEquals("app.env", e.get("A").span().file());
        assertEquals(1, e.get("A").span().line());
        assertEquals(3, e.get("B").span().line());
        assertEquals(3, e.get("B").span().column());
    }

    @Test
    void bareNameTakesTheEnvironmentOrIsSkipped() {
        Map<String, EnvFile.Entry> e = parse("FROM_ENV\nMISSING\n", Map.of("FROM_ENV", "x"));
        assertEquals("x", e.get("FROM_ENV").value());
        assertFalse(e.containsKey("MISSING"));
    }

    @Test
    void laterLinesWinAndBadLinesAreReported() {
        Map<String, EnvFile.Entry> e = parse("A=1\nnot a valid line\nA=2\nQ=\"open\n", Map.of());
        assertEquals("2", e.get("A").value());
        assertEquals(3, e.get("A").span().line());
        assertEquals("open", e.get("Q").value());
        assertEquals(List.of("I3020", "I3021"), diagnostics.stream().map(Diagnostic::code).toList());
        assertEquals(2, diagnostics.get(0).span().line());
        assertEquals(4, diagnostics.get(1).span().line());
    }
}
