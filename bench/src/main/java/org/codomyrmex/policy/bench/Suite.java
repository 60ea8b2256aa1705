package org.codomyrmex.policy.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Runs the whole suite and prints each benchmark as a ratio against its baseline measured in the same run:
 * parse floor, evaluator (CEL and plain Java), start, scaling; the webhook when the server module exists.
 *
 * <pre>java -jar bench/target/benchmarks.jar [--policy-jar cli/target/policy.jar] [--sizes 1000,10000,100000]
 *     [--quick] [--jmh] [--only parse,evaluator,start,scaling,webhook] [--heap 2g] [--out FILE]</pre>
 *
 * <p>By default the parse floor and the evaluator are timed as alternating pairs ({@link Paired}), which keeps
 * the ratios steady on a loaded machine; {@code --jmh} runs the same benchmark methods under JMH instead (one
 * fork, short iterations) for absolute figures.
 */
public final class Suite {
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> lines = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick") || a.equals("--jmh")) opts.put(a.substring(2), "true");
            else if (a.startsWith("--") && i + 1 < args.length) opts.put(a.substring(2), args[++i]);
            else throw new IllegalArgumentException("unknown argument " + a);
        }
        boolean quick = opts.containsKey("quick");
        List<String> only = Arrays.asList(opts.getOrDefault("only", "parse,evaluator,start,scaling,webhook").split(","));
        Suite s = new Suite();
        s.say("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
            + " " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        if (opts.containsKey("jmh")) s.jmh(only, quick);
        else if (only.contains("parse") || only.contains("evaluator")) s.paired(only, quick);
        if (only.contains("start")) s.start(Path.of(opts.getOrDefault("policy-jar", "cli/target/policy.jar")), quick ? 5 : 11);
        if (only.contains("scaling")) {
            List<Integer> sizes = Arrays.stream(opts.getOrDefault("sizes", quick ? "1000,10000" : "1000,10000,100000").split(","))
                .map(String::strip).map(Integer::parseInt).toList();
            s.scaling(sizes, opts.getOrDefault("heap", "2g"));
        }
        if (only.contains("webhook")) s.webhook(quick);
        s.say("");
        s.say("| benchmark | figure |");
        s.say("| --- | --- |");
        s.figures.forEach((k, v) -> s.say("| " + k + " | " + v + " |"));
        Path out = Path.of(opts.getOrDefault("out", "bench/target/results.md"));
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", s.lines) + "\n", StandardCharsets.UTF_8);
        System.out.println("(written to " + out + ")");
    }

    private void say(String line) {
        System.out.println(line);
        lines.add(line);
    }

    private static String f(double d) {
        return String.format(Locale.ROOT, d >= 100 ? "%.0f" : d >= 10 ? "%.1f" : "%.2f", d);
    }

    private static String goal(boolean met) {
        return met ? "goal met" : "goal NOT met";
    }

    // ---- paired: parse floor and evaluator ----

    private void paired(List<String> only, boolean quick) throws Exception {
        int warmup = quick ? 5 : 10, pairs = quick ? 5 : 11;
        say("");
        if (only.contains("parse")) {
            ParseBench p = new ParseBench();
            p.documents = 1000;
            p.setup();
            Paired.Result floor = Paired.measure(p::snakeYamlCompose, p::fullCheck, warmup, pairs);
            Paired.Result raw = Paired.measure(p::readBytes, p::fullCheck, warmup, pairs);
            say(String.format(Locale.ROOT, "parse floor (%d documents, %d files; best of %d alternating runs, CPU time):",
                p.documents, Fixtures.files(Fixtures.corpus(p.documents)).size(), pairs));
            say("  SnakeYAML compose with marks " + f(floor.baselineMs()) + " ms (median " + f(floor.baselineMedianMs())
                + "), full check " + f(floor.subjectMs()) + " ms (median " + f(floor.subjectMedianMs()) + ")");
            say("  raw byte reading             " + f(raw.baselineMs()) + " ms (median " + f(raw.baselineMedianMs())
                + "), full check " + f(raw.subjectMs()) + " ms (median " + f(raw.subjectMedianMs()) + ")");
            figures.put("full check / SnakeYAML compose (docs/s)", f(1 / floor.ratio()) + "× — " + goal(1 / floor.ratio() >= 0.6) + " (≥ 0.6×)");
            figures.put("documents/s: raw byte reading, SnakeYAML compose, full check", String.format(Locale.ROOT, "%,.0f, %,.0f, %,.0f",
                p.documents / raw.baselineMs() * 1000, p.documents / floor.baselineMs() * 1000, p.documents / floor.subjectMs() * 1000));
        }
        if (only.contains("evaluator")) {
            EvaluatorBench e = new EvaluatorBench();
            e.documents = 1000;
            e.setup();
            Paired.Result cel = Paired.measure(e::cel, e::ours, warmup * 3, pairs);
            Paired.Result java = Paired.measure(e::java, e::ours, warmup * 3, pairs);
            say(String.format(Locale.ROOT, "evaluator (ten checks on %d workloads; best of %d alternating runs, CPU time):",
                e.workloadCount(), pairs));
            say("  CEL " + f(cel.baselineMs()) + " ms (median " + f(cel.baselineMedianMs()) + "), ours " + f(cel.subjectMs())
                + " ms (median " + f(cel.subjectMedianMs()) + ")");
            say("  plain Java " + f(java.baselineMs()) + " ms (median " + f(java.baselineMedianMs()) + "), ours "
                + f(java.subjectMs()) + " ms (median " + f(java.subjectMedianMs()) + ")");
            figures.put("evaluator: CEL time / our time", f(1 / cel.ratio()) + "× — " + goal(1 / cel.ratio() >= 3) + " (≥ 3×)");
            figures.put("evaluator: our time / plain Java time", f(java.ratio()) + "× — " + goal(java.ratio() <= 2) + " (≤ 2×)");
        }
    }

    // ---- JMH: parse floor and evaluator ----

    private void jmh(List<String> only, boolean quick) throws RunnerException {
        OptionsBuilder b = new OptionsBuilder();
        if (only.contains("parse")) b.include(ParseBench.class.getName());
        if (only.contains("evaluator")) b.include(EvaluatorBench.class.getName());
        Options o = b.forks(1)
            .warmupIterations(quick ? 2 : 4).warmupTime(TimeValue.seconds(quick ? 1 : 2))
            .measurementIterations(quick ? 3 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 2))
            .jvmArgsAppend("-Xmx1g")
            .timeUnit(TimeUnit.MILLISECONDS)
            .shouldFailOnError(true)
            .build();
        Collection<RunResult> results = new Runner(o).run();
        Map<String, Double> ms = new LinkedHashMap<>();
        int docs = 0;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            ms.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
            docs = Integer.parseInt(r.getParams().getParam("documents"));
        }
        say("");
        if (ms.containsKey("fullCheck")) {
            double check = docs / ms.get("fullCheck") * 1000, floor = docs / ms.get("snakeYamlCompose") * 1000,
                raw = docs / ms.get("readBytes") * 1000;
            say(String.format(Locale.ROOT, "parse floor (%d documents): read bytes %s docs/s, SnakeYAML compose %s docs/s, full check %s docs/s",
                docs, f(raw), f(floor), f(check)));
            figures.put("full check / SnakeYAML compose (docs/s)", f(check / floor) + "× — " + goal(check / floor >= 0.6) + " (≥ 0.6×)");
            figures.put("documents/s: raw byte reading, SnakeYAML compose, full check", String.format(Locale.ROOT, "%,.0f, %,.0f, %,.0f", raw, floor, check));
        }
        if (ms.containsKey("ours")) {
            double ours = ms.get("ours"), cel = ms.get("cel"), java = ms.get("java");
            say(String.format(Locale.ROOT, "evaluator (ten checks on the workloads of %d documents): ours %s ms, CEL %s ms, plain Java %s ms",
                docs, f(ours), f(cel), f(java)));
            figures.put("evaluator: CEL time / our time", f(cel / ours) + "× faster than CEL — " + goal(cel / ours >= 3) + " (≥ 3×)");
            figures.put("evaluator: our time / plain Java time", f(ours / java) + "× plain Java — " + goal(ours / java <= 2) + " (≤ 2×)");
        }
    }

    // ---- start ----

    private void start(Path policyJar, int runs) throws IOException, InterruptedException {
        if (!Files.isRegularFile(policyJar)) {
            say("start: absent: " + policyJar + " not built (./mvnw -B -DskipTests install)");
            return;
        }
        Path dir = Files.createTempDirectory("policy-bench-start");
        Path hello = helloJar(dir);
        Path small = dir.resolve("deploy.yaml");
        Files.writeString(small, Corpus.kubernetesText(Corpus.DEFAULT_SEED, 1, 1));
        Path jsa = dir.resolve("policy.jsa");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> check = List.of("-jar", policyJar.toString(), "check", small.toString());
        // The archive is made by one training run, as a packaging step would (-XX:ArchiveClassesAtExit, JDK 13+).
        run(concat(List.of(java, "-XX:ArchiveClassesAtExit=" + jsa), check), NO_CACHE);
        // Parsed policies kept between runs (syntax/ParseCache), in a folder of this run's own; best() fills it
        // with its first, untimed run.
        Map<String, String> cache = Map.of("POLICY_CACHE_DIR", dir.resolve("parse-cache").toString());

        double helloMs = best(List.of(java, "-jar", hello.toString()), runs, NO_CACHE);
        double plain = best(concat(List.of(java), check), runs, NO_CACHE);
        double cds = best(concat(List.of(java, "-XX:SharedArchiveFile=" + jsa), check), runs, NO_CACHE);
        double cdsC1 = best(concat(List.of(java, "-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1"), check), runs, NO_CACHE);
        double cached = best(concat(List.of(java, "-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1"), check), runs, cache);
        double noStdlib = best(concat(List.of(java, "-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1"),
            List.of("-jar", policyJar.toString(), "check", "--no-stdlib", small.toString())), runs, NO_CACHE);
        say("");
        say(String.format(Locale.ROOT, "start (best wall time of %d runs, one %d-line manifest): hello-world java -jar %s ms", runs,
            Files.readAllLines(small).size(), f(helloMs)));
        say("  policy check, plain:                         " + f(plain) + " ms = " + f(plain / helloMs) + "×");
        say("  + AppCDS archive of the app's classes:       " + f(cds) + " ms = " + f(cds / helloMs) + "×");
        say("  + C1 only (-XX:TieredStopAtLevel=1):         " + f(cdsC1) + " ms = " + f(cdsC1 / helloMs) + "×");
        say("  + parsed policies from the cache:            " + f(cached) + " ms = " + f(cached / helloMs) + "×");
        say("  (without the standard library, same flags:   " + f(noStdlib) + " ms = " + f(noStdlib / helloMs) + "×)");
        double fastest = Math.min(plain, Math.min(cdsC1, cached));
        figures.put("start: policy check / hello-world java -jar", f(plain / helloMs) + "× plain, " + f(cached / helloMs)
            + "× with AppCDS + C1 + parse cache — " + goal(fastest / helloMs <= 2) + " (≤ 2×)");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The environment of a start run that parses every policy file (no parse cache). */
    private static final Map<String, String> NO_CACHE = Map.of("POLICY_CACHE_DIR", "off");

    /** The best wall time of {@code runs} runs: on a shared machine, the run least delayed by other processes. */
    private static double best(List<String> command, int runs, Map<String, String> env) throws IOException, InterruptedException {
        run(command, env); // warm the file cache (and fill the parse cache when there is one)
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) t[i] = run(command, env);
        return Paired.min(t);
    }

    /** Runs a command to its end, output discarded; returns the wall time in milliseconds. */
    private static double run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        int code = pb.start().waitFor();
        double ms = (System.nanoTime() - start) / 1e6;
        if (code > 1) throw new IllegalStateException("exit " + code + ": " + String.join(" ", command));
        return ms;
    }

    private static Path helloJar(Path dir) throws IOException {
        Path jar = dir.resolve("hello.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Hello.class.getName());
        String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m);
             InputStream in = Suite.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    // ---- scaling ----

    private void scaling(List<Integer> sizes, String heap) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        say("");
        say("scaling (full check with the standard library, CPU time; each size in its own JVM with -Xmx" + heap + "):");
        Map<Integer, Double> perDoc = new LinkedHashMap<>();
        Map<Integer, Double> total = new LinkedHashMap<>();
        for (int n : sizes) {
            Path corpus = Fixtures.corpus(n);
            List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", cp));
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("policy.bench."))
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
            command.addAll(List.of(ScaleRun.class.getName(), corpus.toString()));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                say(String.format(Locale.ROOT, "  %,d documents: FAILED (exit %d) %s", n, p.exitValue(), out));
                continue;
            }
            String[] parts = out.split(" ");
            int docs = Integer.parseInt(parts[0]);
            double ms = Double.parseDouble(parts[1]);
            total.put(n, ms);
            perDoc.put(n, ms * 1000 / docs);
            say(String.format(Locale.ROOT, "  %,d documents: %s s CPU (%s s wall), %s µs/document, retained heap peak %s MB, %s findings",
                docs, f(ms / 1000), f(Double.parseDouble(parts[4]) / 1000), f(ms * 1000 / docs), parts[2], parts[3]));
        }
        if (total.containsKey(10_000) && total.containsKey(100_000)) {
            double r = total.get(100_000) / total.get(10_000);
            figures.put("scaling: t(100k) / t(10k)", f(r) + " — " + goal(r <= 11) + " (≤ 11)");
        } else if (total.containsKey(1000) && total.containsKey(10_000)) {
            double r = total.get(10_000) / total.get(1000);
            figures.put("scaling: t(10k) / t(1k)", f(r) + " (ideal 10)");
        }
    }

    // ---- webhook ----

    private void webhook(boolean quick) throws Exception {
        WebhookBench.Result r = WebhookBench.run(quick ? 200 : 500, quick ? 500 : 2000);
        say("");
        say(String.format(Locale.ROOT, "webhook (one client, %d requests each, alternating; wall time): POST /v1/admit p50 %s ms,"
            + " p99 %s ms; POST /bench/echo (same body, same server) p50 %s ms, p99 %s ms", r.requests(), f(r.admitP50()),
            f(r.admitP99()), f(r.echoP50()), f(r.echoP99())));
        figures.put("webhook: /v1/admit vs an echo endpoint on the same server", "p50 " + f(r.admitP50() / r.echoP50())
            + "×, p99 " + f(r.admitP99() / r.echoP99()) + "× (admit " + f(r.admitP50()) + " / " + f(r.admitP99()) + " ms)");
    }
}
