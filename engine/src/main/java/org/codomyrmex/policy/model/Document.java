package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.SourceFile;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One document of an input: a Kubernetes object, a compose project, a Dockerfile, an image's metadata.
 * Rules see it through named views ({@code containers}, {@code resource}, ...) that the input's loader defines
 * and that are computed once per document, on first use.
 */
public final class Document {
    private final InputKind kind;
    private final SourceFile source;
    private final Value root;
    private final Resource resource;
    private final Function<String, Value> viewBuilder;
    private final Map<String, Value> views = new HashMap<>();

    public Document(InputKind kind, SourceFile source, Value root, Resource resource,
                    Function<String, Value> viewBuilder) {
        this.kind = kind;
        this.source = source;
        this.root = root;
        this.resource = resource;
        this.viewBuilder = viewBuilder;
    }

    public InputKind kind() {
        return kind;
    }

    public SourceFile source() {
        return source;
    }

    public Value root() {
        return root;
    }

    public Resource resource() {
        return resource;
    }

    /** A named view of this document; null value when the view does not apply. Not thread-safe per document. */
    public Value view(String name) {
        Value v = views.get(name);
        if (v == null) {
            v = viewBuilder.apply(name);
            if (v == null) v = Values.NULL;
            views.put(name, v);
        }
        return v;
    }
}
