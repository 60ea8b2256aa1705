package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.diag.Suggestions;

import java.util.Collection;

/** "did you mean" as a sentence tail for REPL messages. */
final class Suggestion {
    private Suggestion() {
    }

    static String of(String wrong, Collection<String> known) {
        return Suggestions.closest(wrong, known).map(s -> "; did you mean '" + s + "'?").orElse("");
    }
}
