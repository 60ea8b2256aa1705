package org.codomyrmex.policy.api;

import org.codomyrmex.policy.check.CheckedProgram;
import org.codomyrmex.policy.check.Checker;
import org.codomyrmex.policy.compile.Compiler;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.ScanIndex;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.runtime.CompiledPolicy;
import org.codomyrmex.policy.syntax.Module;
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
 * after {@link Builder#build()} and safe to share between threads.
 *
 * <pre>{@code
 * PolicyEngine engine = PolicyEngine.builder().addPolicyPath(Path.of("policies")).build();
 * Report report = engine.check(List.of(InputSource.ofPath("deploy.yaml", Path.of("deploy.yaml"))), Optional.empty());
 * }</pre>
 */
public final class PolicyEngine {
    /** Where the standard library's policies are on the classpath (module stdlib-policies). */
    public static final String STDLIB_INDEX = "org/codomyrmex/policy/stdlib/index";
    public static final long DEFAULT_STEP_LIMIT = 10_000_000;

    private final CheckedProgram program;
    private final CompiledPolicy policy;
    private final List<Diagnostic> policyDiagnostics;
    private final Map<String, SourceFile> policySources;
    private final long stepLimit;
    private final LoadOptions loadOptions;

    private PolicyEngine(CheckedProgram program, CompiledPolicy policy, List<Diagnostic> policyDiagnostics,
                         Map<String, SourceFile> policySources, long stepLimit, LoadOptions loadOptions) {
        this.program = program;
        this.policy = policy;
        this.policyDiagnostics = List.copyOf(policyDiagnostics);
        this.policySources = Map.copyOf(policySources);
        this.stepLimit = stepLimit;
        this.loadOptions = loadOptions;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<RuleInfo> rules() {
        return policy.ruleInfos();
    }

    public CompiledPolicy compiledPolicy() {
        return policy;
    }

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

    public boolean hasPolicyErrors() {
        return policyDiagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public Map<String, SourceFile> policySources() {
        return policySources;
    }

    public LoadOptions loadOptions() {
        return loadOptions;
    }

    /** Loads and checks each source; a source that cannot be read becomes an error and the rest go on. */
    public Report check(List<InputSource> sources, Optional<InputKind> kind) {
        return check(sources, kind, null);
    }

    /**
     * Loads and checks each source, streaming: each document meets the rules that do not read the {@code scan}
     * view as soon as it is loaded, and is then dropped unless a rule that reads {@code scan} applies to it;
     * those rules run at the end, over the scan view indexed on the way. So memory holds one source at a time,
     * the scan index and the findings, not every document. The report keeps the text of each source that has a
     * finding or a problem (for excerpts).
     *
     * @param profile null, or told the time of each rule and each source
     */
    public Report check(List<InputSource> sources, Optional<InputKind> kind, CheckProfile profile) {
        List<Finding> findings = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>(policyDiagnostics.stream().filter(Diagnostic::isError).toList());
        Map<String, SourceFile> texts = new LinkedHashMap<>(policySources);
        ScanIndex.Builder index = policy.readsScan() ? new ScanIndex.Builder(loadOptions) : null;
        List<Document> waiting = new ArrayList<>();
        int[] documents = {0};
        long[] loadStart = {System.nanoTime()};
        Inputs.loadEach(sources, kind, loadOptions, loaded -> {
            if (profile != null && !loaded.documents().isEmpty()) {
                profile.loaded(loaded.documents().get(0).source().name(), System.nanoTime() - loadStart[0], loaded.documents().size());
            }
            diagnostics.addAll(loaded.diagnostics());
            for (Document doc : loaded.documents()) {
                documents[0]++;
                CompiledPolicy.Outcome outcome = policy.evaluate(doc, stepLimit, NO_SCAN, CompiledPolicy.Pass.WITHOUT_SCAN, profile);
                findings.addAll(outcome.findings());
                diagnostics.addAll(outcome.diagnostics());
                boolean shown = !outcome.findings().isEmpty() || !outcome.diagnostics().isEmpty() || !loaded.diagnostics().isEmpty();
                if (shown) texts.putIfAbsent(doc.source().name(), doc.source());
                if (index != null) {
                    index.add(doc);
                    if (policy.readsScanFor(doc)) waiting.add(doc);
                }
            }
            loadStart[0] = System.nanoTime();
        });
        if (!waiting.isEmpty()) {
            java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan = memoize(index::build);
            for (Document doc : waiting) {
                CompiledPolicy.Outcome outcome = policy.evaluate(doc, stepLimit, scan, CompiledPolicy.Pass.SCAN_ONLY, profile);
                findings.addAll(outcome.findings());
                diagnostics.addAll(outcome.diagnostics());
                if (!outcome.findings().isEmpty() || !outcome.diagnostics().isEmpty()) texts.putIfAbsent(doc.source().name(), doc.source());
            }
        }
        return new Report(findings, diagnostics, texts, sources.size(), documents[0]);
    }

    /** Given to the rules that do not read {@code scan}: reaching it is a bug, reported as a rule failure. */
    private static final java.util.function.Supplier<org.codomyrmex.policy.model.Value> NO_SCAN = () -> {
        throw new IllegalStateException("the scan view was read by a rule compiled as not reading it");
    };

    /**
     * Checks documents that are already loaded, together: cross-document rules see all of them through the
     * {@code scan} view, which is built once, on first use.
     */
    public Report checkDocuments(List<Document> documents) {
        List<Finding> findings = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, SourceFile> texts = new LinkedHashMap<>(policySources);
        java.util.function.Supplier<org.codomyrmex.policy.model.Value> scan = memoize(() -> ScanIndex.build(documents, loadOptions));
        for (Document doc : documents) {
            texts.putIfAbsent(doc.source().name(), doc.source());
            CompiledPolicy.Outcome outcome = policy.evaluate(doc, stepLimit, scan);
            findings.addAll(outcome.findings());
            diagnostics.addAll(outcome.diagnostics());
        }
        return new Report(findings, diagnostics, texts, 0, documents.size());
    }

    private static <T> java.util.function.Supplier<T> memoize(java.util.function.Supplier<T> supplier) {
        return new java.util.function.Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) value = supplier.get();
                return value;
            }
        };
    }

    /** Builds an engine; policy errors do not stop the build, they are kept in {@link #policyDiagnostics()}. */
    public static final class Builder {
        private boolean standardLibrary = true;
        private final List<SourceFile> sources = new ArrayList<>();
        private final List<Diagnostic> readErrors = new ArrayList<>();
        private long stepLimit = DEFAULT_STEP_LIMIT;
        private LoadOptions loadOptions = LoadOptions.defaults();
        private final Map<String, org.codomyrmex.policy.model.Value> parameters = new LinkedHashMap<>();

        /**
         * Replaces the default of a {@code param} declared by the policies: a bare name sets it in every package
         * that declares it, {@code package.name} in one. Unknown names and wrong types are policy errors.
         */
        public Builder parameter(String name, org.codomyrmex.policy.model.Value value) {
            parameters.put(name, value);
            return this;
        }

        public Builder standardLibrary(boolean on) {
            this.standardLibrary = on;
            return this;
        }

        /** A {@code .policy} file, or a directory searched recursively for them. */
        public Builder addPolicyPath(Path path) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(p -> p.toString().endsWith(".policy") && Files.isRegularFile(p)).sorted()
                        .forEach(this::addPolicyFile);
                } catch (IOException | java.io.UncheckedIOException e) {
                    readErrors.add(Diagnostic.error("P0001", "cannot read policy folder: " + e.getMessage(), Span.of(path.toString(), 0, 0)));
                }
            } else {
                addPolicyFile(path);
            }
            return this;
        }

        private void addPolicyFile(Path file) {
            try {
                sources.add(new SourceFile(file.toString(), decode(Files.readAllBytes(file))));
            } catch (CharacterCodingException e) {
                readErrors.add(Diagnostic.error("P0002", "policy file is not valid UTF-8", Span.of(file.toString(), 1, 1)));
            } catch (IOException e) {
                readErrors.add(Diagnostic.error("P0001", "cannot read policy file: " + e, Span.of(file.toString(), 0, 0)));
            }
        }

        public Builder addPolicySource(String name, String text) {
            sources.add(new SourceFile(name, text));
            return this;
        }

        public Builder stepLimit(long limit) {
            this.stepLimit = limit;
            return this;
        }

        public Builder loadOptions(LoadOptions options) {
            this.loadOptions = options;
            return this;
        }

        public PolicyEngine build() {
            List<SourceFile> all = new ArrayList<>();
            List<Diagnostic> diagnostics = new ArrayList<>(readErrors);
            if (standardLibrary) all.addAll(standardLibrarySources(diagnostics));
            all.addAll(sources);
            List<Module> modules = new ArrayList<>();
            Map<String, SourceFile> texts = new LinkedHashMap<>();
            for (SourceFile s : all) {
                texts.put(s.name(), s);
                Parser.Result<Module> parsed = Parser.parseModule(s);
                diagnostics.addAll(parsed.diagnostics());
                parsed.value().ifPresent(modules::add);
            }
            CheckedProgram program = Checker.check(modules);
            diagnostics.addAll(program.diagnostics());
            Parameters.Resolved params = Parameters.resolve(program, parameters);
            diagnostics.addAll(params.diagnostics());
            CompiledPolicy compiled = Compiler.compile(program, params.values());
            return new PolicyEngine(program, compiled, diagnostics, texts, stepLimit, loadOptions);
        }

        private static List<SourceFile> standardLibrarySources(List<Diagnostic> diagnostics) {
            ClassLoader cl = PolicyEngine.class.getClassLoader();
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
