package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.runtime.builtins.Builtin;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code :doc NAME}: what a name means, from the tables the checker uses: builtins (signature, doc, example),
 * views of each input kind, schema types with their fields, rules (session or standard library), session
 * functions, constants and bindings, and field paths such as {@code c.securityContext}.
 */
final class Docs {
    private Docs() {
    }

    static List<String> lookup(ReplSession session, String name) {
        List<String> out = new ArrayList<>();
        ReplSession.builtin(name).ifPresent(b -> builtin(b, out));
        Schemas schemas = Schemas.standard();
        for (InputKind k : InputKind.values()) {
            ObjectType.Field view = schemas.views(k).get(name);
            if (view != null) out.add("view " + name + " of " + k.id() + " inputs: " + view.type().display() + "\n  " + view.doc());
        }
        schemas.type(name).ifPresent(t -> type(t, out));
        session.definition(name).ifPresent(d -> out.add(d.kind() + " " + name + " (session)\n" + d.text().indent(2).stripTrailing()));
        if (session.definition(name).isEmpty() && name.matches("[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_]+)+")) {
            session.ruleInfo(name).ifPresent(r -> rule(r, out));
        }
        ReplSession.Binding b = session.bindings().get(name);
        if (b != null) {
            session.typeOf(name, List.of()).ifPresent(t -> out.add((b.each() ? "for " : "let ") + name + ": " + t.display()
                + " (session binding)"));
        }
        int dot = name.indexOf('.');
        if (out.isEmpty() && dot > 0) {
            // `e.under` for an imported package: the declaration as its package writes it.
            String alias = name.substring(0, dot);
            session.imports().source(alias, name.substring(dot + 1)).ifPresent(text -> out.add(name + " (package "
                + session.imports().named(alias).get().packageName() + ")\n" + text.indent(2).stripTrailing()));
        }
        if (out.isEmpty() && name.contains(".")) fieldPath(session, name, out);
        return out;
    }

    private static void builtin(Builtin b, List<String> out) {
        StringBuilder sb = new StringBuilder(b.signature()).append("    [").append(b.category()).append("]\n  ").append(b.doc());
        if (!b.example().isEmpty()) sb.append("\n  example: ").append(b.example());
        out.add(sb.toString());
    }

    private static void type(ObjectType t, List<String> out) {
        StringBuilder sb = new StringBuilder("type ").append(t.name());
        if (!t.doc().isEmpty()) sb.append(": ").append(t.doc());
        for (ObjectType.Field f : t.fields().values()) {
            sb.append("\n  ").append(f.name()).append(": ").append(f.type().display());
            if (!f.doc().isEmpty()) sb.append("    ").append(f.doc());
        }
        out.add(sb.toString());
    }

    private static void rule(RuleInfo r, List<String> out) {
        StringBuilder sb = new StringBuilder("rule ").append(r.id()).append(' ').append(org.codomyrmex.policy.model.Values.quote(r.title())).append('\n')
            .append("  severity ").append(r.severity().id()).append(", threat ").append(r.threat().id())
            .append(", applies to ").append(String.join(", ", r.formats().stream().map(InputKind::id).sorted().toList()));
        if (!r.description().isEmpty()) sb.append("\n  ").append(r.description());
        if (!r.remediation().isEmpty()) sb.append("\n  remediation: ").append(r.remediation());
        if (!r.references().isEmpty()) sb.append("\n  refs: ").append(String.join("; ", r.references()));
        out.add(sb.toString());
    }

    /** {@code c.securityContext.privileged}: the field's type and doc, from the type before the last dot. */
    private static void fieldPath(ReplSession session, String path, List<String> out) {
        int dot = path.lastIndexOf('.');
        String field = path.substring(dot + 1);
        Optional<Type> receiver = session.typeOf(path.substring(0, dot), List.of());
        if (receiver.isPresent() && receiver.get() instanceof ObjectType o) {
            o.field(field).ifPresent(f -> out.add(path + ": " + f.type().display() + " (field of " + o.name() + ")"
                + (f.doc().isEmpty() ? "" : "\n  " + f.doc())));
        }
        if (out.isEmpty()) {
            session.typeOf(path, List.of()).filter(t -> !(t instanceof Type.Any)).ifPresent(t -> {
                out.add(path + ": " + t.display());
                if (t instanceof ObjectType o) type(o, out);
            });
        } else {
            session.typeOf(path, List.of()).ifPresent(t -> {
                if (t instanceof ObjectType o) type(o, out);
            });
        }
    }
}
