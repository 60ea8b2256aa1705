package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.model.Fingerprints;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.config.Enforcement;
import org.codomyrmex.policy.config.Exemption;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.report.Results;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a report into results under a config: drops findings of disabled rules, applies severity overrides,
 * fingerprints each finding, finds what suppresses it (inline comment, file comment, annotation, exception,
 * baseline, in that order), notes exceptions that expired, and decides which findings fail the run.
 */
public final class Triage {
    /** The annotation on a Kubernetes resource: {@code policy.codomyrmex.org/ignore: "ESC-001 reason"}. */
    public static final String ANNOTATION = "policy.codomyrmex.org/ignore";

    private Triage() {
    }

    public record Options(PolicyConfig config, Optional<Baseline> baseline, LocalDate today, Severity failOn, boolean softFail) {
    }

    public static Results triage(Report report, List<Document> documents, List<RuleInfo> rules, Options o) {
        Map<Resource, Value.Str> annotations = new HashMap<>();
        for (Document d : documents) ignoreAnnotation(d).ifPresent(a -> annotations.putIfAbsent(d.resource(), a));
        return triage(report, annotations, rules, o);
    }

    /**
     * As above, with the documents' ignore annotations gathered while they were checked ({@link
     * #ignoreAnnotation}), so a streaming scan need not keep its documents.
     */
    public static Results triage(Report report, Map<Resource, Value.Str> ignoreAnnotations, List<RuleInfo> rules, Options o) {
        Map<String, RuleInfo> byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.putIfAbsent(r.id(), r));

        List<Finding> kept = new ArrayList<>();
        for (Finding f : report.findings()) {
            o.config().configured(f, Optional.ofNullable(byId.get(f.ruleId()))).ifPresent(kept::add);
        }
        kept.sort(Report.ORDER);
        Map<String, Optional<SourceFile>> sourceCache = new HashMap<>();
        java.util.function.Function<String, Optional<SourceFile>> sources = n -> sourceCache.computeIfAbsent(n, report::source);
        List<String> fingerprints = Fingerprints.of(kept, sources);

        List<Results.Result> results = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Finding f = kept.get(i);
            String fp = fingerprints.get(i);
            List<String> notes = new ArrayList<>();
            Optional<Suppression> why = sources.apply(f.location().file()).flatMap(src -> InlineSuppressions.find(f, src));
            if (why.isEmpty()) why = annotation(f, ignoreAnnotations.get(f.resource()));
            if (why.isEmpty()) {
                Exemption.Lookup exception = o.config().exceptionFor(f, o.today());
                exception.expired().forEach(e -> notes.add(e.expiryNote()));
                why = exception.hiding().map(e -> new Suppression(Suppression.Kind.EXCEPTION, e.reason(), e.span()));
            }
            if (why.isEmpty() && o.baseline().isPresent() && o.baseline().get().contains(fp)) {
                why = Optional.of(new Suppression(Suppression.Kind.BASELINE, "in the baseline", org.codomyrmex.policy.diag.Span.NONE));
            }
            Enforcement enforcement = o.config().enforcementOf(f.ruleId());
            boolean failing = why.isEmpty() && f.severity().atLeast(o.failOn()) && enforcement.fails(o.softFail());
            results.add(new Results.Result(f, fp, why, notes, enforcement, failing));
        }
        return new Results(report, results, byId);
    }

    /** The value of a document's {@value #ANNOTATION} annotation, when it has one. */
    public static Optional<Value.Str> ignoreAnnotation(Document doc) {
        Value root = doc.root();
        if (!(root instanceof Value.MapV m) || !(m.entries().get("metadata") instanceof Value.MapV meta)) return Optional.empty();
        if (!(meta.entries().get("annotations") instanceof Value.MapV annotations)) return Optional.empty();
        if (!(annotations.entries().get(ANNOTATION) instanceof Value.Str value)) return Optional.empty();
        return Optional.of(value);
    }

    private static Optional<Suppression> annotation(Finding f, Value.Str value) {
        if (value == null) return Optional.empty();
        return InlineSuppressions.annotationCovers(value.value(), f.ruleId())
            .map(why -> new Suppression(Suppression.Kind.ANNOTATION, why, value.span()));
    }
}
