package org.codomyrmex.policy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built jar on hostile inputs, as a CI job would meet them, in a 256 MB heap: each gives its located error
 * and exit code 2, in bounded time, with no stack trace; and a scan mixing broken and good files loses nothing.
 */
class HostileInputsIT {
    static final Path JAR = Path.of(System.getProperty("policy.jar", "target/policy.jar"));
    static final Path ROOT = Path.of(System.getProperty("policy.root", ".."));
    static final String HOSTILE = "engine/src/test/resources/hostile";
    static final long TIMEOUT_SECONDS = 90;

    /** {@code millis} on the wall clock, {@code cpuMillis} of the process's CPU time (the wall clock where unknown). */
    record Run(int exit, String out, String err, long millis, long cpuMillis) {
        String all() {
            return out + err;
        }
    }

    /** Runs the jar under -Xmx256m; {@code stdin} is written from a thread so a large input cannot deadlock. */
    static Run run(byte[] stdin, String... args) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = PolicyCommandIT.policy(ROOT, List.of("-Xmx256m"), args).start();
        Thread writer = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin);
            } catch (IOException ignored) {
                // the process may stop reading at its limit
            }
        });
        writer.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread outReader = new Thread(() -> copy(p.getInputStream(), out));
        outReader.start();
        // The process's CPU time, looked at as it runs (it is gone once the process is): a bound on it holds on a
        // loaded machine, where the wall clock also counts the time other processes had the CPU.
        long cpuNanos = -1;
        long deadline = start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!p.waitFor(100, TimeUnit.MILLISECONDS) && System.nanoTime() - deadline < 0) {
            cpuNanos = p.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(cpuNanos);
        }
        boolean done = !p.isAlive();
        if (!done) p.destroyForcibly();
        assertTrue(done, "policy did not finish in " + TIMEOUT_SECONDS + " s: " + List.of(args));
        outReader.join();
        errReader.join();
        writer.join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
            millis, cpuNanos < 0 ? millis : cpuNanos / 1_000_000); // short of the last tenth of a second: no matter here
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended; what was read is kept
        }
    }

    static void assertNoStackTrace(Run r) {
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception in thread") || r.all().contains("Error:"),
            () -> "stack trace or JVM error:\n" + r.err());
    }

    static Map<String, List<String>> expected() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(HOSTILE).resolve("expected.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] cols = line.split("\t");
            out.computeIfAbsent(cols[0], k -> new ArrayList<>()).add(cols[1]);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> eachHostileFolderExitsTwoWithItsLocatedErrors() throws IOException {
        return expected().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String dir = HOSTILE + "/" + e.getKey();
            List<String> args = new ArrayList<>(List.of("check", "--no-progress"));
            try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
                if (files.anyMatch(f -> f.toString().endsWith(".policy"))) args.addAll(List.of("--no-stdlib", "--policy", dir));
            }
            args.add(dir);
            Run r = run(null, args.toArray(String[]::new));
            assertEquals(2, r.exit(), r.err());
            for (String want : e.getValue()) {
                assertTrue(r.err().contains(dir + "/" + want), () -> "missing " + dir + "/" + want + " in\n" + r.err());
            }
            assertNoStackTrace(r);
        }));
    }

    @Test
    void catastrophicRegexesRunInLinearTime() throws Exception {
        String dir = HOSTILE + "/catastrophic-regex";
        Run r = run(null, "check", "--no-progress", "--no-stdlib", "--policy", dir + "/regex.policy", dir + "/pod.yaml");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.cpuMillis() < 30_000, "took " + r.cpuMillis() + " ms of CPU time (" + r.millis() + " ms in all)");
        assertNoStackTrace(r);
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedUnread(@TempDir Path tmp) throws Exception {
        Path big = tmp.resolve("pod.yaml");
        Files.writeString(big, "apiVersion: v1\nkind: Pod\nmetadata: {name: big}\n");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(300L * 1024 * 1024); // sparse: 300 MB of zeros after the header, more than the heap
        }
        Run r = run(null, "check", "--no-progress", big.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(big + ":1:1: error[I0004]"), r.err());
        assertNoStackTrace(r);

        Run small = run(null, "check", "--no-progress", "--max-file-size", "100", "examples/kubernetes/web.yaml");
        assertEquals(2, small.exit(), small.err());
        assertTrue(small.err().contains("examples/kubernetes/web.yaml:1:1: error[I0004]"), small.err());
    }

    @Test
    void standardInputOverTheLimitIsAnError() throws Exception {
        byte[] flood = new byte[40 * 1024 * 1024];
        java.util.Arrays.fill(flood, (byte) '#');
        System.arraycopy("apiVersion: v1\nkind: Pod\n".getBytes(StandardCharsets.US_ASCII), 0, flood, 0, 25);
        Run r = run(flood, "check", "--no-progress", "-", "--kind", "kubernetes");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("-:1:1: error[K1002]"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void policyFilesOverTheLimitAreRefusedUnread(@TempDir Path tmp) throws Exception {
        byte[] flood = new byte[6 * 1024 * 1024];
        java.util.Arrays.fill(flood, (byte) ' ');
        Run fmt = run(flood, "fmt", "-");
        assertEquals(2, fmt.exit(), fmt.err());
        assertTrue(fmt.err().contains("standard input is larger than"), fmt.err());
        assertNoStackTrace(fmt);
        Path big = tmp.resolve("big.policy");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(6L * 1024 * 1024);
        }
        Run check = run(null, "check", "--no-progress", "--no-config", "--policy", big.toString(), "examples/kubernetes");
        assertEquals(2, check.exit(), check.err());
        assertTrue(check.err().contains("big.policy:1:1: error[P0003]: policy file too large"), check.err());
        assertNoStackTrace(check);
        Run fmtFile = run(null, "fmt", "--check", big.toString());
        assertEquals(2, fmtFile.exit(), fmtFile.err());
        assertTrue(fmtFile.err().contains("not formatted"), fmtFile.err());
    }

    @Test
    void anEightMegabyteLineIsReadInBoundedMemory(@TempDir Path tmp) throws Exception {
        Path docker = Files.createDirectories(tmp.resolve("long")).resolve("Dockerfile");
        Files.writeString(docker, "FROM alpine:3.20\nRUN echo " + "a".repeat(8_000_000) + "\nUSER app\n");
        Run r = run(null, "check", "--no-progress", docker.toString());
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        assertTrue(r.err().contains(" 0 errors in 1 document"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void linksThatLoopOrLeaveTheFolderAreErrors(@TempDir Path tmp) throws Exception {
        Path scan = Files.createDirectories(tmp.resolve("scan"));
        Path secret = Files.writeString(tmp.resolve("secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
        Files.createSymbolicLink(scan.resolve("loop.yaml"), scan.resolve("loop.yaml"));
        Files.createSymbolicLink(scan.resolve("out.yaml"), secret);
        Files.createSymbolicLink(scan.resolve("parent"), tmp);
        Run r = run(null, "check", "--no-progress", scan.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(scan.resolve("loop.yaml") + ":1:1: error[I0012]"), r.err());
        assertTrue(r.err().contains(scan.resolve("out.yaml") + ":1:1: error[I0013]"), r.err());
        assertTrue(r.err().contains(scan.resolve("parent") + ":1:1: error[I0013]"), r.err());
        assertFalse(r.all().contains("kind: Secret"), "the target outside the folder was read");
        assertNoStackTrace(r);
    }

    // ------------------------------------------------------------------ nothing lost

    static final String BROKEN_YAML = "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n";
    static final String BROKEN_DOCKERFILE = "FROM alpine\nRUN <<EOF\necho\n";

    /** Good files alone, then the same with broken ones beside them: every finding of the good files is still reported. */
    @Test
    void brokenFilesLoseNoFindingOfTheGoodOnesInAnyFormat(@TempDir Path tmp) throws Exception {
        Path good = Files.createDirectories(tmp.resolve("good"));
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        for (Path dir : List.of(good, mixed)) {
            Files.copy(ROOT.resolve("examples/kubernetes/web.yaml"), dir.resolve("web.yaml"));
            Files.writeString(dir.resolve("Dockerfile"), "FROM ubuntu:latest\nRUN apt-get install -y curl\n");
            Files.createDirectories(dir.resolve("app"));
            Files.writeString(dir.resolve("app/compose.yaml"), "services:\n  web:\n    image: nginx\n    privileged: true\n");
        }
        Files.writeString(mixed.resolve("broken.yaml"), BROKEN_YAML);
        Files.createDirectories(mixed.resolve("bad"));
        Files.writeString(mixed.resolve("bad/Dockerfile"), BROKEN_DOCKERFILE);
        Files.write(mixed.resolve("deployment.yaml"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 7});
        Set<String> brokenFiles = Set.of("broken.yaml", "bad/Dockerfile", "deployment.yaml");

        Set<String> wanted = findings(json(good, tmp));
        assertTrue(wanted.size() > 10, wanted.toString());

        JsonNode mixedJson = json(mixed, tmp);
        // The broken files may add findings of what could be read of them; the good files' findings are all there.
        Set<String> ofGoodFiles = new TreeSet<>(findings(mixedJson));
        ofGoodFiles.removeIf(f -> brokenFiles.contains(f.split(" ")[1]));
        assertEquals(wanted, ofGoodFiles);
        Set<String> errorFiles = new TreeSet<>();
        for (JsonNode e : mixedJson.get("errors")) {
            errorFiles.add(e.at("/location/file").asText());
            assertTrue(e.at("/location/line").asInt() >= 1, e.toString());
        }
        assertEquals(brokenFiles, errorFiles);

        // text: one line per finding on stdout, one error per broken file on stderr
        Run text = run(null, "check", "--no-progress", "--color", "never", "--format", "text", mixed.toString());
        assertEquals(2, text.exit(), text.err());
        for (String f : wanted) {
            String[] p = f.split(" ");
            assertTrue(text.out().contains(mixed.resolve(p[1]) + ":" + p[2] + " ") && text.out().contains(p[0]), () -> "text lost " + f);
        }
        for (String b : brokenFiles) assertTrue(text.err().contains(mixed.resolve(b) + ":"), () -> "text lost the error of " + b);

        // sarif: a result per finding, a notification per broken file
        JsonNode sarif = new ObjectMapper().readTree(run(null, "check", "--no-progress", "--format", "sarif", mixed.toString()).out());
        JsonNode sarifRun = sarif.get("runs").get(0);
        Set<String> sarifFindings = new TreeSet<>();
        for (JsonNode res : sarifRun.get("results")) {
            JsonNode loc = res.at("/locations/0/physicalLocation");
            sarifFindings.add(res.get("ruleId").asText() + " " + underMixed(loc.at("/artifactLocation/uri").asText()) + " "
                + loc.at("/region/startLine").asInt() + ":" + loc.at("/region/startColumn").asInt());
        }
        assertTrue(sarifFindings.containsAll(wanted), () -> "sarif lost " + difference(wanted, sarifFindings));
        Set<String> sarifErrors = new TreeSet<>();
        for (JsonNode n : sarifRun.at("/invocations/0/toolExecutionNotifications")) {
            sarifErrors.add(underMixed(n.at("/locations/0/physicalLocation/artifactLocation/uri").asText()));
        }
        assertEquals(brokenFiles, sarifErrors);

        // junit and github: every finding's rule and place, and an error per broken file
        String junit = run(null, "check", "--no-progress", "--format", "junit", mixed.toString()).out();
        String github = run(null, "check", "--no-progress", "--format", "github", mixed.toString()).out();
        for (String f : wanted) {
            String[] p = f.split(" ");
            String[] lc = p[2].split(":");
            assertTrue(junit.contains(p[0] + " ") && junit.contains(":" + p[2] + " "), () -> "junit lost " + f);
            assertTrue(github.contains("file=" + mixed.resolve(p[1]) + ",line=" + lc[0] + ",col=" + lc[1] + ",")
                && github.contains("title=" + p[0] + " "), () -> "github lost " + f);
        }
        for (String b : brokenFiles) {
            assertTrue(junit.contains("<testcase classname=\"" + mixed.resolve(b) + "\" name=\"I"), () -> "junit lost the error of " + b);
            assertTrue(github.contains("::error file=" + mixed.resolve(b) + ","), () -> "github lost the error of " + b);
        }
    }

    static JsonNode json(Path dir, Path tmp) throws Exception {
        Run r = run(null, "check", "--no-progress", "--format", "json", dir.toString());
        assertTrue(r.exit() == 1 || r.exit() == 2, r.err());
        assertNoStackTrace(r);
        JsonNode root = new ObjectMapper().readTree(r.out());
        // Findings name files as given: relative to the folder for comparison.
        for (JsonNode f : root.get("findings")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) f.get("location")).put("file",
                dir.relativize(Path.of(f.at("/location/file").asText())).toString());
        }
        for (JsonNode e : root.get("errors")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("location")).put("file",
                dir.relativize(Path.of(e.at("/location/file").asText())).toString());
        }
        return root;
    }

    /** {@code RULE file line:col} of each finding. */
    static Set<String> findings(JsonNode report) {
        Set<String> out = new TreeSet<>();
        for (JsonNode f : report.get("findings")) {
            out.add(f.get("rule").asText() + " " + f.at("/location/file").asText() + " " + f.at("/location/line").asInt()
                + ":" + f.at("/location/column").asInt());
        }
        return out;
    }

    /** A SARIF uri (relative to the working directory, or absolute) as a path inside the scanned folder. */
    static String underMixed(String uri) {
        int at = uri.indexOf("mixed/");
        return at < 0 ? uri : uri.substring(at + "mixed/".length());
    }

    static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
