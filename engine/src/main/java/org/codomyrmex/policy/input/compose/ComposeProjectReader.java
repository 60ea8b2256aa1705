package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.yaml.YamlLoader;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the files of one compose project: parse, interpolate, resolve {@code extends} in each file, merge the
 * files in order, then build the model. One reader per load; not thread-safe.
 */
final class ComposeProjectReader {
    private static final int MAX_EXTENDS_DEPTH = 64;

    private final LoadOptions options;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    /** Base directory of each file read, by the name its spans carry: relative paths resolve against it. */
    private final Map<String, BaseDirectory> directories = new HashMap<>();
    /** Files read for {@code extends: {file: ...}}, by the variables they were read with and normalized path. */
    private final Map<String, Optional<FileServices>> extendedFiles = new HashMap<>();
    private final Map<String, String> dotEnv = new LinkedHashMap<>();
    /** Real paths of the compose files' directories: the only trees env files and extended files are read from. */
    private final List<Path> projectRoots = new ArrayList<>();
    private final ComposeTags tags = new ComposeTags();
    private final ComposeMerge merge = new ComposeMerge(tags);
    /** One per compose model (the scanned project, each include): each knows which strings took a variable. */
    private final List<Interpolation> interpolations = new ArrayList<>();
    private Variables projectVariables;
    /** The compose files read, by the name their spans carry: to find where inside a scalar a part of it is written. */
    private final Map<String, SourceFile> sources = new HashMap<>();

    /** The services of one file, with what is needed to resolve {@code extends} in it. */
    private record FileServices(String name, BaseDirectory directory, Variables variables, Value.MapV services,
                                Map<String, Value.MapV> resolved) {
    }

    /**
     * The variables one compose model is interpolated with: the scanned project's (environment, then .env), or an
     * included model's (its including model's variables first, then its own env files, as the Compose
     * Specification gives the including project precedence).
     */
    private record Variables(int id, Function<String, String> lookup, Interpolation interpolation) {
    }

    ComposeProjectReader(LoadOptions options) {
        this.options = options;
    }

    LoadResult read(List<InputSource> files) {
        if (files.isEmpty()) {
            return LoadResult.failed(Diagnostic.error("I3000", "no compose file given", Span.NONE));
        }
        Path firstDirectory = directoryOf(files.get(0));
        for (InputSource file : files) {
            try {
                Path dir = directoryOf(file);
                projectRoots.add(Files.exists(dir) ? dir.toRealPath() : dir);
            } catch (IOException e) {
                // A directory that cannot be resolved adds no root; files there are refused with a warning.
            }
        }
        readDotEnv(firstDirectory);
        projectVariables = variables(this::lookup);

        Value.MapV merged = null;
        SourceFile firstSource = null;
        List<String> names = new ArrayList<>();
        for (InputSource file : files) {
            Optional<SourceFile> source = readText(file);
            if (source.isEmpty()) continue;
            if (firstSource == null) firstSource = source.get();
            names.add(file.name());
            BaseDirectory base = BaseDirectory.ofFile(directoryOf(file), file.name());
            directories.put(file.name(), base);
            Optional<Value.MapV> root = parse(source.get());
            if (root.isEmpty()) continue;
            Value.MapV interpolated = (Value.MapV) projectVariables.interpolation().apply(root.get());
            Path start = directoryOf(file).resolve(Path.of(file.name()).getFileName().toString()).normalize();
            Value.MapV included = withIncludes(interpolated, base, projectVariables, new ArrayList<>(List.of(start)));
            Value.MapV resolved = resolveExtends(included, file.name(), base, projectVariables);
            merged = merged == null ? resolved : merge.mergeFiles(merged, resolved);
        }
        if (merged == null || firstSource == null) return new LoadResult(List.of(), diagnostics);
        merged = (Value.MapV) merge.stripResets(merged);

        ComposeModel model = new ComposeModel(merged, names, projectName(merged, files.get(0)), this::lookup,
            directories, this, diagnostics);
        Map<String, Value> views = model.views();
        Resource resource = new Resource(InputKind.COMPOSE, "compose", "", model.projectName(), merged.span());
        Document document = new Document(InputKind.COMPOSE, firstSource, merged, resource, model.parts(), views::get);
        return new LoadResult(List.of(document), diagnostics);
    }

    /** The text a one-line span covers in the compose file it names; empty when unknown or out of range. */
    Optional<String> writtenAt(Span span) {
        SourceFile source = sources.get(span.file());
        if (source == null || !span.isKnown() || span.line() != span.endLine()) return Optional.empty();
        String line = source.line(span.line());
        if (span.column() < 1 || span.endColumn() < span.column() || span.endColumn() > line.length()) return Optional.empty();
        return Optional.of(line.substring(span.column() - 1, span.endColumn()));
    }

    /** Whether the string at {@code span} took a variable's value when it was interpolated. */
    boolean fromVariable(Span span) {
        for (Interpolation i : interpolations) if (i.fromVariable(span)) return true;
        return false;
    }

    private Variables variables(Function<String, String> lookup) {
        Interpolation interpolation = new Interpolation(lookup, diagnostics);
        interpolations.add(interpolation);
        return new Variables(interpolations.size(), lookup, interpolation);
    }

    /** A variable's value: the environment first, then the .env file; null when unset. */
    private String lookup(String name) {
        String v = options.environment().get(name);
        return v != null ? v : dotEnv.get(name);
    }

    private String projectName(Value.MapV root, InputSource first) {
        String fromEnv = lookup("COMPOSE_PROJECT_NAME");
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv;
        String written = ComposeSyntax.text(root.get("name"));
        if (written != null && !written.isBlank()) return written;
        Path dir = first.path().map(p -> p.toAbsolutePath().normalize().getParent()).orElse(null);
        if (dir != null && dir.getFileName() != null) return dir.getFileName().toString();
        return first.name();
    }

    private static Path directoryOf(InputSource source) {
        try {
            Path p = source.path().orElseGet(() -> Path.of(source.name().equals("-") ? "compose.yaml" : source.name()));
            Path parent = p.toAbsolutePath().normalize().getParent();
            return parent != null ? parent : Path.of("").toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private void readDotEnv(Path directory) {
        Path file = directory.resolve(".env");
        if (!Files.isRegularFile(file)) return;
        readText(file.toString(), Optional.of(file), Span.NONE).ifPresent(source -> {
            for (EnvFile.Entry e : EnvFile.parse(source, options.environment()::get, diagnostics).values()) {
                dotEnv.put(e.name(), e.value());
            }
        });
    }

    /**
     * Reads a file a compose file refers to (env_file, extends.file, include and its env files), if it lies inside
     * the project: a scanned compose file must not make the scanner read, and show in its findings, files
     * elsewhere on the machine (credentials, /proc/self/environ). Empty, with a located warning, when refused.
     */
    Optional<SourceFile> readReferenced(String name, Path path, Span from) {
        try {
            Path real = path.toRealPath();
            if (!insideProject(real)) {
                diagnostics.add(Diagnostic.warning("I3007", name + " is outside the project directory; it is not read", from,
                    OUTSIDE_HINT));
                return Optional.empty();
            }
            return readText(name, Optional.of(real), from);
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I3004", "cannot read " + name + ": " + e.getClass().getSimpleName(), from));
            return Optional.empty();
        }
    }

    private static final String OUTSIDE_HINT = "only files under the scanned compose files' directories are read,"
        + " so that a compose file cannot make the scan read and show files elsewhere on the machine";

    /** Whether a real path lies under one of the scanned compose files' directories. */
    private boolean insideProject(Path path) {
        return projectRoots.stream().anyMatch(path::startsWith);
    }

    /** Reads a file as UTF-8 text within the size limit; problems become diagnostics at {@code from}. */
    private Optional<SourceFile> readText(String name, Optional<Path> path, Span from) {
        try {
            byte[] bytes;
            if (path.isPresent()) {
                long size = Files.size(path.get());
                if (size > options.maxFileBytes()) {
                    diagnostics.add(Diagnostic.error("I3005", name + " is larger than " + options.maxFileBytes()
                        + " bytes; it is not read", from.isKnown() ? from : Span.of(name, 1, 1)));
                    return Optional.empty();
                }
                bytes = Files.readAllBytes(path.get());
            } else {
                return Optional.empty();
            }
            return Optional.of(new SourceFile(name, decode(bytes)));
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I3004", "cannot read " + name + ": " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? " " + e.getMessage() : ""), from.isKnown() ? from : Span.of(name, 0, 0)));
            return Optional.empty();
        }
    }

    private Optional<SourceFile> readText(InputSource source) {
        try {
            byte[] bytes = source.content().read();
            if (bytes.length > options.maxFileBytes()) {
                diagnostics.add(Diagnostic.error("I3005", source.name() + " is larger than " + options.maxFileBytes()
                    + " bytes; it is not read", Span.of(source.name(), 1, 1)));
                return Optional.empty();
            }
            return Optional.of(new SourceFile(source.name(), decode(bytes)));
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("I3004", "cannot read " + source.name() + ": " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? " " + e.getMessage() : ""), Span.of(source.name(), 0, 0)));
            return Optional.empty();
        }
    }

    private static String decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The file's mapping; its documents merged in order when it has several, as Compose does. */
    private Optional<Value.MapV> parse(SourceFile source) {
        sources.put(source.name(), source);
        YamlLoader.Options yamlOptions = YamlLoader.Options.defaults(YamlLoader.Profile.CORE);
        yamlOptions = new YamlLoader.Options(yamlOptions.profile(), yamlOptions.maxAliases(),
            Math.min(yamlOptions.maxDepth(), options.maxDepth()), yamlOptions.maxValues(),
            Math.min(yamlOptions.maxDocuments(), options.maxDocuments()), yamlOptions.maxCodePoints());
        YamlLoader.Result result = YamlLoader.load(source, yamlOptions);
        if (result.diagnostics().stream().noneMatch(Diagnostic::isError)) tags.scan(source);
        for (Diagnostic d : result.diagnostics()) {
            // The loader warns that it ignores tags; !reset and !override are compose's, and handled here.
            if (d.code().equals("I1013") && tags.handles(d.span())) continue;
            diagnostics.add(d.code().equals("I1011") ? duplicateKey(d) : d);
        }
        if (result.documents().isEmpty()) {
            if (result.diagnostics().stream().noneMatch(Diagnostic::isError)) {
                diagnostics.add(Diagnostic.warning("I3010", "the compose file is empty", Span.of(source.name(), 1, 1)));
            }
            return Optional.empty();
        }
        Value.MapV merged = null;
        for (Value doc : result.documents()) {
            if (!(doc instanceof Value.MapV map)) {
                diagnostics.add(Diagnostic.error("I3011", "a compose file must be a mapping (services:, networks:, ...), not a "
                    + doc.typeName(), doc.span()));
                continue;
            }
            merged = merged == null ? map : merge.mergeFiles(merged, map);
        }
        return Optional.ofNullable(merged).map(this::checkSections);
    }

    /**
     * The loader lets the last of two equal keys win with a warning, as Kubernetes does; Compose (go-yaml v3) refuses
     * the whole file ("mapping key already defined"), so for compose it is an error. The last one is still read, so
     * the rest of the file is checked.
     */
    private static Diagnostic duplicateKey(Diagnostic d) {
        String message = d.message();
        int lastWins = message.lastIndexOf("; the last one wins");
        if (lastWins >= 0) message = message.substring(0, lastWins);
        return Diagnostic.error("I3015", message + "; Compose refuses a file with a key written twice", d.span(),
            "remove or merge one of them (the last one is read here)");
    }

    /** Reports sections of the wrong shape and drops them, so the model only sees mappings where it needs them. */
    private Value.MapV checkSections(Value.MapV root) {
        Map<String, Value> entries = new LinkedHashMap<>(root.entries());
        for (String section : List.of("services", "networks", "volumes", "secrets", "configs")) {
            Value v = entries.get(section);
            // A !reset value only says to drop what earlier files set ("networks: !reset null"): the merge does that.
            if (v == null || v instanceof Value.MapV || tags.isReset(v)) continue;
            if (v instanceof Value.Null) {
                entries.remove(section);
                continue;
            }
            diagnostics.add(Diagnostic.error("I3012", "'" + section + "' must be a mapping of names to definitions, not a "
                + v.typeName(), v.span()));
            entries.remove(section);
        }
        Value services = entries.get("services");
        if (services instanceof Value.MapV m) {
            Map<String, Value> kept = new LinkedHashMap<>();
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Value s = e.getValue();
                if (s instanceof Value.MapV || tags.isReset(s)) {
                    kept.put(e.getKey(), s);
                } else if (s instanceof Value.Null) {
                    kept.put(e.getKey(), new Value.MapV(Map.of(), Map.of(), m.keySpan(e.getKey())));
                } else {
                    diagnostics.add(Diagnostic.error("I3013", "service '" + e.getKey() + "' must be a mapping, not a "
                        + s.typeName(), s.span()));
                }
            }
            entries.put("services", new Value.MapV(kept, m.keySpans(), m.span()));
        }
        return new Value.MapV(entries, root.keySpans(), root.span());
    }

    // ---- extends ----

    private Value.MapV resolveExtends(Value.MapV root, String fileName, BaseDirectory directory, Variables variables) {
        if (!(root.get("services") instanceof Value.MapV services)) return root;
        FileServices file = new FileServices(fileName, directory, variables, services, new HashMap<>());
        Map<String, Value> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : services.entries().entrySet()) {
            // A service written "name: !reset null" is no definition: it stays as written, for the merge to apply.
            Value service = e.getValue() instanceof Value.MapV ? resolveService(file, e.getKey(), new ArrayDeque<>()) : e.getValue();
            resolved.put(e.getKey(), service);
        }
        Map<String, Value> entries = new LinkedHashMap<>(root.entries());
        entries.put("services", new Value.MapV(resolved, services.keySpans(), services.span()));
        return new Value.MapV(entries, root.keySpans(), root.span());
    }

    private Value.MapV resolveService(FileServices file, String name, Deque<String> chain) {
        Value.MapV done = file.resolved().get(name);
        if (done != null) return done;
        Value.MapV service = (Value.MapV) file.services().get(name);
        Value ext = service.entries().get("extends");
        if (ext == null) return service;
        Value.MapV own = without(service, "extends");
        Value.MapV result = own;
        String key = file.name() + "#" + name;
        chain.push(key);
        try {
            String targetName;
            String targetFile = null;
            if (ext instanceof Value.MapV m) {
                targetName = ComposeSyntax.text(m.get("service"));
                targetFile = ComposeSyntax.text(m.get("file"));
                if (targetName == null) {
                    diagnostics.add(Diagnostic.error("I3030", "extends needs 'service': the name of the service to extend", ext.span()));
                    return own;
                }
            } else {
                targetName = ComposeSyntax.text(ext);
                if (targetName == null) {
                    diagnostics.add(Diagnostic.error("I3030", "extends must be a service name or a mapping with 'service' and 'file'", ext.span()));
                    return own;
                }
            }
            FileServices target = file;
            if (targetFile != null) {
                Path targetPath;
                try {
                    targetPath = file.directory().resolve(targetFile);
                } catch (java.nio.file.InvalidPathException e) {
                    // A NUL or the like: the path cannot name a file, and must not reach the file system.
                    diagnostics.add(Diagnostic.error("I3033", "extends: file '" + targetFile + "' is not a valid path", ext.span()));
                    return own;
                }
                Optional<FileServices> other = extendedFile(targetPath, file.directory().show(targetFile), file.variables(), ext.span());
                if (other.isEmpty()) return own;
                target = other.get();
            }
            if (!(target.services().entries().get(targetName) instanceof Value.MapV)) {
                diagnostics.add(Diagnostic.error("I3031", "extends: service '" + targetName + "' is not defined in "
                    + target.name(), ext.span(), Suggestions.hint(targetName, target.services().entries().keySet())));
                return own;
            }
            String targetKey = target.name() + "#" + targetName;
            if (chain.contains(targetKey) || chain.size() > MAX_EXTENDS_DEPTH) {
                List<String> cycle = new ArrayList<>();
                chain.descendingIterator().forEachRemaining(k -> cycle.add(k.substring(k.indexOf('#') + 1)));
                cycle.add(targetName);
                diagnostics.add(Diagnostic.error("I3032", "extends cycle: " + String.join(" -> ", cycle), ext.span(),
                    "a service cannot extend itself, directly or through others"));
                return own;
            }
            Value.MapV base = resolveService(target, targetName, chain);
            result = (Value.MapV) merge.service(base, own).at(service.span());
            return result;
        } finally {
            chain.pop();
            file.resolved().put(name, result);
        }
    }

    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final List<String> INCLUDED_RESOURCES = List.of("services", "networks", "volumes", "secrets", "configs");
    private static final Set<String> INCLUDE_FIELDS = Set.of("path", "project_directory", "env_file");

    /** One {@code include} entry as written: the files merged into one model, and the optional settings. */
    private record IncludeEntry(List<Value.Str> paths, Optional<Value.Str> projectDirectory, List<Value.Str> envFiles) {
    }

    /** A file of an include entry that exists: where it was named, its path, and the name its spans carry. */
    private record IncludedFile(Value.Str written, Path path, String name) {
    }

    /**
     * The file with the models its {@code include} names added, as the Compose Specification's include does:
     * each entry is one model (the files of its {@code path} merged in order, as {@code -f} files are), read with
     * its own project directory for relative paths ({@code project_directory}, default the first file's folder)
     * and its own variables ({@code env_file}, default the {@code .env} in that directory, under the including
     * model's variables), with its own includes and extends. Its services, networks, volumes, secrets and configs
     * join the including file's; a name defined in both is an error. Included files and their env files are read
     * only inside the project, like every file a compose file names.
     *
     * @param base      the including file's base directory: include paths, project_directory and env_file are
     *                  relative to it
     * @param variables the including model's variables
     * @param chain     the files from the scanned one down to this one, to refuse an include cycle
     */
    private Value.MapV withIncludes(Value.MapV root, BaseDirectory base, Variables variables, List<Path> chain) {
        Value include = root.get("include");
        if (include instanceof Value.Null) return root;
        Map<String, Value> entries = new LinkedHashMap<>(root.entries());
        Map<String, Span> keySpans = new LinkedHashMap<>(root.keySpans());
        entries.remove("include");
        keySpans.remove("include");
        List<Value> items = include instanceof Value.ListV list ? list.items() : List.of(include);
        for (Value item : items) {
            includeEntry(item)
                .flatMap(entry -> includedModel(entry, base, variables, chain))
                .ifPresent(model -> addIncluded(model, entries, keySpans));
        }
        return new Value.MapV(entries, keySpans, root.span());
    }

    private Optional<IncludeEntry> includeEntry(Value item) {
        if (item instanceof Value.Str) {
            List<Value.Str> paths = filePaths(List.of(item), "include path");
            return paths.isEmpty() ? Optional.empty() : Optional.of(new IncludeEntry(paths, Optional.empty(), List.of()));
        }
        if (!(item instanceof Value.MapV m)) {
            diagnostics.add(Diagnostic.error("I3018", "an include entry is a path or a mapping with path", item.span()));
            return Optional.empty();
        }
        for (String key : m.entries().keySet()) {
            if (!INCLUDE_FIELDS.contains(key) && !key.startsWith("x-")) {
                diagnostics.add(Diagnostic.warning("I3017", "unknown include field '" + key + "'; it is ignored", m.keySpan(key),
                    Suggestions.hint(key, INCLUDE_FIELDS)));
            }
        }
        Value path = m.get("path");
        if (path instanceof Value.Null) {
            diagnostics.add(Diagnostic.error("I3018", "an include entry needs 'path': the compose file or files to include", m.span()));
            return Optional.empty();
        }
        List<Value.Str> paths = filePaths(path instanceof Value.ListV l ? l.items() : List.of(path), "include path");
        if (paths.isEmpty()) return Optional.empty();
        Optional<Value.Str> projectDirectory = Optional.empty();
        Value written = m.get("project_directory");
        if (!(written instanceof Value.Null)) {
            List<Value.Str> directory = filePaths(List.of(written), "include project_directory");
            projectDirectory = directory.stream().findFirst();
        }
        Value envFile = m.get("env_file");
        List<Value.Str> envFiles = envFile instanceof Value.Null ? List.of()
            : filePaths(envFile instanceof Value.ListV l ? l.items() : List.of(envFile), "include env_file");
        return Optional.of(new IncludeEntry(paths, projectDirectory, envFiles));
    }

    /** The items that are non-blank strings; each other one is a located error. */
    private List<Value.Str> filePaths(List<Value> items, String what) {
        List<Value.Str> paths = new ArrayList<>();
        for (Value item : items) {
            if (item instanceof Value.Str s && !s.value().isBlank()) {
                try {
                    Path.of(s.value());
                    paths.add(s);
                } catch (java.nio.file.InvalidPathException e) {
                    diagnostics.add(Diagnostic.error("I3018", what + " '" + s.value() + "' is not a valid path", s.span()));
                }
            } else {
                diagnostics.add(Diagnostic.error("I3018", what + " must be a path, not " + (item instanceof Value.Str ? "blank" : "a " + item.typeName()),
                    item.span()));
            }
        }
        return paths;
    }

    /** The model one include entry names: its files read, interpolated, included and merged; empty when none could be read. */
    private Optional<Value.MapV> includedModel(IncludeEntry entry, BaseDirectory base, Variables variables, List<Path> chain) {
        List<IncludedFile> files = new ArrayList<>();
        for (Value.Str written : entry.paths()) {
            Path path = base.resolve(written.value());
            String name = base.show(written.value());
            if (chain.contains(path) || chain.size() > MAX_INCLUDE_DEPTH) {
                diagnostics.add(Diagnostic.error("I3019", "include cycle: " + name + " includes itself through "
                    + chain.get(chain.size() - 1).getFileName(), written.span()));
            } else if (!Files.isRegularFile(path)) {
                diagnostics.add(Diagnostic.error("I3019", "included file " + name + " does not exist", written.span()));
            } else {
                files.add(new IncludedFile(written, path, name));
            }
        }
        if (files.isEmpty()) return Optional.empty();

        Value.Str first = entry.paths().get(0);
        BaseDirectory project = entry.projectDirectory().map(written -> base.child(written.value()))
            .orElseGet(() -> BaseDirectory.ofFile(files.get(0).path().getParent(), files.get(0).name()));
        boolean projectReadable = entry.projectDirectory().map(written -> checkProjectDirectory(project, written)).orElse(true);
        Variables included = includedVariables(entry, base, project, projectReadable, variables, first.span());

        List<Path> deeper = new ArrayList<>(chain);
        files.forEach(f -> deeper.add(f.path()));
        Value.MapV merged = null;
        for (IncludedFile file : files) {
            Optional<Value.MapV> parsed = readReferenced(file.name(), file.path(), file.written().span()).flatMap(this::parse);
            if (parsed.isEmpty()) continue;
            directories.put(file.name(), project);
            Value.MapV model = (Value.MapV) included.interpolation().apply(parsed.get());
            model = withIncludes(model, project, included, deeper);
            model = resolveExtends(model, file.name(), project, included);
            merged = merged == null ? model : merge.mergeFiles(merged, model);
        }
        return Optional.ofNullable(merged);
    }

    /**
     * Warns about a project_directory that does not exist, or that lies outside the scanned project's folders:
     * relative paths still resolve there, but no file under it is read. Whether files under it may be read.
     */
    private boolean checkProjectDirectory(BaseDirectory project, Value.Str written) {
        if (!Files.isDirectory(project.path())) {
            diagnostics.add(Diagnostic.warning("I3024", "project_directory " + project.show(".") + " does not exist",
                written.span(), "relative paths of the included files resolve against it"));
            return false;
        }
        try {
            if (insideProject(project.path().toRealPath())) return true;
        } catch (IOException e) {
            // Unresolvable: treated as outside, so nothing under it is read.
        }
        diagnostics.add(Diagnostic.warning("I3023", "project_directory " + project.show(".") + " is outside the project"
            + " directory: relative paths of the included files resolve there, but no file under it (its .env, env"
            + " files) is read", written.span(), OUTSIDE_HINT));
        return false;
    }

    /**
     * The included model's variables: the including model's first (the Compose Specification lets the including
     * project override an included one's defaults), then the include's env files in order, a later file winning;
     * without env_file, the {@code .env} in the included project directory. Values taken from them are marked as
     * coming from a variable, like the scanned project's.
     */
    private Variables includedVariables(IncludeEntry entry, BaseDirectory base, BaseDirectory project,
                                        boolean projectReadable, Variables including, Span at) {
        Map<String, String> fromFiles = new LinkedHashMap<>();
        // Inside an env file, too, the including model's variables come first, then those the files before it set.
        Function<String, String> lookup = name -> {
            String v = including.lookup().apply(name);
            return v != null ? v : fromFiles.get(name);
        };
        if (entry.envFiles().isEmpty()) {
            Path dotEnv = project.path().resolve(".env");
            if (projectReadable && Files.isRegularFile(dotEnv)) {
                readEnvFile(project.show(".env"), dotEnv, at, lookup, fromFiles);
            }
        }
        for (Value.Str written : entry.envFiles()) {
            // Relative to the including file, not to project_directory: as Compose resolves it.
            Path file = base.resolve(written.value());
            String name = base.show(written.value());
            if (!Files.isRegularFile(file)) {
                diagnostics.add(Diagnostic.error("I3022", "include env_file " + name + (Files.isDirectory(file)
                    ? " is a directory, not a file" : " not found"), written.span(),
                    "an include's env_file is relative to the including compose file's directory, not to project_directory"));
                continue;
            }
            readEnvFile(name, file, written.span(), lookup, fromFiles);
        }
        return variables(lookup);
    }

    private void readEnvFile(String name, Path file, Span from, Function<String, String> lookup, Map<String, String> into) {
        readReferenced(name, file, from).ifPresent(source -> {
            for (EnvFile.Entry e : EnvFile.parse(source, lookup, diagnostics).values()) into.put(e.name(), e.value());
        });
    }

    /** Adds an included model's resources to the including file's; a name both define is an error, and the including file's stays. */
    private void addIncluded(Value.MapV included, Map<String, Value> entries, Map<String, Span> keySpans) {
        for (String kind : INCLUDED_RESOURCES) {
            if (!(included.get(kind) instanceof Value.MapV added)) continue;
            Value.MapV existing = entries.get(kind) instanceof Value.MapV m ? m : new Value.MapV(Map.of(), Map.of(), added.span());
            Map<String, Value> combined = new LinkedHashMap<>(existing.entries());
            Map<String, Span> combinedSpans = new LinkedHashMap<>(existing.keySpans());
            for (Map.Entry<String, Value> e : added.entries().entrySet()) {
                if (combined.containsKey(e.getKey())) {
                    diagnostics.add(Diagnostic.error("I3025", kind.substring(0, kind.length() - 1) + " '" + e.getKey()
                        + "' is defined both here and in the included " + added.keySpan(e.getKey()).file(),
                        existing.keySpan(e.getKey()), "rename one of them; Compose refuses the project as it is"));
                    continue;
                }
                combined.put(e.getKey(), e.getValue());
                combinedSpans.put(e.getKey(), added.keySpan(e.getKey()));
            }
            entries.put(kind, new Value.MapV(combined, combinedSpans, existing.span()));
            keySpans.putIfAbsent(kind, included.keySpan(kind));
        }
    }

    private Optional<FileServices> extendedFile(Path path, String name, Variables variables, Span from) {
        String key = variables.id() + ":" + path.toAbsolutePath().normalize();
        Optional<FileServices> cached = extendedFiles.get(key);
        if (cached != null) return cached;
        extendedFiles.put(key, Optional.empty()); // a file extending itself through another ends here
        Optional<FileServices> result = Optional.empty();
        if (!Files.isRegularFile(path)) {
            diagnostics.add(Diagnostic.error("I3033", "extends: file " + name + " does not exist", from));
        } else {
            Optional<SourceFile> source = readReferenced(name, path, from);
            if (source.isPresent()) {
                // A file read but empty or not a mapping defines no service: the extends naming it is then an error
                // at the extends (I3031), not a service silently left without its base.
                Value.MapV root = parse(source.get()).orElseGet(() -> new Value.MapV(Map.of(), Map.of(), Span.of(name, 1, 1)));
                // The extended file's relative paths are its own; its variables those of the file extending it.
                BaseDirectory dir = BaseDirectory.ofFile(path.toAbsolutePath().normalize().getParent(), name);
                directories.put(name, dir);
                Value.MapV interpolated = (Value.MapV) variables.interpolation().apply(root);
                Value.MapV services = interpolated.get("services") instanceof Value.MapV m ? m
                    : new Value.MapV(Map.of(), Map.of(), interpolated.span());
                result = Optional.of(new FileServices(name, dir, variables, services, new HashMap<>()));
            }
        }
        extendedFiles.put(key, result);
        return result;
    }

    private static Value.MapV without(Value.MapV map, String key) {
        Map<String, Value> entries = new LinkedHashMap<>(map.entries());
        entries.remove(key);
        return new Value.MapV(entries, map.keySpans(), map.span());
    }
}
