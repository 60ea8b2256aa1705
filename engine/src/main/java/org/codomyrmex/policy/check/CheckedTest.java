package org.codomyrmex.policy.check;

import org.codomyrmex.policy.syntax.Decl;

/** An in-language test, with the file and package it was written in. */
public record CheckedTest(Decl.Test decl, String packageName, String file) {
}
