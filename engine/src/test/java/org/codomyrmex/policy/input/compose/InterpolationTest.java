package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterpolationTest {
    private static final Span AT = new Span("compose.yaml", 7, 12, 7, 30);
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>(Map.of("NAME", "web", "EMPTY", "", "PORT", "8080"));
    private final Interpolation interpolation = new Interpolation(env::get, diagnostics);

    private String run(String text) {
        return interpolation.interpolate(text, AT);
    }

    @Test
    void plainAndBracedVariables() {
        assertEquals("web", run("$NAME"));
        assertEquals("web", run("${NAME}"));
        assertEquals("web-1:8080", run("$NAME-1:${PORT}"));
        assertEquals("no variables here", run("no variables here"));
        assertTrue(diagnostics.isEmpty());
    }

    @Test
    void colonDashDefaultsApplyWhenUnsetOrEmpty() {
        assertEquals("d", run("${UNSET:-d}"));
        assertEquals("d", run("${EMPTY:-d}"));
        assertEquals("web", run("${NAME:-d}"));
    }

    @Test
    void dashDefaultsApplyOnlyWhenUnset() {
        assertEquals("d", run("${UNSET-d}"));
        assertEquals("", run("${EMPTY-d}"));
        assertEquals("web", run("${NAME-d}"));
    }

    @Test
    void alternativeValues() {
        assertEquals("alt", run("${NAME:+alt}"));
        assertEquals("", run("${EMPTY:+alt}"));
        assertEquals("alt", run("${EMPTY+alt}"));
        assertEquals("", run("${UNSET+alt}"));
    }

    @Test
    void nestedDefaults() {
        assertEquals("web/x", run("${UNSET:-${NAME}/x}"));
        assertEquals("inner", run("${UNSET:-${ALSO_UNSET:-inner}}"));
        assertEquals("8080", run("${UNSET:-$PORT}"));
    }

    @Test
    void aLoneBraceInADefaultIsTextAsInComposeGo() {
        // Every '{' used to count as an opener, so ${A:-{} was "not closed"; compose-go counts only "${".
        assertEquals("{", run("${UNSET:-{}"));
        assertEquals("a{b", run("${UNSET:-a{b}"));
        assertEquals("{\"a\":{\"b\":1}}", run("${UNSET:-{\"a\":{\"b\":1}}}"));
        assertEquals("x}", run("${UNSET:-x}}"));
        assertEquals("web/x", run("${UNSET:-${NAME}/x}"));
        assertEquals(List.of(), diagnostics.stream().filter(d -> d.isError()).toList());
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertEquals("$NAME costs $5", run("$$NAME costs $$5"));
        assertTrue(diagnostics.isEmpty());
    }

    @Test
    void requiredVariableUnsetIsALocatedError() {
        assertEquals("${DB_PASSWORD:?set the password}", run("${DB_PASSWORD:?set the password}"));
        assertEquals(1, diagnostics.size());
        Diagnostic d = diagnostics.get(0);
        assertEquals("I3002", d.code());
        assertTrue(d.isError());
        assertEquals(AT, d.span());
        assertEquals("required variable DB_PASSWORD is not set: set the password", d.message());
    }

    @Test
    void colonQuestionRejectsEmptyButQuestionDoesNot() {
        run("${EMPTY:?must not be empty}");
        assertEquals("required variable EMPTY is empty: must not be empty", diagnostics.get(0).message());
        diagnostics.clear();
        assertEquals("", run("${EMPTY?only unset is an error}"));
        assertTrue(diagnostics.isEmpty());
        run("${UNSET?}");
        assertEquals("required variable UNSET is not set", diagnostics.get(0).message());
    }

    @Test
    void unsetVariableWithoutDefaultWarnsAndBecomesEmpty() {
        assertEquals("image:", run("image:${TAG}"));
        assertEquals(1, diagnostics.size());
        assertEquals("I3003", diagnostics.get(0).code());
        assertEquals(Diagnostic.Level.WARNING, diagnostics.get(0).level());
        assertEquals(AT, diagnostics.get(0).span());
    }

    @Test
    void malformedExpressionsAreErrorsAndKeepTheText() {
        for (String bad : List.of("${NAME", "${}", "price: 5$", "$ 5", "${1X}", "${NAME:x}", "${NAME:}", "${NAME!}")) {
            diagnostics.clear();
            assertEquals(bad, run(bad), bad);
            assertEquals(1, diagnostics.size(), bad);
            assertEquals("I3001", diagnostics.get(0).code(), bad);
            assertEquals(AT, diagnostics.get(0).span(), bad);
        }
    }

    @Test
    void treesInterpolateValuesNotKeysAndKeepSpans() {
        Span keySpan = new Span("f", 3, 5, 3, 10);
        Span valueSpan = new Span("f", 3, 12, 3, 20);
        Value.Str value = new Value.Str("${NAME}:${PORT}", valueSpan);
        Value.MapV map = new Value.MapV(Map.of("${NAME}", value), Map.of("${NAME}", keySpan), Span.NONE);
        Value.MapV out = (Value.MapV) interpolation.apply(map);
        assertEquals(List.of("${NAME}"), List.copyOf(out.entries().keySet()));
        Value.Str result = (Value.Str) out.get("${NAME}");
        assertEquals("web:8080", result.value());
        assertEquals(valueSpan, result.span());
        assertEquals(keySpan, out.keySpan("${NAME}"));
        Value.Int number = new Value.Int(3, valueSpan);
        assertSame(number, interpolation.apply(number));
    }

    @Test
    void deepNestingIsRefusedButManyExpressionsSideBySideAreFine() {
        String deep = "${A:-".repeat(5000) + "x" + "}".repeat(5000);
        assertEquals(deep, run(deep));
        assertEquals("I3001", diagnostics.get(0).code());
        assertTrue(diagnostics.get(0).message().contains("nested more than 32 deep"), diagnostics.get(0).message());
        diagnostics.clear();
        assertEquals("d".repeat(100), run("${UNSET:-d}".repeat(100)));
        assertEquals("x", run("${A:-".repeat(30) + "x" + "}".repeat(30)));
        assertTrue(diagnostics.isEmpty());
    }
}
