package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.Span;

/**
 * What a document describes, for findings and suppressions: a Kubernetes object (kind, namespace, name),
 * a compose service, a Dockerfile stage or an image reference. Empty strings mean "not applicable".
 */
public record Resource(InputKind input, String kind, String namespace, String name, Span span) {

    /** {@code Deployment/prod/web}, {@code service/web}, {@code stage/build}, {@code image/nginx:1.27}. */
    public String display() {
        StringBuilder sb = new StringBuilder(kind.isEmpty() ? input.id() : kind);
        if (!namespace.isEmpty()) sb.append('/').append(namespace);
        if (!name.isEmpty()) sb.append('/').append(name);
        return sb.toString();
    }
}
