package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.SourceFile;

import java.util.HashMap;
import java.util.List;
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
    private final List<Resource> parts;
    private final Function<String, Value> viewBuilder;
    private final Map<String, Value> views = new HashMap<>();

    /**
     * @param parts       sub-resources with their spans (compose services, Dockerfile stages): a finding whose
     *                    location falls inside one names it as its resource
     * @param viewBuilder computes a view by name; returns null for names this kind does not define
     */
    public Document(InputKind kind, SourceFile source, Value root, Resource resource, List<Resource> parts,
                    Function<String, Value> viewBuilder) {
        this.kind = kind;
        this.source = source;
        this.root = root;
        this.resource = resource;
        this.parts = List.copyOf(parts);
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

    public List<Resource> parts() {
        return parts;
    }

    /** The innermost part whose span holds {@code at}, if any. */
    public java.util.Optional<Resource> partAt(org.codomyrmex.policy.diag.Span at) {
        Resource best = null;
        for (Resource p : parts) {
            org.codomyrmex.policy.diag.Span s = p.span();
            if (s.isKnown() && at.isKnown() && s.file().equals(at.file()) && contains(s, at)) best = p;
        }
        return java.util.Optional.ofNullable(best);
    }

    private static boolean contains(org.codomyrmex.policy.diag.Span outer, org.codomyrmex.policy.diag.Span inner) {
        boolean startsAfter = inner.line() > outer.line() || (inner.line() == outer.line() && inner.column() >= outer.column());
        boolean endsBefore = inner.line() < outer.endLine() || (inner.line() == outer.endLine() && inner.column() <= outer.endColumn());
        return startsAfter && endsBefore;
    }

    /**
     * A named view of this document; null value when the view does not apply. Synchronized: a parallel check
     * evaluates each document on one thread, but the scan view reads every document's views from another.
     */
    public synchronized Value view(String name) {
        Value v = views.get(name);
        if (v == null) {
            v = viewBuilder.apply(name);
            if (v == null) v = Values.NULL;
            views.put(name, v);
        }
        return v;
    }
}
