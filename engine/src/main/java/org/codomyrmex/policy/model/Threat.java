package org.codomyrmex.policy.model;

import java.util.Optional;

/** The six threats of the container threat model; every standard-library rule maps to one. */
public enum Threat {
    IMAGE_SECURITY("image-security", "Container image security"),
    CONTAINER_ESCAPE("container-escape", "Container escape"),
    REGISTRY_SECURITY("registry-security", "Registry security"),
    SECRET_EXPOSURE("secret-exposure", "Secret exposure"),
    NETWORK_SECURITY("network-security", "Network security"),
    KUBERNETES_SECURITY("kubernetes-security", "Kubernetes security");

    private final String id;
    private final String title;

    Threat(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public static Optional<Threat> parse(String s) {
        for (Threat t : values()) {
            if (t.id.equals(s)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
