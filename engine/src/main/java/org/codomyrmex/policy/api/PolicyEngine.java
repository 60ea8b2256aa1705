package org.codomyrmex.policy.api;

import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.compile.Compiler;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.IoReason;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.FileCollector;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.ScanIndex;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.runtime.Cancellation;
import org.codomyrmex.policy.runtime.CompiledPolicy;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.ParseCache;
import org.codomyrmex.policy.syntax.Parser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The engine: a policy set parsed, checked and compiled once, then used for any number of checks. Immutable
 * after {@link Builder#build()} and safe to share between threads: build one at start-up and call
 * {@code check} from as many threads as you like.
 *
 * <pre>{@code
 * PolicyEngine engine = PolicyEngine.builder()          // the standard library is on by default
 *     .addPolicyPath(Path.of("policies"))               // plus your own .policy files
 *     .parameter("trusted_registries", List.of("registry.example.com/"))
 *     .build();
 * if (engine.hasPolicyErrors()) ...                     // engine.policyDiagnostics() says what and where
 * Report report = engine.check(Path.of("k8s/"));
 * for (Finding f : report.findings()) System.out.println(f.location() + " " + f.ruleId() + " " + f.message());
 * }</pre>
 *
 * Bad inputs never throw: every problem becomes an error {@link Diagnostic} in the {@link Report}, located at
 * the file, line and column it was met, and whatever could be read is still checked.
 */
public final class PolicyEngine {
    /** Where the standard library's policies are on the classpath (module stdlib-policies). */
    public static final String STDLIB_INDEX = "org/codomyrmex/policy/stdlib/index";
    /** Evaluation steps one rule may take on one document before it is stopped with an error. */
    public static final long DEFAULT_STEP_LIMIT = 10_000_000;

    private final CheckedProgram program;
    private final CompiledPolicy policy;
    private final List<Diagnostic> policyDiagnostics;
    private final Map<String, SourceFile> policySources;
    private final long stepLimit;
    private final LoadOptions loadOptions;
    private final FindingHook findingHook;
    private final BuildTimes buildTimes;

    /**
     * What building this engine cost, step by step ({@code policy check --profile} prints it): reading the
     * policy files, parsing them, checking and compiling the program.
     */
    public record BuildTimes(int files, long readNanos, long parseNanos, long checkNanos, long compileNanos) {
        /** One line: {@code policies (11 files): read 20 ms, parsed 300 ms, checked 170 ms, compiled 25 ms}. */
        public String render() {
            return String.format(java.util.Locale.ROOT, "policies (%d files): read %.1f ms, parsed %.1f ms, checked %.1f ms, compiled %.1f ms",
                files, readNanos / 1e6, parseNanos / 1e6, checkNanos / 1e6, compileNanos / 1e6);
        }
    }

    private PolicyEngine(CheckedProgram program, CompiledPolicy policy, List<Diagnostic> policyDiagnostics,
                         Map<String, SourceFile> policySources, long stepLimit, LoadOptions loadOptions,
                         FindingHook findingHook, BuildTimes buildTimes) {
        this.buildTimes = buildTimes;
        this.program = program;
        this.policy = policy;
        this.policyDiagnostics = List.copyOf(policyDiagnostics);
        this.policySources = Map.copyOf(policySources);
        this.stepLimit = stepLimit;
        this.loadOptions = loadOptions;
        this.findingHook = findingHook;
    }

    /** What building this engine cost, step by step. */
    public BuildTimes buildTimes() {
        return buildTimes;
    }

    /**
     * The same compiled policies with another configuration hook, for a hook that depends on the rules (their
     * threats and tags, as a config's rule selection does), which are known only once the engine is built.
     * Nothing is compiled again; this engine is unchanged.
     */
    public PolicyEngine withFindingHook(FindingHook hook) {
        return new PolicyEngine(program, policy, policyDiagnostics, policySources, stepLimit, loadOptions, hook, buildTimes);
    }

    /** A builder with the standard library on and no policies of your own. */
    public static Builder builder() {
        return new Builder();
    }

    /** The metadata of every rule loaded: id, title, severity, threat, formats, references, remediation. */
    public List<RuleInfo> rules() {
        return policy.ruleInfos();
    }

    /** The compiled rules, for tools that run them directly (the REPL, benchmarks). */
    public CompiledPolicy compiledPolicy() {
        return policy;
    }

    /** The checked program (rules, functions, constants, in-language tests), for tools. */
    public CheckedProgram checkedProgram() {
        return program;
    }

    /** The parameters the policies declare, with their types and documentation. */
    public List<Parameters.Declared> parameters() {
        return Parameters.declared(program);
    }

    /** Errors and warnings of the policies themselves. */
    public List<Diagnostic> policyDiagnostics() {
        return policyDiagnostics;
    }

    /** True when a policy failed to read, parse, check or take its parameters; such errors are in every report. */
    public boolean hasPolicyErrors() {
        return policyDiagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** The text of every policy loaded, by name (for showing excerpts of policy diagnostics). */
    public Map<String, SourceFile> policySources() {
        return policySources;
    }

    /** The limits inputs are read with. */
    public LoadOptions loadOptions() {
        return loadOptions;
    }

    /**
     * Checks a file, or a folder walked recursively for the files whose kind can be told (by name or content);
     * folders named {@code .*}, {@code target} and {@code node_modules} are skipped.
     */
    public Report check(Path path) {
        return checkPaths(List.of(path), Optional.empty());
    }

    /** Checks a file, or every file of a folder, read as {@code kind}. */
    public Report check(Path path, InputKind kind) {
        return checkPaths(List.of(path), Optional.of(kind));
    }

    /** Checks files and folders together (cross-document rules see all of them), detecting or forcing the kind. */
    public Report checkPaths(List<Path> paths, Optional<InputKind> kind) {
        FileCollector.Collected collected = FileCollector.collect(paths.stream().map(Path::toString).toList(),
            InputStream.nullInputStream());
        Report checked = check(collected.sources(), kind);
        if (collected.diagnostics().isEmpty()) return checked;
        List<Diagnostic> diagnostics = new ArrayList<>(collected.diagnostics());
        diagnostics.addAll(checked.diagnostics());
        return new Report(checked.findings(), diagnostics, checked.sources(), checked.filesScanned(), checked.documentsChecked());
    }

    /**
     * Checks text held in memory; {@code name} is how findings name it (and what detection looks at when the
     * kind is not given: {@code Dockerfile}, {@code compose.yaml}, ...).
     */
    public Report check(String name, String text) {
        return check(List.of(InputSource.ofText(name, text)), Optional.empty());
    }

    /** Checks text held in memory, read as {@code kind}. */
    public Report check(String name, String text, InputKind kind) {
        return check(List.of(InputSource.ofText(name, text)), Optional.of(kind));
    }

    /**
     * Reads a stream to its end (at most {@link LoadOptions#maxFileBytes()} bytes; the caller closes it) and
     * checks it as {@code kind}. A stream that cannot be read or is too large gives a report with the error.
     */
    public Report check(String name, InputStream in, InputKind kind) {
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, loadOptions.maxFileBytes() + 1));
        } catch (IOException e) {
            return failed(Diagnostic.error("I0010", "cannot read " + name + ": " + e.getMessage(), Span.of(name, 1, 1)));
        }
        if (bytes.length > loadOptions.maxFileBytes()) {
            return failed(Diagnostic.error("I0012", name + " is larger than the limit of " + loadOptions.maxFileBytes()
                + " bytes", Span.of(name, 1, 1)));
        }
        return check(List.of(InputSource.ofBytes(name, bytes)), Optional.of(kind));
    }

    private Report failed(Diagnostic error) {
        List<Diagnostic> diagnostics = new ArrayList<>(policyDiagnostics.stream().filter(Diagnostic::isError).toList());
        diagnostics.add(error);
        return new Report(List.of(), diagnostics, policySources, 1, 0);
    }

    /**
     * Loads and checks each source, all together (cross-document rules see every document); a source that
     * cannot be read becomes an error and the rest go on. {@code kind} forces how every source is read; when
     * empty, each source's kind is detected from its name or content.
     */
    public Report check(List<InputSource> sources, Optional<InputKind> kind) {
        return check(sources, kind, null);
    }

    /**
     * Loads and checks each source, streaming ({@link #check(List, CheckOptions)}).
     *
     * @param profile null, or told the time of each rule and each source
     */
    public Report check(List<InputSource> sources, Optional<InputKind> kind, CheckProfile profile) {
        return check(sources, CheckOptions.defaults().withKind(kind).withProfile(Optional.ofNullable(profile)));
    }

    /**
     * Loads and checks each source, streaming: each document meets the rules that do not read the {@code scan}
     * view as soon as it is loaded, and is then dropped unless a rule that reads {@code scan} applies to it;
     * those rules run at the end, over the scan view indexed on the way. So memory holds a batch of sources, the
     * scan index and the findings, not every document. The report keeps the text of each source that has a
     * finding or a problem (for excerpts), within a budget. The finding hook sees each document's findings once.
     */
    public Report check(List<InputSource> sources, CheckOptions options) {
        return check(sources, options, RETAINED_DOCUMENTS);
    }

    /** The largest policy file read (the standard library's largest is under 100 KB): larger is error P0003. */
    public static final int MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

    /**
     * How many documents waiting for the scan rules are kept in memory at most; past this (or past
     * {@link #retainedTextBudget()}), they are dropped and read again for a second pass instead, so memory stays
     * bounded whatever the size of the scan.
     */
    static final int RETAINED_DOCUMENTS = 2_000;

    /**
     * Characters of input text whose documents may wait in memory for the scan rules. A loaded document with its
     * views takes about a hundred times its text (measured on the benchmark corpus: ~200 KB for a 2 KB
     * workload), so this keeps waiting documents within about a quarter of the heap.
     */
    static long retainedTextBudget() {
        return Math.max(64 * 1024, Runtime.getRuntime().maxMemory() / 400);
    }

    /** Characters of source text a report keeps for excerpts before it keeps only what it could not read again. */
    private static long keptTextBudget() {
        return Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 16);
    }

    /**
     * Whether a report keeps this source's text for excerpts, when it already keeps {@code alreadyKept}
     * characters: always within a sixteenth of the heap; past it, a file on disk is not kept (the report reads
     * it again when it shows an excerpt, {@link Report#source}), while text from stdin or from strings is, having
     * nowhere else to come from ({@code fromMemory}; also when a file of its name exists, as under
     * {@code policy check - --stdin-filename deploy.yaml}).
     */
    static boolean keepsText(SourceFile source, long alreadyKept, long budget, boolean fromMemory) {
        return fromMemory || alreadyKept + source.text().length() <= budget || !isRegularFile(source.name());
    }

    Report check(List<InputSource> sources, CheckOptions options, int retainLimit) {
        return check(sources, options, retainLimit, keptTextBudget());
    }

    /** As {@link #check(List, CheckOptions, int)}, keeping at most {@code keptTextLimit} characters of file texts. */
    Report check(List<InputSource> sources, CheckOptions options, int retainLimit, long keptTextLimit) {
        return new StreamingCheck(policy, loadOptions, stepLimit, policySources,
            policyDiagnostics.stream().filter(Diagnostic::isError).toList(), options, findingHook, retainLimit,
            keptTextLimit).run(sources);
    }

    private static boolean isRegularFile(String name) {
        try {
            return java.nio.file.Files.isRegularFile(java.nio.file.Path.of(name));
        } catch (RuntimeException e) {
            return false;
        }
    }



    /**
     * Checks documents that are already loaded, together: cross-document rules see all of them through the
     * {@code scan} view, which is built once, on first use.
     */
    public Report checkDocuments(List<Document> documents) {
        return checkDocuments(documents, Cancellation.never());
    }

    /**
     * As {@link #checkDocuments(List)}, stopping as soon as {@code cancellation} is cancelled (from another
     * thread), for a caller that gives up on a long check: the REPL's Ctrl-C, a request that timed out.
     *
     * @throws org.codomyrmex.policy.runtime.Budget.Interrupted when it was cancelled; no report is made of the documents checked so far
     */
    public Report checkDocuments(List<Document> documents, Cancellation cancellation) {
        List<Finding> findings = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, SourceFile> texts = new LinkedHashMap<>(policySources);
        java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan = StreamingCheck.memoize(() -> ScanIndex.build(documents, loadOptions));
        for (Document doc : documents) {
            texts.putIfAbsent(doc.source().name(), doc.source());
            CompiledPolicy.Outcome outcome = policy.evaluate(doc, stepLimit, scan, false, CompiledPolicy.Pass.ALL, null, cancellation);
            findings.addAll(applyHook(findingHook, doc, outcome.findings(), diagnostics));
            diagnostics.addAll(outcome.diagnostics());
        }
        return new Report(findings, diagnostics, texts, 0, documents.size());
    }

    /** The hook's findings for a document; when the hook fails, all of them and a diagnostic that says so. */
    static List<Finding> applyHook(FindingHook findingHook, Document doc, List<Finding> found, List<Diagnostic> diagnostics) {
        try {
            return List.copyOf(findingHook.apply(doc, List.copyOf(found)));
        } catch (RuntimeException e) {
            // A configuration bug must not hide findings: keep them and say what went wrong.
            diagnostics.add(Diagnostic.error("P0020", "the finding hook failed on this document: " + e,
                doc.resource().span().isKnown() ? doc.resource().span() : Span.of(doc.source().name(), 1, 1)));
            return found;
        }
    }

    /** Builds an engine; policy errors do not stop the build, they are kept in {@link #policyDiagnostics()}. */
    public static final class Builder {
        private boolean standardLibrary = true;
        private final List<SourceFile> sources = new ArrayList<>();
        private final List<Diagnostic> readErrors = new ArrayList<>();
        private long stepLimit = DEFAULT_STEP_LIMIT;
        private LoadOptions loadOptions = LoadOptions.defaults();
        private Optional<ParseCache> parseCache = Optional.empty();
        private final Map<String, org.codomyrmex.policy.model.Value> parameters = new LinkedHashMap<>();
        private FindingHook findingHook = FindingHook.none();
        private ClassLoader classLoader = PolicyEngine.class.getClassLoader();

        private Builder() {
        }

        /**
         * Replaces the default of a {@code param} declared by the policies: a bare name sets it in every package
         * that declares it, {@code package.name} in one. Unknown names and wrong types are policy errors.
         */
        public Builder parameter(String name, org.codomyrmex.policy.model.Value value) {
            parameters.put(name, value);
            return this;
        }

        /**
         * Like {@link #parameter(String, org.codomyrmex.policy.model.Value)} with a plain Java value: a
         * {@code String}, {@code Boolean}, integer or floating-point {@code Number}, {@code List} or
         * {@code Map<String, ?>} of those, or {@code null}.
         *
         * @throws IllegalArgumentException for any other type of value
         */
        public Builder parameter(String name, Object value) {
            return parameter(name, JavaValues.toValue(value));
        }

        /** Sets several parameters at once, as {@link #parameter(String, Object)} does. */
        public Builder parameters(Map<String, ?> values) {
            values.forEach(this::parameter);
            return this;
        }

        /** The configuration hook applied to each document's findings; see {@link FindingHook}. */
        public Builder findingHook(FindingHook hook) {
            this.findingHook = hook;
            return this;
        }

        /** Whether the standard library is loaded (default: yes; it must be on the classpath, module policy-stdlib). */
        public Builder standardLibrary(boolean on) {
            this.standardLibrary = on;
            return this;
        }

        /** A {@code .policy} file, or a directory searched recursively for them. */
        public Builder addPolicyPath(Path path) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(p -> p.toString().endsWith(".policy") && Files.isRegularFile(p) && !volumeInternal(path.relativize(p)))
                        .sorted().forEach(this::addPolicyFile);
                } catch (IOException | java.io.UncheckedIOException e) {
                    readErrors.add(Diagnostic.error("P0001", "cannot read policy folder: "
                        + (e instanceof IOException io ? IoReason.of(io) : e.getMessage()), Span.of(path.toString(), 0, 0)));
                }
            } else {
                addPolicyFile(path);
            }
            return this;
        }

        /**
         * A Kubernetes ConfigMap or Secret volume holds each file twice: {@code name} links to {@code ..data/name},
         * the real file in a {@code ..<timestamp>} folder. Loading both defined every rule twice; the visible name
         * is the one to load.
         */
        private static boolean volumeInternal(Path relative) {
            for (Path element : relative) if (element.toString().startsWith("..")) return true;
            return false;
        }

        private void addPolicyFile(Path file) {
            try {
                long size = Files.size(file);
                if (size > MAX_POLICY_FILE_BYTES) {
                    readErrors.add(Diagnostic.error("P0003", "policy file too large: " + size + " bytes (at most "
                        + MAX_POLICY_FILE_BYTES + ")", Span.of(file.toString(), 1, 1), "split it into several files"));
                    return;
                }
                sources.add(new SourceFile(file.toString(), decode(Files.readAllBytes(file))));
            } catch (CharacterCodingException e) {
                readErrors.add(Diagnostic.error("P0002", "policy file is not valid UTF-8", Span.of(file.toString(), 1, 1)));
            } catch (IOException e) {
                readErrors.add(Diagnostic.error("P0001", "cannot read policy file: " + IoReason.of(e), Span.of(file.toString(), 0, 0)));
            }
        }

        /** A policy given as text; {@code name} is how diagnostics name it. */
        public Builder addPolicySource(String name, String text) {
            sources.add(new SourceFile(name, text));
            return this;
        }

        /**
         * A policy file on the classpath, e.g. {@code "policies/team.policy"} packaged in your jar; read with
         * {@link #classLoader(ClassLoader)}. A missing resource is a policy error.
         */
        public Builder addPolicyResource(String resource) {
            String text = resource(classLoader, resource);
            if (text == null) {
                readErrors.add(Diagnostic.error("P0005", "policy resource not found on the classpath: " + resource, Span.NONE));
            } else {
                sources.add(new SourceFile("classpath:" + resource, text));
            }
            return this;
        }

        /** The class loader for {@link #addPolicyResource} and the standard library (default: the engine's). */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /**
         * Keeps parsed policy files in {@code directory} between runs, keyed by their text and this engine's
         * parser, so that a later build of the same policies skips lexing and parsing (most of a short run's
         * start). Off by default; a folder that cannot be made, or that someone else owns or may write in, is not
         * used. Errors and warnings are the same either way: only files that parsed cleanly are kept.
         */
        public Builder parseCache(Path directory) {
            this.parseCache = ParseCache.open(directory);
            return this;
        }

        /** Evaluation steps allowed per rule and document (default {@link #DEFAULT_STEP_LIMIT}). */
        public Builder stepLimit(long limit) {
            this.stepLimit = limit;
            return this;
        }

        /** Limits for reading inputs (size, documents, depth) and the environment compose interpolation reads. */
        public Builder loadOptions(LoadOptions options) {
            this.loadOptions = options;
            return this;
        }

        /** Parses, checks and compiles the policies. Never throws for bad policies: see {@link #hasPolicyErrors()}. */
        public PolicyEngine build() {
            long t0 = System.nanoTime();
            List<SourceFile> all = new ArrayList<>();
            List<Diagnostic> diagnostics = new ArrayList<>(readErrors);
            if (standardLibrary) all.addAll(standardLibrarySources(classLoader, diagnostics));
            all.addAll(sources);
            long t1 = System.nanoTime();
            List<Module> modules = new ArrayList<>();
            Map<String, SourceFile> texts = new LinkedHashMap<>();
            // Files parse independently: on all cores (the start of a short check is mostly this and the checker).
            java.util.function.Function<SourceFile, Parser.Result<Module>> parse =
                parseCache.<java.util.function.Function<SourceFile, Parser.Result<Module>>>map(c -> c::parse)
                    .orElse(Parser::parseModule);
            List<Parser.Result<Module>> results = all.size() > 1
                ? all.parallelStream().map(parse).toList()
                : all.stream().map(parse).toList();
            for (int i = 0; i < all.size(); i++) {
                texts.put(all.get(i).name(), all.get(i));
                diagnostics.addAll(results.get(i).diagnostics());
                results.get(i).value().ifPresent(modules::add);
            }
            long t2 = System.nanoTime();
            CheckedProgram program = Checker.check(modules);
            diagnostics.addAll(program.diagnostics());
            Parameters.Resolved params = Parameters.resolve(program, parameters);
            diagnostics.addAll(params.diagnostics());
            long t3 = System.nanoTime();
            CompiledPolicy compiled = Compiler.compile(program, params.values());
            BuildTimes times = new BuildTimes(all.size(), t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
            return new PolicyEngine(program, compiled, diagnostics, texts, stepLimit, loadOptions, findingHook, times);
        }

        private static List<SourceFile> standardLibrarySources(ClassLoader cl, List<Diagnostic> diagnostics) {
            String index = resource(cl, STDLIB_INDEX);
            if (index == null) {
                diagnostics.add(Diagnostic.error("P0003", "the standard library is not on the classpath", Span.NONE,
                    "add policy-stdlib to the classpath, or turn the standard library off"));
                return List.of();
            }
            List<SourceFile> out = new ArrayList<>();
            String base = STDLIB_INDEX.substring(0, STDLIB_INDEX.lastIndexOf('/') + 1);
            for (String line : index.split("\n")) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) continue;
                String text = resource(cl, base + name);
                if (text == null) {
                    diagnostics.add(Diagnostic.error("P0004", "standard library file missing: " + name, Span.NONE));
                } else {
                    out.add(new SourceFile("stdlib/" + name, text));
                }
            }
            return out;
        }

        private static String resource(ClassLoader cl, String path) {
            try (InputStream in = cl.getResourceAsStream(path)) {
                return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return null;
            }
        }
    }

    static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    }
}
