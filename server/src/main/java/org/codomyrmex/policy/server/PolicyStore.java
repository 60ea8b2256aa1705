package org.codomyrmex.policy.server;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.DiagnosticRenderer;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The engine and settings the server uses now. A reload builds a new engine beside the old one and swaps it in
 * atomically only when it has no errors: requests in flight finish with the engine they started with, and a
 * broken policy edit never replaces a working engine.
 */
public final class PolicyStore {

    /** One loaded generation of policies and settings. */
    public record Loaded(PolicyEngine engine, WebhookSettings settings, long generation, Instant loadedAt, String stamp) {
    }

    /** What a load produced: the new generation, or the errors that kept the old one. */
    public record Outcome(Optional<Loaded> loaded, List<Diagnostic> errors, String rendered) {
        /** True when the load succeeded. */
        public boolean ok() {
            return loaded.isPresent();
        }
    }

    private final ServerOptions options;
    private final AtomicReference<Loaded> current = new AtomicReference<>();

    /** An empty store for these options; {@link #reload()} loads the first generation. */
    public PolicyStore(ServerOptions options) {
        this.options = options;
    }

    /** The generation in use; empty until a load succeeded. */
    public Optional<Loaded> current() {
        return Optional.ofNullable(current.get());
    }

    /** Re-reads policies and settings; swaps them in when they have no errors. Reloads never overlap. */
    public synchronized Outcome reload() {
        String stamp = stamp();
        List<Diagnostic> errors = new ArrayList<>();
        Map<String, SourceFile> texts = new HashMap<>();
        WebhookSettings settings = WebhookSettings.defaults();
        if (options.config().isPresent()) {
            Path file = options.config().get();
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                texts.put(file.toString(), new SourceFile(file.toString(), text));
                WebhookSettings.Parsed parsed = WebhookSettings.parse(file.toString(), text);
                parsed.diagnostics().stream().filter(Diagnostic::isError).forEach(errors::add);
                settings = parsed.settings();
            } catch (IOException | RuntimeException e) {
                errors.add(Diagnostic.error("W0004", "cannot read the webhook config: " + e.getMessage(), Span.of(file.toString(), 1, 1)));
            }
        }
        if (options.audit()) settings = settings.withAudit(true);
        PolicyEngine.Builder builder = PolicyEngine.builder().standardLibrary(options.standardLibrary())
            .parameters(settings.parameters()).findingHook(settings.findingHook());
        options.policyPaths().forEach(builder::addPolicyPath);
        PolicyEngine engine = builder.build();
        texts.putAll(engine.policySources());
        engine.policyDiagnostics().stream().filter(Diagnostic::isError).forEach(errors::add);
        if (engine.rules().isEmpty() && errors.isEmpty()) {
            errors.add(Diagnostic.error("W0005", "no rules are loaded: give --policy, or keep the standard library on", Span.NONE));
        }
        if (!errors.isEmpty()) {
            DiagnosticRenderer renderer = new DiagnosticRenderer(n -> Optional.ofNullable(texts.get(n)));
            StringBuilder rendered = new StringBuilder();
            errors.forEach(d -> rendered.append(renderer.render(d)));
            return new Outcome(Optional.empty(), errors, rendered.toString());
        }
        Loaded before = current.get();
        Loaded next = new Loaded(engine, settings, before == null ? 1 : before.generation() + 1, Instant.now(), stamp);
        current.set(next);
        return new Outcome(Optional.of(next), List.of(), "");
    }

    /** True when a policy or config file changed (size, time or set of files) since the generation in use. */
    public boolean changedOnDisk() {
        Loaded now = current.get();
        return now == null || !now.stamp().equals(stamp());
    }

    /** Size and modification time of every file the load reads, so edits (and ConfigMap swaps) are seen. */
    private String stamp() {
        StringBuilder sb = new StringBuilder();
        List<Path> files = new ArrayList<>();
        options.config().ifPresent(files::add);
        for (Path p : options.policyPaths()) {
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
