package org.codomyrmex.policy.bench;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.InputSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The parse floor against a full check, over the same files, each operation the whole corpus. The floor is
 * what any engine that keeps line numbers must do: read the bytes and compose YAML into nodes with marks
 * (Dockerfiles, which are not YAML, are read and decoded). The full check loads every input into the document
 * model and runs the whole standard library on it, as {@code policy check DIR} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ParseBench {
    @Param("1000")
    public int documents;

    private List<Path> files;
    private List<InputSource> sources;
    private PolicyEngine engine;

    @Setup
    public void setup() {
        Path corpus = Fixtures.corpus(documents);
        files = Fixtures.files(corpus);
        sources = Fixtures.sources(files);
        engine = PolicyEngine.builder().build();
        if (engine.hasPolicyErrors()) throw new IllegalStateException("standard library: " + engine.policyDiagnostics());
        Report r = engine.check(sources, Optional.empty());
        if (r.documentsChecked() != documents || r.hasErrors()) {
            throw new IllegalStateException("corpus check: " + r.documentsChecked() + " documents, errors " + r.errors());
        }
    }

    @Benchmark
    public long readBytes() throws IOException {
        long n = 0;
        for (Path f : files) n += Files.readAllBytes(f).length;
        return n;
    }

    @Benchmark
    public long snakeYamlCompose() throws IOException {
        long nodes = 0;
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            if (f.toString().endsWith(".dockerfile")) {
                nodes += text.length();
                continue;
            }
            LoaderOptions lo = new LoaderOptions();
            lo.setProcessComments(false);
            Yaml yaml = new Yaml(new SafeConstructor(lo), new Representer(new DumperOptions()), new DumperOptions(), lo, new UntypedResolver());
            for (Node doc : yaml.composeAll(new StringReader(text))) nodes += count(doc);
        }
        return nodes;
    }

    /** Types no scalar: the floor composes nodes and nothing more (our loader types scalars itself, too). */
    private static final class UntypedResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
        }
    }

    private static long count(Node n) {
        long c = 1;
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) c += count(t.getKeyNode()) + count(t.getValueNode());
        } else if (n instanceof SequenceNode s) {
            for (Node x : s.getValue()) c += count(x);
        }
        return c + n.getStartMark().getLine();
    }

    @Benchmark
    public int fullCheck() {
        return engine.check(sources, Optional.empty()).findings().size();
    }
}
