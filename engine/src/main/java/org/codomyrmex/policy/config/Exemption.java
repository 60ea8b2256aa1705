package org.codomyrmex.policy.config;

import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Resource;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the config's {@code exceptions:} list: which rules, on which resources (kind, namespace and name
 * globs, a file glob), why, who owns the decision and until when. After {@code expires} the exception no longer
 * hides anything; the finding comes back with a note that says so.
 *
 * @param rules     rule ids or patterns of them ({@code SEC-*}); {@code *} for every rule
 * @param kind      resource kind pattern ({@code Deployment}, {@code service}, {@code stage}); empty: any
 * @param namespace namespace pattern ({@code team-*}); empty: any
 * @param name      resource name pattern ({@code ingress-[ab]}); empty: any
 * @param file      path glob, as in {@code .gitignore}, compiled once; empty: any file
 * @param baseDir   the folder the config lives in; file globs are relative to it
 */
public record Exemption(List<NamePattern> rules, NamePattern kind, NamePattern namespace, NamePattern name, Optional<Glob> file,
                        String justification, String owner, Optional<LocalDate> expires, String baseDir, Span span) {
    public Exemption {
        rules = List.copyOf(rules);
    }

    public boolean matches(Finding f) {
        if (rules.stream().noneMatch(r -> r.matches(f.ruleId()))) return false;
        if (file.isPresent() && !fileMatches(file.get(), f.location().file())) return false;
        Resource r = f.resource();
        Optional<Resource> part = f.part();
        return resourceMatches(r) || part.map(this::resourceMatches).orElse(false);
    }

    private boolean resourceMatches(Resource r) {
        return kind.matches(r.kind()) && namespace.matches(r.namespace()) && name.matches(r.name());
    }

    private boolean fileMatches(Glob glob, String path) {
        String relative = path;
        if (!baseDir.isEmpty()) {
            try {
                java.nio.file.Path base = java.nio.file.Path.of(baseDir).toAbsolutePath().normalize();
                java.nio.file.Path p = java.nio.file.Path.of(path).toAbsolutePath().normalize();
                if (p.startsWith(base)) relative = base.relativize(p).toString();
            } catch (java.nio.file.InvalidPathException e) {
                relative = path; // stdin ("-") and other names that are not paths match as written
            }
        }
        return glob.matches(relative, false);
    }

    public boolean expiredOn(LocalDate today) {
        return expires.isPresent() && today.isAfter(expires.get());
    }

    /**
     * What a list of exceptions says about one finding on a day: the first exception that matches it and has not
     * expired hides it; those that matched before it but expired are listed, so the finding can say why it is back.
     */
    public record Lookup(Optional<Exemption> hiding, List<Exemption> expired) {
        public Lookup {
            expired = List.copyOf(expired);
        }
    }

    /** The exceptions (in the config's order) applied to a finding, as {@code policy check} applies them. */
    public static Lookup lookup(List<Exemption> exceptions, Finding f, LocalDate today) {
        List<Exemption> expired = new java.util.ArrayList<>();
        for (Exemption e : exceptions) {
            if (!e.matches(f)) continue;
            if (!e.expiredOn(today)) return new Lookup(Optional.of(e), expired);
            expired.add(e);
        }
        return new Lookup(Optional.empty(), expired);
    }

    /** Why a finding it hides is accepted: {@code justification (owner: o) until 2026-12-31}. */
    public String reason() {
        StringBuilder sb = new StringBuilder(justification);
        if (!owner.isEmpty()) sb.append(" (owner: ").append(owner).append(')');
        expires.ifPresent(d -> sb.append(" until ").append(d));
        return sb.toString();
    }

    /** The note on a finding this exception no longer hides; call only when it has expired. */
    public String expiryNote() {
        return "exception for " + selector() + " expired on " + expires.orElseThrow()
            + (owner.isEmpty() ? "" : " (owner: " + owner + ")") + ": " + justification;
    }

    /** {@code Deployment/prod/web}-like description of what it selects, for notes. */
    public String selector() {
        StringBuilder sb = new StringBuilder(String.join(",", rules.stream().map(NamePattern::toString).toList()));
        if (!kind.isAny() || !namespace.isAny() || !name.isAny()) {
            sb.append(" on ").append(kind.isAny() ? "*" : kind);
            if (!namespace.isAny()) sb.append('/').append(namespace);
            sb.append('/').append(name.isAny() ? "*" : name);
        }
        file.ifPresent(glob -> sb.append(" in ").append(glob));
        return sb.toString();
    }
}
