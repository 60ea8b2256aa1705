package org.codomyrmex.policy.server;

import org.codomyrmex.policy.api.FindingHook;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.config.Exemption;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.IoReason;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The engine, settings and project config the server uses now. A reload builds a new engine beside the old one
 * and swaps it in atomically only when it has no errors: requests in flight finish with the engine they started
 * with, and a broken policy or config edit never replaces a working engine.
 *
 * <p>The project config ({@code .policy.yaml}, {@link ServerOptions#policyConfig()}) is read with the code
 * {@code policy check} uses: its policy folders and parameters go into the engine, its rule selection and
 * severities into the engine's finding hook, and its exceptions and enforcement levels are kept for
 * {@link Admission}. Where the webhook settings set the same thing, the settings win (see {@link #findingHook}
 * and {@link #parameters}).
 */
public final class PolicyStore {

    /** One loaded generation of policies, settings and project config. */
    public record Loaded(PolicyEngine engine, WebhookSettings settings, PolicyConfig config, long generation,
                         Instant loadedAt, String stamp) {
        /**
         * The project config's exceptions that can apply under admission: those that select files are left out,
         * since an object under admission comes from the API server, not from a file.
         */
        public List<Exemption> admissionExceptions() {
            return config.exceptions().stream().filter(e -> e.file().isEmpty()).toList();
        }

        /** The project config's exceptions applied to a finding under admission, on {@code today}. */
        public Exemption.Lookup exceptionFor(Finding f, LocalDate today) {
            return Exemption.lookup(admissionExceptions(), f, today);
        }
    }

    /**
     * What a load produced: the new generation, or the errors that kept the old one; the warnings either way;
     * and all of them rendered with their excerpts.
     */
    public record Outcome(Optional<Loaded> loaded, List<Diagnostic> errors, List<Diagnostic> warnings, String rendered) {
        public Outcome {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        /** True when the load succeeded. */
        public boolean ok() {
            return loaded.isPresent();
        }
    }

    private final ServerOptions options;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    /**
     * The files the last load read, and their stamp, whether it worked or not: a broken edit is reported once,
     * not again at every look until it is fixed.
     */
    private volatile Attempt lastAttempt;

    private record Attempt(String stamp, List<Path> policyFiles) {
    }

    /** An empty store for these options; {@link #reload()} loads the first generation. */
    public PolicyStore(ServerOptions options) {
        this.options = options;
    }

    /** The generation in use; empty until a load succeeded. */
    public Optional<Loaded> current() {
        return Optional.ofNullable(current.get());
    }

    /** Re-reads policies, settings and project config; swaps them in when they have no errors. Reloads never overlap. */
    public synchronized Outcome reload() {
        // Each file's size and time are taken before it is read, so an edit made during the load is seen by the
        // next look; the policy folders the project config names are known once it is read.
        String configStamp = stamp(configFiles());
        List<Diagnostic> problems = new ArrayList<>();
        Map<String, SourceFile> texts = new HashMap<>();
        WebhookSettings settings = readSettings(problems, texts);
        if (options.audit()) settings = settings.withAudit(true);
        PolicyConfig config = readPolicyConfig(problems, texts);
        String stamp = configStamp + stamp(policyFiles(config));
        lastAttempt = new Attempt(stamp, policyFiles(config));

        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(options.standardLibrary());
        config.policies().forEach(builder::addPolicyPath);
        options.policyPaths().forEach(builder::addPolicyPath);
        parameters(config, settings).forEach(builder::parameter);
        PolicyEngine built = builder.build();
        PolicyEngine engine = built.withFindingHook(findingHook(config, settings, built.rules()));
        texts.putAll(engine.policySources());
        engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(problems::add);
        // As in `policy check`: a rule id or pattern of the config that matches no loaded rule is a typo that
        // would otherwise select, re-rate or except nothing without a word.
        problems.addAll(config.unknownRules(engine.rules()));
        for (Exemption e : config.exceptions()) {
            if (e.file().isEmpty()) continue;
            problems.add(Diagnostic.warning("W0006", "the webhook does not apply this exception: it selects files (file: "
                + e.file().orElseThrow() + "), and an object under admission comes from the API server, not from a file", e.span(),
                "select the resource by kind, namespace and name instead"));
        }
        List<Diagnostic> errors = problems.stream().filter(Diagnostic::isError).toList();
        if (engine.rules().isEmpty() && errors.isEmpty()) {
            errors = List.of(Diagnostic.error("W0005", "no rules are loaded: give --policy, or keep the standard library on", Span.NONE));
        }
        List<Diagnostic> warnings = problems.stream().filter(d -> !d.isError()).toList();
        DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(texts.get(n)));
        StringBuilder rendered = new StringBuilder();
        errors.forEach(d -> rendered.append(renderer.render(d)));
        warnings.forEach(d -> rendered.append(renderer.render(d)));
        if (!errors.isEmpty()) return new Outcome(Optional.empty(), errors, warnings, rendered.toString());
        Loaded before = current.get();
        Loaded next = new Loaded(engine, settings, config, before == null ? 1 : before.generation() + 1, Instant.now(), stamp);
        current.set(next);
        return new Outcome(Optional.of(next), List.of(), warnings, rendered.toString());
    }

    private WebhookSettings readSettings(List<Diagnostic> problems, Map<String, SourceFile> texts) {
        if (options.config().isEmpty()) return WebhookSettings.defaults();
        Path file = options.config().get();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            texts.put(file.toString(), new SourceFile(file.toString(), text));
            WebhookSettings.Parsed parsed = WebhookSettings.parse(file.toString(), text);
            parsed.diagnostics().stream().filter(Diagnostic::isError).forEach(problems::add);
            return parsed.settings();
        } catch (IOException e) {
            problems.add(Diagnostic.error("W0004", "cannot read the webhook config: " + IoReason.of(e), Span.of(file.toString(), 1, 1)));
            return WebhookSettings.defaults();
        } catch (RuntimeException e) {
            problems.add(Diagnostic.error("W0004", "cannot read the webhook config: " + e.getMessage(), Span.of(file.toString(), 1, 1)));
            return WebhookSettings.defaults();
        }
    }

    /** The project config, read as {@code policy check} reads it; without one, the defaults (all rules, no exceptions). */
    private PolicyConfig readPolicyConfig(List<Diagnostic> problems, Map<String, SourceFile> texts) {
        if (options.policyConfig().isEmpty()) return PolicyConfig.defaults(Path.of("").toAbsolutePath());
        PolicyConfig.Loaded read = PolicyConfig.load(options.policyConfig().get());
        read.source().ifPresent(source -> texts.put(source.name(), source));
        problems.addAll(read.diagnostics());
        return read.config();
    }

    /**
     * The finding hook of the engine: the project config's rule selection (rules, threats, tags) and severities,
     * then the webhook settings' {@code disabledRules} and {@code severities}. A rule either file turns off is
     * off; for a rule both give a severity, the settings' wins, being the cluster's own and more specific.
     */
    static FindingHook findingHook(PolicyConfig config, WebhookSettings settings, List<RuleInfo> rules) {
        Map<String, RuleInfo> byId = new HashMap<>();
        rules.forEach(r -> byId.putIfAbsent(r.id(), r));
        FindingHook project = (document, findings) -> findings.stream()
            .flatMap(f -> config.configured(f, Optional.ofNullable(byId.get(f.ruleId()))).stream()).toList();
        return project.andThen(settings.findingHook());
    }

    /**
     * The parameters for the engine: the project config's, then the webhook settings'. The engine applies them in
     * order, so a parameter the settings set (by its bare or its qualified name) replaces what the config gives it.
     */
    static Map<String, Value> parameters(PolicyConfig config, WebhookSettings settings) {
        Map<String, Value> merged = new LinkedHashMap<>(config.parameters());
        merged.keySet().removeAll(settings.parameters().keySet());
        merged.putAll(settings.parameters());
        return merged;
    }

    /** True when a policy or config file changed (size, time or set of files) since the last load, working or not. */
    public boolean changedOnDisk() {
        Attempt last = lastAttempt;
        return last == null || !last.stamp().equals(stamp(configFiles()) + stamp(last.policyFiles()));
    }

    private List<Path> configFiles() {
        List<Path> files = new ArrayList<>();
        options.config().ifPresent(files::add);
        options.policyConfig().ifPresent(files::add);
        return files;
    }

    private List<Path> policyFiles(PolicyConfig config) {
        List<Path> paths = new ArrayList<>(config.policies());
        paths.addAll(options.policyPaths());
        return paths;
    }

    /** Size and modification time of every file named or under a folder named, so edits (and ConfigMap swaps) are seen. */
    private static String stamp(List<Path> paths) {
        StringBuilder sb = new StringBuilder();
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> f.toString().endsWith(".policy")).sorted().forEach(files::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    sb.append(p).append(":unreadable;");
                }
            } else {
                files.add(p);
            }
        }
        for (Path f : files) {
            try {
                sb.append(f).append(':').append(Files.size(f)).append(':').append(Files.getLastModifiedTime(f).toMillis()).append(';');
            } catch (IOException e) {
                sb.append(f).append(":missing;");
            }
        }
        return sb.toString();
    }
}
