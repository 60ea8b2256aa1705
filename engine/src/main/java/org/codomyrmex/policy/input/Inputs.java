package org.codomyrmex.policy.input;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.compose.ComposeLoader;
import org.codomyrmex.policy.input.dockerfile.DockerfileLoader;
import org.codomyrmex.policy.input.image.ImageLoader;
import org.codomyrmex.policy.input.kubernetes.KubernetesLoader;
import org.codomyrmex.policy.model.InputKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Loads any input: picks the loader from the kind given, or detects it. */
public final class Inputs {
    private static final Map<InputKind, InputLoader> LOADERS = new EnumMap<>(InputKind.class);

    static {
        register(new KubernetesLoader());
        register(new ComposeLoader());
        register(new ImageLoader());
        register(new DockerfileLoader());
    }

    private Inputs() {
    }

    private static void register(InputLoader loader) {
        LOADERS.put(loader.kind(), loader);
    }

    public static Optional<InputLoader> loader(InputKind kind) {
        return Optional.ofNullable(LOADERS.get(kind));
    }

    /**
     * The kind of a source: given, from its path, or for text without one (stdin) from the file name it goes by
     * (`policy check --stdin-filename`) and then its content. Empty when unknown.
     */
    public static Optional<InputKind> kindOf(InputSource source, Optional<InputKind> given) {
        if (given.isPresent()) return given;
        if (source.path().isPresent()) return Detector.detect(source.path().get());
        String name = source.name();
        String fileName = name.equals("-") ? "" : name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        Optional<InputKind> byName = Detector.byName(fileName);
        if (byName.isPresent()) return byName;
        try {
            byte[] bytes = source.content().read();
            String text = Detector.text(bytes, 64 * 1024);
            Optional<InputKind> k = Detector.byContent(text, fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".json"));
            if (k.isPresent()) return k;
            return looksLikeDockerfile(text) ? Optional.of(InputKind.DOCKERFILE) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static boolean looksLikeDockerfile(String text) {
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            return l.regionMatches(true, 0, "FROM ", 0, 5) || l.regionMatches(true, 0, "ARG ", 0, 4);
        }
        return false;
    }

    /**
     * Loads sources, reading a compose file together with its override beside it
     * ({@code compose.override.yaml}, {@code docker-compose.override.yml}) as one project, as
     * {@code docker compose} does by default.
     */
    public static java.util.List<LoadResult> loadAll(java.util.List<InputSource> sources, Optional<InputKind> given,
                                                     LoadOptions options) {
        java.util.List<LoadResult> out = new java.util.ArrayList<>();
        loadEach(sources, given, options, out::add);
        return out;
    }

    private static final java.util.regex.Pattern COMPOSE_FILE = java.util.regex.Pattern.compile("(docker-)?compose(\\.override)?\\.ya?ml");

    /**
     * The sources in units that load independently, in order: each source alone, except the compose files of one
     * folder, which stay together for their overrides ({@link #loadAll} merges them within a unit).
     */
    public static java.util.List<java.util.List<InputSource>> units(java.util.List<InputSource> sources) {
        java.util.Map<Object, java.util.List<InputSource>> units = new java.util.LinkedHashMap<>();
        for (InputSource s : sources) {
            Object key = s;
            Path file = s.path().map(Path::getFileName).orElse(null);
            if (file != null && COMPOSE_FILE.matcher(file.toString()).matches()) {
                key = s.path().get().toAbsolutePath().normalize().getParent();
            }
            units.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(s);
        }
        return new java.util.ArrayList<>(units.values());
    }

    /**
     * As {@link #loadAll}, but hands each result over as soon as it is loaded, so a caller that does not keep
     * them needs memory for one source at a time.
     */
    public static void loadEach(java.util.List<InputSource> sources, Optional<InputKind> given, LoadOptions options,
                                java.util.function.Consumer<LoadResult> out) {
        java.util.Map<Path, InputSource> overrides = new java.util.HashMap<>();
        for (InputSource s : sources) {
            if (s.path().isPresent() && isComposeOverride(s.path().get())) overrides.put(s.path().get().toAbsolutePath().normalize(), s);
        }
        java.util.Set<Path> merged = new java.util.HashSet<>();
        for (InputSource s : sources) {
            Path p = s.path().map(x -> x.toAbsolutePath().normalize()).orElse(null);
            if (p != null && overrides.containsKey(p)) continue;
            Optional<Path> override = p == null ? Optional.empty() : overrideOf(p);
            if (override.isPresent() && overrides.containsKey(override.get())
                && kindOf(s, given).orElse(null) == InputKind.COMPOSE) {
                out.accept(ComposeLoader.loadProject(java.util.List.of(s, overrides.get(override.get())), options));
                merged.add(override.get());
            } else {
                out.accept(load(s, given, options));
            }
        }
        for (java.util.Map.Entry<Path, InputSource> e : overrides.entrySet()) {
            if (!merged.contains(e.getKey())) out.accept(load(e.getValue(), given, options));
        }
    }

    private static boolean isComposeOverride(Path p) {
        String n = p.getFileName().toString();
        return n.matches("(docker-)?compose\\.override\\.ya?ml");
    }

    private static Optional<Path> overrideOf(Path base) {
        String n = base.getFileName().toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("((docker-)?compose)\\.(ya?ml)").matcher(n);
        if (!m.matches()) return Optional.empty();
        for (String ext : new String[] {m.group(3), m.group(3).equals("yaml") ? "yml" : "yaml"}) {
            Path candidate = base.resolveSibling(m.group(1) + ".override." + ext);
            if (Files.exists(candidate)) return Optional.of(candidate.toAbsolutePath().normalize());
        }
        return Optional.empty();
    }

    /**
     * A text file larger than the limit is refused before it is read: reading first would exhaust the heap on a
     * file of gigabytes. Image archives are exempt: they are streamed, under the image reader's own limits.
     */
    private static Optional<Diagnostic> tooLarge(InputSource source, InputKind kind, LoadOptions options) {
        if (kind == InputKind.IMAGE || source.path().isEmpty() || !Files.isRegularFile(source.path().get())) return Optional.empty();
        try {
            long size = Files.size(source.path().get());
            if (size <= options.maxFileBytes()) return Optional.empty();
            return Optional.of(Diagnostic.error("I0004", "file of " + size + " bytes, more than the limit of "
                + options.maxFileBytes() + "; not read", Span.of(source.name(), 1, 1), "raise the limit with --max-file-size"));
        } catch (java.io.IOException e) {
            return Optional.empty(); // the loader reports what it cannot read
        }
    }

    /** Loads one source; a source of unknown kind gives a located error. */
    public static LoadResult load(InputSource source, Optional<InputKind> given, LoadOptions options) {
        Optional<InputKind> kind = kindOf(source, given);
        Span at = Span.of(source.name(), 1, 1);
        if (kind.isEmpty()) {
            return LoadResult.failed(Diagnostic.error("I0001", "cannot tell what kind of input this is", at,
                "name the kind with --kind kubernetes|compose|dockerfile|image"));
        }
        if (source.path().isPresent() && Files.isDirectory(source.path().get()) && kind.get() == InputKind.KUBERNETES) {
            Path dir = source.path().get();
            return KubernetesLoader.loadKustomization(dir, options);
        }
        Optional<Diagnostic> tooLarge = tooLarge(source, kind.get(), options);
        if (tooLarge.isPresent()) return LoadResult.failed(tooLarge.get());
        InputLoader loader = LOADERS.get(kind.get());
        if (loader == null) {
            return LoadResult.failed(Diagnostic.error("I0002", kind.get().id() + " inputs cannot be read by this build", at));
        }
        try {
            return loader.load(source, options);
        } catch (RuntimeException | StackOverflowError e) {
            // Loaders report bad input as diagnostics; reaching here is a bug, and it must not stop the scan.
            return LoadResult.failed(Diagnostic.error("I0003", "internal error while reading this " + kind.get().id()
                + " input: " + e, at));
        }
    }
}
