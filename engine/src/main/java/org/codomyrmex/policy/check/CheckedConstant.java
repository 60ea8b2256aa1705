package org.codomyrmex.policy.check;

import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.types.Type;

/** A module constant that passed the checker; the compiler evaluates it once. */
public record CheckedConstant(String qualifiedName, Decl.Const decl, Type type, int frameSize) {
}
