package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.util.List;
import java.util.function.Consumer;

/** Builtins every program needs: sizes and conversions. */
final class CoreBuiltins {
    private CoreBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(new Builtin("len", List.of(new Builtin.Param("value", Type.ANY)), Type.INT, false, "core",
            "Number of items of a list or map, or characters of a string; null for anything else.",
            "len([1, 2, 3]) == 3", args -> {
                Value v = args[0];
                if (v instanceof Value.ListV l) return Values.integer(l.items().size());
                if (v instanceof Value.MapV m) return Values.integer(m.entries().size());
                if (v instanceof Value.Str s) return Values.integer(s.value().codePointCount(0, s.value().length()));
                return Values.NULL;
            }));
        add.accept(new Builtin("string", List.of(new Builtin.Param("value", Type.ANY)), Type.STRING, false, "core",
            "The value as text: strings unchanged, other values as written in the language.",
            "string(8080) == \"8080\"", args -> Values.string(Values.display(args[0]))));
    }
}
