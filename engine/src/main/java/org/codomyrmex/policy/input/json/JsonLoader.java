package org.codomyrmex.policy.input.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one JSON text into the document model with Jackson's streaming parser, keeping each value's span.
 * Bytes are decoded as strict UTF-8 first, so invalid UTF-8 and NUL characters are reported at their line and
 * column; size, nesting depth and the number of values are bounded, so a hostile file ends in a located error.
 * Duplicate keys are reported (the last wins, as Go's encoding/json does).
 */
public final class JsonLoader {

    public record Options(long maxBytes, int maxDepth, long maxValues) {
        public static Options defaults() {
            return new Options(32L * 1024 * 1024, 200, 2_000_000);
        }
    }

    /** The source as read (for excerpts), its value when it parsed, and the problems found. */
    public record Result(SourceFile source, Optional<Value> value, List<Diagnostic> diagnostics) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
        }

        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    private final SourceFile source;
    private final Options options;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private long produced;

    private JsonLoader(SourceFile source, Options options) {
        this.source = source;
        this.options = options;
    }

    /** Decodes {@code bytes} as UTF-8 (a leading byte-order mark is skipped) and parses them. */
    public static Result load(String name, byte[] bytes, Options options) {
        if (bytes.length > options.maxBytes()) {
            SourceFile empty = new SourceFile(name, "");
            return new Result(empty, Optional.empty(), List.of(Diagnostic.error("I1101",
                "JSON file is " + bytes.length + " bytes, more than the limit of " + options.maxBytes(), Span.of(name, 1, 1))));
        }
        List<Diagnostic> early = new ArrayList<>();
        String text = decode(name, bytes, early);
        SourceFile source = new SourceFile(name, text);
        if (!early.isEmpty()) return new Result(source, Optional.empty(), early);
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            return new Result(source, Optional.empty(), List.of(Diagnostic.error("I1103",
                "NUL character in JSON text", source.span(nul, nul), "the file is binary or corrupt")));
        }
        return new JsonLoader(source, options).run();
    }

    /** Parses text already decoded. */
    public static Result load(SourceFile source, Options options) {
        int nul = source.text().indexOf('\0');
        if (nul >= 0) {
            return new Result(source, Optional.empty(), List.of(Diagnostic.error("I1103",
                "NUL character in JSON text", source.span(nul, nul), "the file is binary or corrupt")));
        }
        return new JsonLoader(source, options).run();
    }

    /** Strict UTF-8: the first malformed sequence becomes a located error; the text up to it is kept. */
    private static String decode(String name, byte[] bytes, List<Diagnostic> out) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer chars = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, chars, true);
        if (!r.isError()) r = decoder.flush(chars);
        chars.flip();
        String text = chars.toString();
        if (r.isError()) {
            SourceFile partial = new SourceFile(name, text);
            Span where = partial.span(text.length(), text.length());
            out.add(Diagnostic.error("I1102", "invalid UTF-8 at byte offset " + in.position(), where,
                "JSON must be UTF-8 text; the file is binary or in another encoding"));
        }
        return text;
    }

    /** Several JSON values one after another (as kubectl accepts), each read with its spans. */
    public record StreamResult(SourceFile source, List<Value> values, List<Diagnostic> diagnostics) {
        public StreamResult {
            values = List.copyOf(values);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /**
     * Reads a stream of JSON values; stops at the first syntax error (keeping the values before it) or after
     * {@code maxValues} top-level values.
     */
    public static StreamResult loadStream(SourceFile source, Options options, int maxValues) {
        return new JsonLoader(source, options).runStream(maxValues);
    }

    private JsonFactory factory() {
        StreamReadConstraints limits = StreamReadConstraints.builder()
            // Past our own depth check, which places its error at the value; Jackson's own gives no location.
            .maxNestingDepth(options.maxDepth() + 2)
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, options.maxBytes()))
            .build();
        return JsonFactory.builder()
            .streamReadConstraints(limits)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    }

    private Result run() {
        Value value = null;
        try (JsonParser p = factory().createParser(source.text())) {
            JsonToken first = p.nextToken();
            if (first == null) {
                diagnostics.add(Diagnostic.error("I1104", "empty file: no JSON value", Span.of(source.name(), 1, 1)));
            } else {
                value = read(p, 0);
                JsonToken after = p.nextToken();
                if (after != null) {
                    diagnostics.add(Diagnostic.error("I1105", "text after the JSON value", start(p)));
                }
            }
        } catch (IOException | RuntimeException e) {
            report(e);
            value = null;
        }
        return new Result(source, Optional.ofNullable(value), diagnostics);
    }

    private StreamResult runStream(int maxValues) {
        List<Value> values = new ArrayList<>();
        int nul = source.text().indexOf('\0');
        if (nul >= 0) {
            diagnostics.add(Diagnostic.error("I1103", "NUL character in JSON text", source.span(nul, nul), "the file is binary or corrupt"));
            return new StreamResult(source, values, diagnostics);
        }
        try (JsonParser p = factory().createParser(source.text())) {
            while (p.nextToken() != null) {
                if (values.size() >= maxValues) {
                    diagnostics.add(Diagnostic.error("I1108", "more than " + maxValues + " JSON values in one file; the rest is not read", start(p)));
                    break;
                }
                values.add(read(p, 0));
            }
        } catch (IOException | RuntimeException e) {
            report(e);
        }
        return new StreamResult(source, values, diagnostics);
    }

    private void report(Exception e) {
        if (e instanceof Budget b) {
            diagnostics.add(Diagnostic.error("I1106", b.getMessage(), b.span));
        } else if (e instanceof StreamConstraintsException c) {
            diagnostics.add(Diagnostic.error("I1106", firstLine(c.getOriginalMessage()), located(c.getLocation())));
        } else if (e instanceof JsonProcessingException j) {
            diagnostics.add(Diagnostic.error("I1100", "invalid JSON: " + firstLine(j.getOriginalMessage()), located(j.getLocation())));
        } else {
            diagnostics.add(Diagnostic.error("I1100", "invalid JSON: " + firstLine(String.valueOf(e.getMessage())), Span.of(source.name(), 1, 1)));
        }
    }

    private Value read(JsonParser p, int depth) throws IOException {
        if (++produced > options.maxValues()) {
            throw new Budget("JSON has more than " + options.maxValues() + " values", start(p));
        }
        if (depth > options.maxDepth()) {
            throw new Budget("JSON nested deeper than " + options.maxDepth() + " levels", start(p));
        }
        JsonToken t = p.currentToken();
        int from = offset(p.currentTokenLocation());
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> entries = new LinkedHashMap<>();
                Map<String, Span> keySpans = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Span keySpan = keySpan(p);
                    p.nextToken();
                    Value v = read(p, depth + 1);
                    if (entries.containsKey(key)) {
                        diagnostics.add(Diagnostic.warning("I1107", "duplicate key '" + key + "' (first at line "
                            + keySpans.get(key).line() + "); the last one wins", keySpan));
                        entries.remove(key);
                    }
                    entries.put(key, v);
                    keySpans.put(key, keySpan);
                }
                return new Value.MapV(entries, keySpans, spanTo(from, p));
            }
            case START_ARRAY -> {
                List<Value> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, depth + 1));
                }
                return new Value.ListV(items, spanTo(from, p));
            }
            case VALUE_STRING -> {
                return new Value.Str(p.getText(), tokenSpan(p));
            }
            case VALUE_NUMBER_INT -> {
                Span at = tokenSpan(p);
                return switch (p.getNumberType()) {
                    case INT, LONG -> new Value.Int(p.getLongValue(), at);
                    default -> new Value.Float(p.getDoubleValue(), at);
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Value.Float(p.getDoubleValue(), tokenSpan(p));
            }
            case VALUE_TRUE -> {
                return new Value.Bool(true, tokenSpan(p));
            }
            case VALUE_FALSE -> {
                return new Value.Bool(false, tokenSpan(p));
            }
            case VALUE_NULL -> {
                return new Value.Null(tokenSpan(p));
            }
            default -> throw new Budget("unexpected JSON token " + t, start(p));
        }
    }

    private static int offset(JsonLocation l) {
        return (int) Math.max(0, l.getCharOffset());
    }

    /** The current token, from its first character to the one before the parser's position. */
    private Span tokenSpan(JsonParser p) {
        int from = offset(p.currentTokenLocation());
        int to = offset(p.currentLocation()) - 1;
        return source.span(from, Math.max(from, to));
    }

    /** A key, from its opening quote to its closing quote (the parser's position is already past the colon). */
    private Span keySpan(JsonParser p) {
        int from = offset(p.currentTokenLocation());
        String text = source.text();
        int i = from + 1;
        while (i < text.length() && text.charAt(i) != '"') i += text.charAt(i) == '\\' ? 2 : 1;
        return source.span(from, Math.min(i, text.length() - 1));
    }

    private Span spanTo(int from, JsonParser p) {
        int to = offset(p.currentLocation()) - 1;
        return source.span(from, Math.max(from, to));
    }

    private Span start(JsonParser p) {
        int from = offset(p.currentTokenLocation());
        return source.span(from, from);
    }

    private Span located(JsonLocation l) {
        if (l == null || l.getLineNr() < 1) return Span.of(source.name(), 1, 1);
        return Span.of(source.name(), l.getLineNr(), Math.max(1, l.getColumnNr()));
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static final class Budget extends RuntimeException {
        private final transient Span span;

        Budget(String message, Span span) {
            super(message, null, false, false);
            this.span = span;
        }
    }

}
