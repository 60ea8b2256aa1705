package org.codomyrmex.policy.check;

import org.codomyrmex.policy.runtime.builtins.Builtin;

/** What a name or call in the AST refers to, decided by the checker and used by the compiler. */
public sealed interface Resolution {

    /** A binding of the enclosing rule or function: a slot of its frame. */
    record Local(String name, int slot) implements Resolution {
    }

    /** A view of the input document ({@code containers}, {@code resource}, ...). */
    record View(String name) implements Resolution {
    }

    /** A module constant, by qualified name ({@code package.name}). */
    record Constant(String qualifiedName) implements Resolution {
    }

    record BuiltinCall(Builtin builtin) implements Resolution {
    }

    /** A user function, by qualified name. */
    record FunctionCall(String qualifiedName) implements Resolution {
    }
}
