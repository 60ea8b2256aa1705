package org.codomyrmex.policy.check;

import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.types.Type;

/** A user function that passed the checker, with its inferred result type and frame size. */
public record CheckedFunction(String qualifiedName, Decl.Function decl, Type resultType, int frameSize) {
}
