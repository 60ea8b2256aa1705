package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

import java.util.Optional;

/**
 * A builder flag such as {@code --from=build} or {@code --link}. {@code text} is the flag as BuildKit keeps it
 * (quotes removed, {@code --name=value}); {@code value} is empty for a flag written without {@code =}.
 */
public record Flag(String text, String name, Optional<String> value, Span span) {

    static Flag of(String text, Span span) {
        String body = text.startsWith("--") ? text.substring(2) : text;
        int eq = body.indexOf('=');
        if (eq < 0) return new Flag(text, body, Optional.empty(), span);
        return new Flag(text, body.substring(0, eq), Optional.of(body.substring(eq + 1)), span);
    }
}
