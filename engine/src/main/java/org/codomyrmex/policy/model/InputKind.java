package org.codomyrmex.policy.model;

import java.util.Locale;
import java.util.Optional;

/** The four kinds of input the engine reads. Each gives rules its own set of views (see {@code types.Schemas}). */
public enum InputKind {
    KUBERNETES("kubernetes", "k8s"),
    COMPOSE("compose", "compose"),
    DOCKERFILE("dockerfile", "dockerfile"),
    IMAGE("image", "image");

    private final String id;
    private final String shortName;

    InputKind(String id, String shortName) {
        this.id = id;
        this.shortName = shortName;
    }

    /** The name used in policies, configs and output: {@code kubernetes}, {@code compose}, ... */
    public String id() {
        return id;
    }

    public String shortName() {
        return shortName;
    }

    public static Optional<InputKind> parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (InputKind k : values()) {
            if (k.id.equals(n) || k.shortName.equals(n)) return Optional.of(k);
        }
        return Optional.empty();
    }
}
