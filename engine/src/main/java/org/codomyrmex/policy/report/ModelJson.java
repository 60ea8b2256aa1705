package org.codomyrmex.policy.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.types.Schemas;

import java.util.List;
import java.util.Map;

/**
 * The document model as JSON for {@code policy parse}: like {@code conftest parse}, but every node says where
 * it came from. A scalar is {@code {"value": v, "at": "3:7-3:10"}}, a map {@code {"at": ..., "fields": {...}}},
 * a list {@code {"at": ..., "items": [...]}}; {@code at} names the file too when it differs from the document's
 * (a value set by a compose override or an env file).
 */
public final class ModelJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelJson() {
    }

    public static String render(List<Document> documents, boolean views) {
        ArrayNode out = MAPPER.createArrayNode();
        for (Document d : documents) {
            ObjectNode o = out.addObject();
            o.put("input", d.kind().id());
            o.put("file", d.source().name());
            o.set("resource", resource(d.resource()));
            if (!d.parts().isEmpty()) {
                ArrayNode parts = o.putArray("parts");
                d.parts().forEach(p -> parts.add(resource(p)));
            }
            o.set("document", node(d.root(), d.source().name()));
            if (views) {
                ObjectNode v = o.putObject("views");
                for (String name : Schemas.standard().views(d.kind()).keySet()) v.set(name, node(d.view(name), d.source().name()));
            }
        }
        try {
            return MAPPER.writeValueAsString(out) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode resource(Resource r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", r.kind());
        if (!r.namespace().isEmpty()) o.put("namespace", r.namespace());
        o.put("name", r.name());
        o.put("at", at(r.span(), ""));
        return o;
    }

    static String at(Span s, String file) {
        if (!s.isKnown()) return "";
        String prefix = s.file().equals(file) ? "" : s.file() + ":";
        return prefix + s.line() + ":" + s.column() + "-" + s.endLine() + ":" + s.endColumn();
    }

    static JsonNode node(Value v, String file) {
        ObjectNode o = MAPPER.createObjectNode();
        if (v instanceof Value.MapV m) {
            o.put("at", at(m.span(), file));
            ObjectNode fields = o.putObject("fields");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) fields.set(e.getKey(), node(e.getValue(), file));
            return o;
        }
        if (v instanceof Value.ListV l) {
            o.put("at", at(l.span(), file));
            ArrayNode items = o.putArray("items");
            for (Value item : l.items()) items.add(node(item, file));
            return o;
        }
        if (v instanceof Value.Null) {
            o.putNull("value");
        } else if (v instanceof Value.Bool b) {
            o.put("value", b.value());
        } else if (v instanceof Value.Int i) {
            o.put("value", i.value());
        } else if (v instanceof Value.Float f) {
            o.put("value", f.value());
        } else {
            o.put("value", ((Value.Str) v).value());
        }
        o.put("at", at(v.span(), file));
        return o;
    }
}
