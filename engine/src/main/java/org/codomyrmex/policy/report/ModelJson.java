package org.codomyrmex.policy.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.types.Schemas;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * The document model as JSON for {@code policy parse}: like {@code conftest parse}, but every node says where
 * it came from. A scalar is {@code {"value": v, "at": "3:7-3:10"}}, a map {@code {"at": ..., "fields": {...}}},
 * a list {@code {"at": ..., "items": [...]}}; {@code at} names the file too when it differs from the document's
 * (a value set by a compose override or an env file).
 *
 * <p>The output is written through a {@link JsonGenerator} as the model is walked: no tree of the output is
 * built, so a document of millions of values needs memory for its model, not for its JSON several times over.
 */
public final class ModelJson {
    /** Creates generators that indent as {@code SerializationFeature.INDENT_OUTPUT} does. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelJson() {
    }

    /**
     * Starts the JSON array on {@code out}; each {@link DocumentArray#write} adds one document and flushes it, and
     * {@link DocumentArray#close} ends the array with a line break. {@code out} itself is flushed, never closed.
     */
    public static DocumentArray open(Writer out, boolean views) throws IOException {
        JsonGenerator generator = MAPPER.createGenerator(out);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        generator.writeStartArray();
        return new DocumentArray(generator, out, views);
    }

    /** A JSON array of documents being written. */
    public static final class DocumentArray implements Closeable {
        private final JsonGenerator generator;
        private final Writer out;
        private final boolean views;

        private DocumentArray(JsonGenerator generator, Writer out, boolean views) {
            this.generator = generator;
            this.out = out;
            this.views = views;
        }

        /** Writes one document (and its views, when asked for) and flushes it to the stream. */
        public void write(Document d) throws IOException {
            JsonGenerator g = generator;
            String file = d.source().name();
            g.writeStartObject();
            g.writeStringField("input", d.kind().id());
            g.writeStringField("file", file);
            g.writeFieldName("resource");
            resource(g, d.resource());
            if (!d.parts().isEmpty()) {
                g.writeArrayFieldStart("parts");
                for (Resource p : d.parts()) resource(g, p);
                g.writeEndArray();
            }
            g.writeFieldName("document");
            node(g, d.root(), file);
            if (views) {
                g.writeObjectFieldStart("views");
                for (String name : Schemas.standard().views(d.kind()).keySet()) {
                    g.writeFieldName(name);
                    node(g, d.view(name), file);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.flush();
        }

        /** Ends the array and the output's last line. */
        @Override
        public void close() throws IOException {
            generator.writeEndArray();
            generator.close();
            out.write('\n');
            out.flush();
        }
    }

    private static void resource(JsonGenerator g, Resource r) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", r.kind());
        if (!r.namespace().isEmpty()) g.writeStringField("namespace", r.namespace());
        g.writeStringField("name", r.name());
        g.writeStringField("at", at(r.span(), ""));
        g.writeEndObject();
    }

    static String at(Span s, String file) {
        if (!s.isKnown()) return "";
        String prefix = s.file().equals(file) ? "" : s.file() + ":";
        return prefix + s.line() + ":" + s.column() + "-" + s.endLine() + ":" + s.endColumn();
    }

    private static void node(JsonGenerator g, Value v, String file) throws IOException {
        g.writeStartObject();
        if (v instanceof Value.MapV m) {
            g.writeStringField("at", at(m.span(), file));
            g.writeObjectFieldStart("fields");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                g.writeFieldName(e.getKey());
                node(g, e.getValue(), file);
            }
            g.writeEndObject();
        } else if (v instanceof Value.ListV l) {
            g.writeStringField("at", at(l.span(), file));
            g.writeArrayFieldStart("items");
            for (Value item : l.items()) node(g, item, file);
            g.writeEndArray();
        } else {
            g.writeFieldName("value");
            if (v instanceof Value.Null) {
                g.writeNull();
            } else if (v instanceof Value.Bool b) {
                g.writeBoolean(b.value());
            } else if (v instanceof Value.Int i) {
                g.writeNumber(i.value());
            } else if (v instanceof Value.Float f) {
                g.writeNumber(f.value());
            } else {
                g.writeString(((Value.Str) v).value());
            }
            g.writeStringField("at", at(v.span(), file));
        }
        g.writeEndObject();
    }
}
