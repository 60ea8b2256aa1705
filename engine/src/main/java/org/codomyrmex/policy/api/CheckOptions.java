package org.codomyrmex.policy.api;

import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.runtime.Cancellation;

import java.util.Optional;

/**
 * How {@link PolicyEngine#check(java.util.List, CheckOptions)} runs a check.
 *
 * @param kind     forces how every source is read; empty: each source's kind is detected from its name or content
 * @param jobs     threads that load and evaluate; 1 runs everything on the caller's thread
 * @param explain  findings carry the trace of the conditions that led to them
 * @param profile  told the time of each rule and each source ({@code policy check --profile})
 * @param listener     told how the check advances
 * @param cancellation cancelled from another thread, stops the check: it throws
 *                     {@link org.codomyrmex.policy.runtime.Budget.Interrupted} at the next checkpoint of an
 *                     evaluation or before the next batch of sources
 */
public record CheckOptions(Optional<InputKind> kind, int jobs, boolean explain, Optional<CheckProfile> profile,
                           Listener listener, Cancellation cancellation) {

    /** What a check tells as it goes; the default methods ignore it. */
    public interface Listener {
        /** The check is about to load {@code units} units (a file, or compose files of one folder together). */
        default void starting(int units) {
        }

        /** One unit was loaded; called from the check's threads, so it must be thread-safe. */
        default void loaded() {
        }

        /** Each document, once, in the order of the sources, on one thread at a time. */
        default void document(Document document) {
        }

        /** The documents waiting for the cross-document rules passed the memory budget: the files are read again. */
        default void secondPass() {
        }
    }

    public static final Listener SILENT = new Listener() {
    };

    public CheckOptions {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
    }

    /** Detected kinds, one thread, no explanations, no profile. */
    public static CheckOptions defaults() {
        return new CheckOptions(Optional.empty(), 1, false, Optional.empty(), SILENT, Cancellation.never());
    }

    public CheckOptions withKind(Optional<InputKind> kind) {
        return new CheckOptions(kind, jobs, explain, profile, listener, cancellation);
    }

    public CheckOptions withJobs(int jobs) {
        return new CheckOptions(kind, jobs, explain, profile, listener, cancellation);
    }

    public CheckOptions withExplain(boolean explain) {
        return new CheckOptions(kind, jobs, explain, profile, listener, cancellation);
    }

    public CheckOptions withProfile(Optional<CheckProfile> profile) {
        return new CheckOptions(kind, jobs, explain, profile, listener, cancellation);
    }

    public CheckOptions withListener(Listener listener) {
        return new CheckOptions(kind, jobs, explain, profile, listener, cancellation);
    }

    public CheckOptions withCancellation(Cancellation cancellation) {
        return new CheckOptions(kind, jobs, explain, profile, listener, cancellation);
    }
}
