package org.codomyrmex.policy.input;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.model.Document;

import java.util.List;

/** What a loader read from one source: its documents, and the problems found (errors and warnings). */
public record LoadResult(List<Document> documents, List<Diagnostic> diagnostics) {
    public LoadResult {
        documents = List.copyOf(documents);
        diagnostics = List.copyOf(diagnostics);
    }

    public static LoadResult failed(Diagnostic d) {
        return new LoadResult(List.of(), List.of(d));
    }
}
