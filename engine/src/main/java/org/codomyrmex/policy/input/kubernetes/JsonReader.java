package org.codomyrmex.policy.input.kubernetes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON text, or a stream of JSON values one after another (as {@code kubectl} accepts), into the
 * document model with the span of every value. Jackson's streaming parser only tokenizes; values are built here,
 * so nothing is ever bound to a Java class. Depth and the number of values are bounded.
 */
final class JsonReader {
    /** The values read, and the problem that ended reading (if any). */
    record Result(List<Value> documents, List<Diagnostic> diagnostics) {
    }

    private static final long MAX_VALUES = 2_000_000;

    private final SourceFile source;
    private final int maxDepth;
    private final int maxDocuments;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private long produced;

    private JsonReader(SourceFile source, int maxDepth, int maxDocuments) {
        this.source = source;
        this.maxDepth = maxDepth;
        this.maxDocuments = maxDocuments;
    }

    static Result read(SourceFile source, int maxDepth, int maxDocuments) {
        return new JsonReader(source, maxDepth, maxDocuments).run();
    }

    private Result run() {
        JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth + 1).build())
            .build();
        List<Value> documents = new ArrayList<>();
        try (JsonParser p = factory.createParser(source.text())) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (documents.size() >= maxDocuments) {
                    diagnostics.add(Diagnostic.error("K1013", "more than " + maxDocuments
                        + " JSON values in one file; the rest is not read", start(p)));
                    break;
                }
                documents.add(value(p, t, 0));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            Span span = at != null && at.getLineNr() > 0
                ? Span.of(source.name(), at.getLineNr(), Math.max(1, at.getColumnNr()))
                : Span.of(source.name(), 1, 1);
            diagnostics.add(Diagnostic.error("K1020", "invalid JSON: " + e.getOriginalMessage().split("\n")[0], span));
        } catch (TooMuch e) {
            diagnostics.add(Diagnostic.error("K1021", e.getMessage(), e.span));
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("K1020", "cannot read JSON: " + e.getMessage(), Span.of(source.name(), 1, 1)));
        }
        return new Result(documents, diagnostics);
    }

    private Value value(JsonParser p, JsonToken t, int depth) throws IOException {
        Span start = start(p);
        if (++produced > MAX_VALUES) throw new TooMuch("JSON text has more than " + MAX_VALUES + " values", start);
        if (depth > maxDepth) throw new TooMuch("JSON nested deeper than " + maxDepth + " levels", start);
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> entries = new LinkedHashMap<>();
                Map<String, Span> keySpans = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Span keyStart = start(p);
                    Span keySpan = new Span(source.name(), keyStart.line(), keyStart.column(), keyStart.line(),
                        keyStart.column() + key.length() + 1);
                    Value v = value(p, p.nextToken(), depth + 1);
                    if (entries.containsKey(key)) {
                        diagnostics.add(Diagnostic.warning("K1022", "duplicate key '" + key + "' (first at line "
                            + keySpans.get(key).line() + "); the last one wins, as in Kubernetes", keySpan));
                        entries.remove(key);
                    }
                    entries.put(key, v);
                    keySpans.put(key, keySpan);
                }
                return new Value.MapV(entries, keySpans, start.to(endOfToken(p)));
            }
            case START_ARRAY -> {
                List<Value> items = new ArrayList<>();
                JsonToken i;
                while ((i = p.nextToken()) != JsonToken.END_ARRAY) items.add(value(p, i, depth + 1));
                return new Value.ListV(items, start.to(endOfToken(p)));
            }
            case VALUE_STRING -> {
                String s = p.getText(); // reads the whole token, so the location below is after it
                return new Value.Str(s, start.to(endOfToken(p)));
            }
            case VALUE_NUMBER_INT -> {
                Span at = start.to(endOfToken(p));
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) return new Value.Float(p.getDoubleValue(), at);
                return new Value.Int(p.getLongValue(), at);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Value.Float(p.getDoubleValue(), start.to(endOfToken(p)));
            }
            case VALUE_TRUE -> {
                return new Value.Bool(true, start.to(endOfToken(p)));
            }
            case VALUE_FALSE -> {
                return new Value.Bool(false, start.to(endOfToken(p)));
            }
            case VALUE_NULL -> {
                return new Value.Null(start.to(endOfToken(p)));
            }
            default -> throw new TooMuch("unexpected JSON token " + t, start);
        }
    }

    private Span start(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return Span.of(source.name(), l.getLineNr(), l.getColumnNr());
    }

    /** The last character of the current token: the parser stands just after it. */
    private Span endOfToken(JsonParser p) {
        JsonLocation l = p.currentLocation();
        int line = l.getLineNr();
        int column = l.getColumnNr() - 1;
        return Span.of(source.name(), line, Math.max(1, column));
    }

    private static final class TooMuch extends RuntimeException {
        private final transient Span span;

        TooMuch(String message, Span span) {
            super(message, null, false, false);
            this.span = span;
        }
    }
}
