package org.codomyrmex.policy.check;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.types.Type;

/**
 * A module constant or parameter that passed the checker; the compiler evaluates it once. For a parameter,
 * {@code value} is its default, which configuration may replace.
 */
public record CheckedConstant(String qualifiedName, Expr value, Type type, int frameSize, boolean parameter, String doc,
                              Span span) {
}
