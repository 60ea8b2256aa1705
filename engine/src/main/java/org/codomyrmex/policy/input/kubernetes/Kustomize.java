package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Renders a kustomization directory with {@code kubectl kustomize} (or {@code kustomize build} when only that is
 * installed). The renderer runs as a child process with a time limit and a bound on its output; its output is
 * read as one manifest stream named {@code kustomize:DIR}, so findings point into the rendered stream.
 * Note that kustomize itself may read remote bases over the network when the kustomization names them.
 */
final class Kustomize {
    static final List<String> FILE_NAMES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private Kustomize() {
    }

    static Optional<Path> kustomizationFile(Path dir) {
        for (String n : FILE_NAMES) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    static LoadResult render(Path dir, LoadOptions options, Duration timeout) {
        return render(dir, options, timeout, System.getenv("PATH"));
    }

    /** As {@link #render(Path, LoadOptions, Duration)}, looking for the renderer on {@code searchPath}. */
    static LoadResult render(Path dir, LoadOptions options, Duration timeout, String searchPath) {
        Path kustomization = kustomizationFile(dir).orElse(dir);
        Span at = Span.of(kustomization.toString(), 1, 1);
        if (kustomizationFile(dir).isEmpty()) {
            return LoadResult.failed(Diagnostic.error("K3001", dir + " holds no kustomization.yaml, kustomization.yml"
                + " or Kustomization file", at));
        }
        List<String> command;
        Optional<Path> kubectl = onPath("kubectl", searchPath);
        Optional<Path> kustomize = onPath("kustomize", searchPath);
        if (kubectl.isPresent()) {
            command = List.of(kubectl.get().toString(), "kustomize", dir.toString());
        } else if (kustomize.isPresent()) {
            command = List.of(kustomize.get().toString(), "build", dir.toString());
        } else {
            return LoadResult.failed(Diagnostic.error("K3002", "cannot render the kustomization in " + dir
                    + ": neither kubectl nor kustomize is on the PATH", at,
                "install kubectl, or render it yourself and read the output from standard input: "
                    + "kubectl kustomize " + dir + " | <this tool> ... -"));
        }
        String name = "kustomize:" + dir;
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
        } catch (IOException e) {
            return LoadResult.failed(Diagnostic.error("K3003", "cannot start " + command.get(0) + ": " + e.getMessage(), at));
        }
        long limit = options.maxFileBytes();
        // Both pipes are drained at once on threads of their own, so the child never blocks on a full pipe.
        CompletableFuture<byte[]> stdout = drain(process.getInputStream(), limit, "kustomize-stdout");
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream(), 64 * 1024, "kustomize-stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return LoadResult.failed(Diagnostic.error("K3004", String.join(" ", command) + " did not finish within "
                    + timeout.toSeconds() + " s; it was stopped", at));
            }
            byte[] out = stdout.get(5, TimeUnit.SECONDS);
            String err = new String(stderr.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                return LoadResult.failed(Diagnostic.error("K3005", String.join(" ", command) + " failed (exit "
                    + process.exitValue() + "): " + firstLines(err, 5), at));
            }
            if (out.length > limit) {
                return LoadResult.failed(Diagnostic.error("K1002", "the rendered kustomization has more than "
                    + limit + " bytes", at));
            }
            List<Diagnostic> diagnostics = new ArrayList<>();
            String text = KubernetesLoader.decode(out, name, diagnostics);
            LoadResult r = KubernetesLoader.loadText(name, text, options);
            diagnostics.addAll(r.diagnostics());
            return new LoadResult(r.documents(), diagnostics);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return LoadResult.failed(Diagnostic.error("K3004", "interrupted while rendering " + dir, at));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            return LoadResult.failed(Diagnostic.error("K3003", "cannot read the output of " + command.get(0), at));
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in, long limit, String name) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> result.complete(readBounded(in, limit)), name);
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** Reads at most {@code limit + 1} bytes (so an overflow shows), then drains the rest so the child never blocks. */
    private static byte[] readBounded(InputStream in, long limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() <= limit) out.write(buf, 0, (int) Math.min(n, limit + 1 - out.size()));
            }
        } catch (IOException e) {
            // The process ended or was stopped: what was read so far is what it wrote.
        }
        return out.toByteArray();
    }

    private static String firstLines(String text, int n) {
        String[] lines = text.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, lines.length); i++) {
            if (i > 0) sb.append(" / ");
            sb.append(lines[i].strip());
        }
        return sb.length() == 0 ? "no error message" : sb.toString();
    }

    static Optional<Path> onPath(String program, String searchPath) {
        if (searchPath == null || searchPath.isEmpty()) return Optional.empty();
        for (String dir : searchPath.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            try {
                Path p = Path.of(dir, program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
            } catch (java.nio.file.InvalidPathException notAPath) {
                // A malformed PATH entry names no program.
            }
        }
        return Optional.empty();
    }
}
