package org.codomyrmex.policy.runtime;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Optional;

import static org.codomyrmex.policy.testing.Expressions.eval;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Policies and their messages read the same whatever the machine's locale: under ar-EG, string(3.0) was
 * "٣٫٠" (and under de-DE "3,0", so to_float(string(3.0)) was null) and excerpts were numbered "  ٦ |".
 */
class LocaleIndependenceTest {
    private Locale saved;

    @BeforeEach
    void arabicLocale() {
        saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("ar-EG"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    @Test
    void floatsAreWrittenWithAsciiDigitsAndAPoint() {
        assertEquals("\"3.0\"", Values.literal(eval("string(3.0)")));
        assertEquals("true", Values.literal(eval("to_float(string(3.0)) == 3.0")));
        assertEquals("\"\\u0001\"", Values.quote("\u0001"));
        Locale.setDefault(Locale.GERMANY);
        assertEquals("\"-2.0\"", Values.literal(eval("string(-2.0)")));
    }

    @Test
    void excerptLinesAreNumberedWithAsciiDigits() {
        SourceFile source = new SourceFile("p.policy", "a\nb\nc\nd\ne\nwhere x\n");
        String text = new DiagnosticRenderer(n -> Optional.of(source))
            .render(Diagnostic.error("C2001", "unknown name 'x'", source.span(16, 16)));
        assertEquals("p.policy:6:7: error[C2001]: unknown name 'x'\n   6 | where x\n     |       ^\n", text);
    }
}
