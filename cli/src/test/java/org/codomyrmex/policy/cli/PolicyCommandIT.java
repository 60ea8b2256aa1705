package org.codomyrmex.policy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the built {@code policy.jar} as a separate process, as a user or a CI job would. */
class PolicyCommandIT {
    static final Path JAR = Path.of(System.getProperty("policy.jar", "target/policy.jar"));
    static final Path ROOT = Path.of(System.getProperty("policy.root", ".."));

    record Run(int exit, String out, String err) {
    }

    static Run run(String stdin, String... args) throws IOException, InterruptedException {
        return run(ROOT, List.of(), stdin, args);
    }

    /** Runs the jar in {@code dir} with more JVM options ({@code -Xmx96m}); {@code stdin} may be null. */
    static Run run(Path dir, List<String> jvmOptions, String stdin, String... args) throws IOException, InterruptedException {
        Process p = policy(dir, jvmOptions, args).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "policy did not finish");
        errReader.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The jar as a process in {@code dir}: run by the JVM that runs the tests (a {@code java} first on the PATH may be
     * another, or none), with the environment reduced to what a clean CI job has. Inherited, a developer's
     * JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS put a "Picked up" line on standard error, and COMPOSE_PROJECT_NAME,
     * COMPOSE_PROFILES, NO_COLOR, POLICY_* or a variable a compose fixture names change what the tool does.
     */
    static ProcessBuilder policy(Path dir, List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(name -> !KEPT_ENVIRONMENT.contains(name) && !name.startsWith("LC_"));
        return pb;
    }

    /**
     * What the jar's process keeps of the environment: the search path, the home folder, the locale, the time zone,
     * and where it keeps parsed policies (the build sets POLICY_CACHE_DIR under target/, so no run reads or fills
     * the home folder's cache).
     */
    private static final java.util.Set<String> KEPT_ENVIRONMENT = java.util.Set.of("PATH", "HOME", "LANG", "TZ", "TMPDIR", "CI",
        "POLICY_CACHE_DIR", "XDG_CACHE_HOME");

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended; what was read is kept
        }
    }

    static final String PRIVILEGED = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: nginx:1.27
              securityContext:
                privileged: true
        """;

    @Test
    void examplesGiveFindingsAtTheOffendingNode() throws Exception {
        Run r = run(null, "check", "examples/");
        assertEquals(1, r.exit(), r.err());
        // examples/kubernetes/web.yaml: privileged: true is on line 27, its value at column 25
        assertTrue(r.out().contains("examples/kubernetes/web.yaml:27:25 critical ESC-001 container web runs privileged"), r.out());
        assertTrue(r.out().contains("examples/kubernetes/web.yaml:19:20 high ESC-002"), r.out());
    }

    @Test
    void stdinFindingExitsOneAndJsonHasTheDocumentedShape() throws Exception {
        Run r = run(PRIVILEGED, "check", "-", "--format", "json");
        assertEquals(1, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode f = null;
        for (JsonNode each : root.get("findings")) if (each.get("rule").asText().equals("ESC-001")) f = each;
        assertTrue(f != null, r.out());
        assertEquals("ESC-001", f.get("rule").asText());
        assertEquals("critical", f.get("severity").asText());
        assertEquals("container-escape", f.get("threat").asText());
        assertEquals("-", f.get("location").get("file").asText());
        assertEquals(9, f.get("location").get("line").asInt());
        assertEquals(21, f.get("location").get("column").asInt());
        assertEquals(9, f.get("location").get("endLine").asInt());
        assertEquals(24, f.get("location").get("endColumn").asInt());
        assertEquals("Pod", f.get("resource").get("kind").asText());
        assertEquals(0, root.get("errors").size());
        assertEquals(root.get("findings").size(), root.get("summary").get("findings").asInt());
    }

    static final String PRIVILEGED_RULE = """
        package t
        rule T-0 "privileged" {
          severity critical
          threat container-escape
          for c in containers
          where c.privileged == true
          report "container {c.name} runs privileged" at c.privileged
        }
        """;

    @Test
    void failOnAboveTheFindingsExitsZero() throws Exception {
        String clean = PRIVILEGED.replace("privileged: true", "privileged: false");
        Path only = Files.createTempFile("privileged", ".policy");
        Files.writeString(only, PRIVILEGED_RULE);
        assertEquals(0, run(clean, "check", "-", "--no-stdlib", "--policy", only.toString()).exit());
        Run r = run(PRIVILEGED, "check", "-", "--no-stdlib", "--policy", only.toString(), "--fail-on", "critical");
        assertEquals(1, r.exit());
        Path noSevere = Files.createTempFile("pol", ".policy");
        Files.writeString(noSevere, """
            package t
            rule T-1 "info only" {
              severity info
              threat container-escape
              for c in containers
              report "seen {c.name}" at c.name
            }
            """);
        Run info = run(clean, "check", "-", "--no-stdlib", "--policy", noSevere.toString(), "--fail-on", "low");
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("info T-1 seen app"), info.out());
    }

    @Test
    void usageInputAndPolicyErrorsExitTwo(@TempDir Path dir) throws Exception {
        assertEquals(2, run(null, "check", "--fail-on", "sometimes", "x.yaml").exit());
        assertEquals(2, run(null, "check", "--no-such-option").exit());
        Run missing = run(null, "check", dir.resolve("absent.yaml").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no such file or directory"), missing.err());

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n");
        Run bad = run(null, "check", broken.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("broken.yaml:"), bad.err());

        Path policy = dir.resolve("typo.policy");
        Files.writeString(policy, """
            package t
            rule T-2 "typo" {
              severity high
              threat container-escape
              for c in containers
              where c.securityContext.privilegd == true
              report "x" at c
            }
            """);
        Run typo = run(PRIVILEGED, "check", "-", "--policy", policy.toString());
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("typo.policy:6:27: error[C2045]: unknown field 'privilegd'"), typo.err());
        assertTrue(typo.err().contains("did you mean 'privileged'?"), typo.err());
        assertTrue(typo.err().contains("^^^^^^^^"), typo.err());
    }

    /** A usage error is its message, a suggestion and where the help is, not the whole usage text. */
    @Test
    void usageErrorsAreShortAndSuggest() throws Exception {
        Run threat = run(null, "rules", "--threat", "container-escap");
        assertEquals(2, threat.exit());
        assertEquals("Invalid value for option '--threat': 'container-escap' is not a threat; did you mean 'container-escape'? "
            + "use image-security, container-escape, registry-security, secret-exposure, network-security, kubernetes-security\n"
            + "Run 'policy rules --help' for the options.\n", threat.err());
        Run option = run(null, "check", "--fail-onn", "high", "examples/");
        assertEquals(2, option.exit());
        assertTrue(option.err().startsWith("Unknown option: '--fail-onn'\nPossible solutions: --fail-on\n"), option.err());
        assertTrue(!option.err().contains("Usage:"), option.err());
        Run tag = run(null, "rules", "--tag", "pss-baselin");
        assertEquals(0, tag.exit());
        assertEquals("", tag.out());
        assertTrue(tag.err().startsWith("policy: no loaded rule has the tag 'pss-baselin'; did you mean 'pss-baseline'?"), tag.err());
    }

    @Test
    void recursionIsRejectedAtCompileTime(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("rec.policy");
        Files.writeString(policy, "package r\nfunc depth(x) = if x == null then 0 else 1 + depth(x.next)\n");
        Run r = run(PRIVILEGED, "check", "-", "--no-stdlib", "--policy", policy.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("error[C2006]: recursion is not allowed: depth -> depth"), r.err());
    }

    @Test
    void versionAndHelp() throws Exception {
        Run v = run(null, "--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("policy "), v.out());
        Run h = run(null, "check", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("Examples:"), h.out());
    }

    @Test
    void testSubcommandRunsInLanguageTests() throws Exception {
        Run r = run(null, "test", "examples/policies");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
        assertTrue(r.out().contains("1 passed, 0 failed"), r.out());
    }

    @Test
    void findingInsideAHeredocPointsAtItsOwnLine(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("pipe.policy");
        Files.writeString(policy, """
            package t
            rule T-3 "Remote script piped into a shell" {
              severity high
              threat image-security
              on dockerfile
              for r in runs
              for cmd in r.commands
              where cmd.program in ["curl", "wget"] and cmd.pipesTo in ["sh", "bash"]
              report "{cmd.program} piped into {cmd.pipesTo}" at cmd
            }
            """);
        Path dockerfile = dir.resolve("Dockerfile");
        Files.writeString(dockerfile, """
            # syntax=docker/dockerfile:1
            FROM debian:12
            RUN <<EOF
            set -e
            apt-get update
            curl -fsSL https://example.com/install.sh | sh
            EOF
            USER 1000
            """);
        Run r = run(null, "check", "--no-stdlib", "--policy", policy.toString(), dockerfile.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains(dockerfile + ":6:1 high T-3 curl piped into sh"), r.out());
    }
}
