package org.codomyrmex.policy.bench;

import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.kubernetes.KubernetesLoader;
import org.codomyrmex.policy.model.Document;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Corpora on disk, generated once per size (deterministic, so a cached copy is the same bytes). */
final class Fixtures {
    private Fixtures() {
    }

    /** The corpus of {@code documents} documents, under {@code policy.bench.dir} (default: the temp folder). */
    static Path corpus(int documents) {
        Path base = Path.of(System.getProperty("policy.bench.dir", System.getProperty("java.io.tmpdir")), "policy-bench");
        Path dir = base.resolve("corpus-" + documents + "-" + Corpus.DEFAULT_SEED);
        Path done = dir.resolve(".complete");
        try {
            if (!Files.exists(done)) {
                Corpus.write(dir, documents, Corpus.DEFAULT_SEED);
                Files.writeString(done, "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Every file of a corpus, in name order. */
    static List<Path> files(Path corpus) {
        try (Stream<Path> s = Files.walk(corpus)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<InputSource> sources(List<Path> files) {
        return files.stream().map(p -> InputSource.ofPath(p.toString(), p)).toList();
    }

    /** The Kubernetes documents of a corpus, loaded once. */
    static List<Document> kubernetesDocuments(Path corpus) {
        List<Document> docs = new ArrayList<>();
        KubernetesLoader loader = new KubernetesLoader();
        for (Path f : files(corpus.resolve("k8s"))) {
            LoadResult r = loader.load(InputSource.ofPath(f.toString(), f), LoadOptions.defaults());
            docs.addAll(r.documents());
        }
        return docs;
    }
}
