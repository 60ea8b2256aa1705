package org.codomyrmex.policy.input.json;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLoaderTest {

    static JsonLoader.Result load(String text) {
        return JsonLoader.load("t.json", text.getBytes(StandardCharsets.UTF_8), JsonLoader.Options.defaults());
    }

    static Diagnostic single(JsonLoader.Result r) {
        assertEquals(1, r.diagnostics().size(), r.diagnostics()::toString);
        return r.diagnostics().get(0);
    }

    @Test
    void valuesKeepTheirSpans() {
        JsonLoader.Result r = load("{\n  \"name\": \"web\",\n  \"ports\": [80, 443.5, true, null],\n  \"big\": 123456789012345678901234\n}\n");
        assertEquals(List.of(), r.diagnostics());
        Value.MapV root = (Value.MapV) r.value().orElseThrow();
        assertEquals(new Span("t.json", 1, 1, 5, 1), root.span());
        assertEquals(new Span("t.json", 2, 11, 2, 15), root.get("name").span());
        assertEquals(new Span("t.json", 2, 3, 2, 8), root.keySpan("name"));
        Value.ListV ports = (Value.ListV) root.get("ports");
        assertEquals(new Span("t.json", 3, 12, 3, 34), ports.span());
        assertEquals(80, ((Value.Int) ports.items().get(0)).value());
        assertEquals(new Span("t.json", 3, 13, 3, 14), ports.items().get(0).span());
        assertEquals(443.5, ((Value.Float) ports.items().get(1)).value());
        assertTrue(((Value.Bool) ports.items().get(2)).value());
        assertTrue(ports.items().get(3) instanceof Value.Null);
        assertTrue(root.get("big") instanceof Value.Float);
    }

    @Test
    void syntaxErrorIsLocated() {
        Diagnostic d = single(load("{\n  \"a\": 1,\n  \"b\": ]\n}"));
        assertEquals("I1100", d.code());
        assertEquals(3, d.span().line());
        assertEquals(8, d.span().column());
    }

    @Test
    void truncatedJsonIsLocated() {
        Diagnostic d = single(load("{\"a\": [1, 2"));
        assertEquals("I1100", d.code());
        assertTrue(d.message().contains("end-of-input"), d.message());
    }

    @Test
    void invalidUtf8IsLocated() {
        byte[] bytes = {'{', '\n', '"', 'a', '"', ':', ' ', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        JsonLoader.Result r = JsonLoader.load("t.json", bytes, JsonLoader.Options.defaults());
        Diagnostic d = single(r);
        assertEquals("I1102", d.code());
        assertEquals(Span.of("t.json", 2, 7), new Span(d.span().file(), d.span().line(), d.span().column(), d.span().line(), d.span().column()));
        assertTrue(r.value().isEmpty());
    }

    @Test
    void nulIsRefused() {
        Diagnostic d = single(load("{\"a\":\n \"x\u0000\"}"));
        assertEquals("I1103", d.code());
        assertEquals(2, d.span().line());
        assertEquals(4, d.span().column());
    }

    @Test
    void depthAndSizeAreBounded() {
        String deep = "[".repeat(300) + "]".repeat(300);
        assertEquals("I1106", single(load(deep)).code());
        JsonLoader.Result big = JsonLoader.load("t.json", new byte[2000], new JsonLoader.Options(1000, 10, 100));
        assertEquals("I1101", single(big).code());
        JsonLoader.Result many = JsonLoader.load("t.json", "[1,2,3,4,5,6]".getBytes(StandardCharsets.UTF_8),
            new JsonLoader.Options(1000, 10, 5));
        assertEquals("I1106", single(many).code());
    }

    @Test
    void duplicateKeysWarnAndTheLastWins() {
        JsonLoader.Result r = load("{\"a\": 1,\n \"a\": 2}");
        Diagnostic d = single(r);
        assertEquals("I1107", d.code());
        assertEquals(Diagnostic.Level.WARNING, d.level());
        assertEquals(2, d.span().line());
        assertEquals(2, ((Value.Int) ((Value.MapV) r.value().orElseThrow()).get("a")).value());
    }

    @Test
    void emptyAndTrailingText() {
        assertEquals("I1104", single(load("  \n")).code());
        assertEquals("I1105", single(load("{} {}")).code());
    }

    @Test
    void byteOrderMarkIsSkipped() {
        byte[] bytes = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '1', ']'};
        JsonLoader.Result r = JsonLoader.load("t.json", bytes, JsonLoader.Options.defaults());
        assertEquals(List.of(), r.diagnostics());
        assertEquals(new Span("t.json", 1, 1, 1, 3), r.value().orElseThrow().span());
    }
}
