package org.codomyrmex.policy.testing;

import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that a loader's documents have the shape their schema promises: every view the schema declares for
 * the document's kind, and every field of every object reached, holds a value of the declared type (or null).
 * Loader tests call {@link #violations(Document)} and assert it is empty.
 */
public final class SchemaConformance {
    private SchemaConformance() {
    }

    public static List<String> violations(Document doc) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ObjectType.Field> view : Schemas.standard().views(doc.kind()).entrySet()) {
            check(doc.view(view.getKey()), view.getValue().type(), view.getKey(), out, 0);
        }
        return out;
    }

    public static List<String> violations(Value value, Type type, String path) {
        List<String> out = new ArrayList<>();
        check(value, type, path, out, 0);
        return out;
    }

    private static void check(Value v, Type t, String path, List<String> out, int depth) {
        if (v instanceof Value.Null || t instanceof Type.Any || depth > 64) return;
        if (t instanceof Type.Bool && !(v instanceof Value.Bool)
            || t instanceof Type.Int && !(v instanceof Value.Int)
            || t instanceof Type.Float && !(v instanceof Value.Float || v instanceof Value.Int)
            || t instanceof Type.Str && !(v instanceof Value.Str)) {
            out.add(path + ": expected " + t.display() + ", found " + v.typeName() + " " + v);
            return;
        }
        if (t instanceof Type.ListOf l) {
            if (!(v instanceof Value.ListV lv)) {
                out.add(path + ": expected " + t.display() + ", found " + v.typeName());
                return;
            }
            for (int i = 0; i < lv.items().size(); i++) check(lv.items().get(i), l.element(), path + "[" + i + "]", out, depth + 1);
        } else if (t instanceof Type.MapOf m) {
            if (!(v instanceof Value.MapV mv)) {
                out.add(path + ": expected " + t.display() + ", found " + v.typeName());
                return;
            }
            for (Map.Entry<String, Value> e : mv.entries().entrySet()) check(e.getValue(), m.value(), path + "." + e.getKey(), out, depth + 1);
        } else if (t instanceof ObjectType o) {
            if (!(v instanceof Value.MapV mv)) {
                out.add(path + ": expected " + o.name() + ", found " + v.typeName());
                return;
            }
            for (Map.Entry<String, Value> e : mv.entries().entrySet()) {
                ObjectType.Field f = o.fields().get(e.getKey());
                if (f == null) {
                    out.add(path + "." + e.getKey() + ": not a field of " + o.name());
                } else {
                    check(e.getValue(), f.type(), path + "." + e.getKey(), out, depth + 1);
                }
            }
        }
    }
}
