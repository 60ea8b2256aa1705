package org.codomyrmex.policy.repl;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The REPL end to end in a real pseudo-terminal, as a user meets it: a separate JVM on the system terminal
 * under {@code script} (or {@code tmux}), keys sent one step at a time, the screen read back. Skipped, with a
 * message, where neither tool exists.
 */
class PseudoTerminalTest {
    private static final long STEP_MILLIS = 20_000;
    /** Written by the shell around the REPL, in the session's folder, when the REPL ends (whole, by a rename). */
    private static final String EXIT_STATUS = "exit-status";

    /** A terminal program running the REPL. */
    interface Pty extends AutoCloseable {
        void type(String text) throws Exception;

        void key(String name) throws Exception; // Enter, Tab, C-c, C-d

        String screen() throws Exception;

        @Override
        void close() throws Exception;
    }

    /**
     * On {@code TERM=dumb} the tty stays line-buffered: nothing is redrawn (no completed word, no continuation
     * prompt to see), and Ctrl-C is the tty's signal, which must cancel the input, not end the JVM.
     */
    @ParameterizedTest
    @ValueSource(strings = {"xterm", "dumb"})
    @Timeout(120)
    void aSessionInARealTerminal(String term, @TempDir Path dir) throws Exception {
        boolean dumb = term.equals("dumb");
        Path history = dir.resolve("history");
        try (Pty pty = open(replCommand(), history, dir, term)) {
            await(pty, Repl.PROMPT.strip()); // tmux drops trailing spaces
            pty.type("let c = containers[0]");
            pty.key("Enter");
            await(pty, "c: KubeContainer");
            pty.type("c.securityContext.priv");
            pty.key("Tab");
            if (!dumb) await(pty, "c.securityContext.privileged");
            pty.key("Enter");
            await(pty, "deployment.yaml:17:25");
            pty.type("rule SHOP-1 \"Privileged\" {");
            pty.key("Enter");
            pty.type("severity critical threat container-escape");
            pty.key("Enter");
            pty.type("for c in containers where c.privileged == true report \"{c.name}\" at c.privileged }");
            pty.key("Enter");
            await(pty, "SHOP-1: 1 finding on 1 input");
            pty.type("(1 +");
            pty.key("Enter");
            if (!dumb) await(pty, Repl.CONTINUATION.stripTrailing());
            else Thread.sleep(300); // nothing to see: give the line time to reach the REPL
            int prompts = count(pty.screen(), Repl.PROMPT.strip());
            pty.key("C-c");
            // Ctrl-C is a signal, delivered on its own time: wait for the fresh prompt before typing on.
            long end = System.currentTimeMillis() + STEP_MILLIS;
            while (count(pty.screen(), Repl.PROMPT.strip()) == prompts && System.currentTimeMillis() < end) Thread.sleep(50);
            Thread.sleep(200); // the prompt is drawn before the new read starts
            pty.type("6 * 7");
            pty.key("Enter");
            await(pty, "\n42");
            awaitFreshPrompt(pty);
            leave(pty, dir);
        }
        String saved = Files.readString(history);
        assertTrue(saved.contains("c.securityContext.privileged"), saved);
        assertTrue(!saved.contains("(1 +"), "a cancelled input is not history: " + saved);
    }

    /**
     * Ctrl-C while an evaluation runs (the tty out of raw mode, so Ctrl-C is the INT signal) stops it, and the
     * session goes on with its bindings.
     */
    @ParameterizedTest
    @ValueSource(strings = {"xterm", "dumb"})
    @Timeout(180)
    void ctrlCStopsARunningEvaluation(String term, @TempDir Path dir) throws Exception {
        try (Pty pty = open(replCommand(), dir.resolve("history"), dir, term)) {
            await(pty, Repl.PROMPT.strip());
            for (String binding : InterruptTest.LONG_EVALUATION_SETUP) {
                pty.type(binding);
                pty.key("Enter");
                await(pty, binding.split(" ")[1] + ": list<"); // let NAME = ... prints NAME: TYPE = VALUE
                awaitFreshPrompt(pty);
            }
            pty.type(InterruptTest.LONG_EVALUATION);
            pty.key("Enter");
            // It runs for minutes. A Ctrl-C that comes while the line is still being read is a key for the next
            // read (it drops an empty line there), and one that comes between the read and the evaluation is
            // ignored: so press it until the REPL says it stopped.
            String stopped = "interrupted after ";
            for (int attempt = 1; attempt <= 6 && !pty.screen().contains(stopped); attempt++) {
                Thread.sleep(500); // not an assertion: a moment for the evaluation to begin
                pty.key("C-c");
                awaitUpTo(pty, stopped, STEP_MILLIS / 4);
            }
            await(pty, stopped);
            awaitFreshPrompt(pty);
            pty.type("d[6] * 7");
            pty.key("Enter");
            await(pty, "\n42");
            awaitFreshPrompt(pty);
            leave(pty, dir);
        }
    }

    /** A separate JVM running the REPL on the deployment fixture. */
    private static List<String> replCommand() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Repl.class.getName(), ReplTerminalTest.DEPLOYMENT));
    }

    /** Ctrl-D at the prompt ends the session with exit status 0. */
    private static void leave(Pty pty, Path dir) throws Exception {
        // A Ctrl-D that arrives while the REPL still prints (the tty back in line mode between two reads)
        // is an end-of-file the next raw-mode read never sees: on a loaded machine, press it again. The exit
        // status is read from a file, not the screen: `script` may end before it copies the last output.
        Path status = dir.resolve(EXIT_STATUS);
        for (int attempt = 1; attempt <= 3 && !Files.exists(status); attempt++) {
            try {
                pty.key("C-d");
            } catch (IOException processEnded) {
                break; // the session is over already: the status file says how
            }
            awaitFile(status, STEP_MILLIS / 4);
        }
        awaitFile(status, STEP_MILLIS);
        assertEquals("0", Files.exists(status) ? Files.readString(status).strip() : "no exit status",
            () -> "the REPL's exit status; the terminal shows:\n" + screenOf(pty));
    }

    private static Pty open(List<String> command, Path history, Path dir, String term) throws Exception {
        Assumptions.assumeTrue(CTRL_C_REACHES_THE_REPL, "SIGINT is ignored in this process (started in the background of "
            + "a shell?) and `env --default-signal` is not there to undo it: Ctrl-C cannot reach the REPL here");
        // -Drepl.pty=tmux tries the tmux driver where both exist.
        boolean tmuxFirst = "tmux".equals(System.getProperty("repl.pty"));
        if (!tmuxFirst && onPath("script")) return Script.start(command, history, dir, term);
        if (onPath("tmux")) return Tmux.start(command, history, dir, term);
        if (onPath("script")) return Script.start(command, history, dir, term);
        Assumptions.abort("neither `script` nor `tmux` is installed: the pseudo-terminal test cannot run here");
        return null;
    }

    /**
     * Whether the REPL is run under {@code env --default-signal=INT} (coreutils 8.31 and later). A process started in
     * the background of a non-interactive shell ({@code ./mvnw verify &}, some CI runners) inherits SIGINT ignored,
     * and so do `script`, the shell and the REPL's JVM; a shell cannot trap a signal ignored on entry (POSIX) and
     * the JVM does not handle one, so every Ctrl-C sent as a signal was lost and the test failed on a REPL that works.
     */
    private static final boolean RESETS_SIGINT = succeeds("env", "--default-signal=INT", "true");
    private static final boolean CTRL_C_REACHES_THE_REPL = RESETS_SIGINT || !sigintIgnoredHere();

    private static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether this JVM was started with SIGINT ignored, as Linux says in /proc; false where it cannot be told. */
    private static boolean sigintIgnoredHere() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: assume the usual default disposition
        }
        return false;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    private static void await(Pty pty, String text) throws Exception {
        if (!awaitUpTo(pty, text, STEP_MILLIS)) fail("the terminal never showed \"" + text + "\"; it shows:\n" + screenOf(pty));
    }

    /** Whether the terminal shows {@code text} within {@code millis}. */
    private static boolean awaitUpTo(Pty pty, String text, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (pty.screen().replace("\r", "").contains(text)) return true;
            Thread.sleep(50);
        }
        return false;
    }

    /** Waits until a prompt follows the last output, then a moment more for the read to start. */
    private static void awaitFreshPrompt(Pty pty) throws Exception {
        long end = System.currentTimeMillis() + STEP_MILLIS;
        while (System.currentTimeMillis() < end) {
            String screen = pty.screen().replace("\r", "").stripTrailing();
            if (screen.endsWith(Repl.PROMPT.strip())) break;
            Thread.sleep(50);
        }
        Thread.sleep(300);
    }

    private static void awaitFile(Path file, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!Files.exists(file) && System.currentTimeMillis() < end) Thread.sleep(50);
    }

    private static String screenOf(Pty pty) {
        try {
            return pty.screen();
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) n++;
        return n;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String shellCommand(List<String> command, Path history, String term) {
        // A pseudo-terminal made by `script` from a pipe starts with no size: give it one. Ctrl-C sends INT to the
        // whole foreground group, this shell too: without SHELL set (as under CI) it is dash, which dies of it and
        // never writes the exit status; a trapped INT waits for the REPL instead (bash does that by itself).
        StringBuilder sb = new StringBuilder("trap : INT; stty cols 200 rows 50 2>/dev/null; TERM=" + term + " " + Repl.HISTORY_ENV + "=" + shellQuote(history.toString()) + " ");
        if (RESETS_SIGINT) sb.append("env --default-signal=INT "); // SIGINT may have been ignored since before the shell
        for (String part : command) sb.append(shellQuote(part)).append(' ');
        return sb.append("; s=$?; echo $s > " + EXIT_STATUS + ".new; mv " + EXIT_STATUS + ".new " + EXIT_STATUS + "; echo EXIT:$s").toString();
    }

    /** {@code script -qfc CMD /dev/null}: keys go to the pseudo-terminal's input, its output is collected. */
    static final class Script implements Pty {
        private final Process process;
        private final OutputStream keys;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();

        private Script(Process process) {
            this.process = process;
            this.keys = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (output) {
                            output.write(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        static Script start(List<String> command, Path history, Path dir, String term) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("script", "-qfc", shellCommand(command, history, term), "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("COLUMNS", "200");
            return new Script(pb.start());
        }

        @Override
        public void type(String text) throws IOException {
            keys.write(text.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }

        @Override
        public void key(String name) throws IOException {
            type(switch (name) {
                case "Enter" -> "\r";
                case "Tab" -> "\t";
                case "C-c" -> "\u0003";
                case "C-d" -> "\u0004";
                default -> throw new IllegalArgumentException(name);
            });
        }

        @Override
        public String screen() {
            synchronized (output) {
                // Colours and cursor movements are noise for the assertions.
                return output.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "")
                    .replaceAll("\u001b[=>]", "");
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    /** A detached tmux session on a private socket; keys by send-keys, the screen by capture-pane. */
    static final class Tmux implements Pty {
        private final String socket;

        private Tmux(String socket) {
            this.socket = socket;
        }

        static Tmux start(List<String> command, Path history, Path dir, String term) throws Exception {
            Tmux t = new Tmux("policy-repl-test-" + ProcessHandle.current().pid());
            t.run("new-session", "-d", "-s", "repl", "-x", "200", "-y", "60", "-c", dir.toString(),
                shellCommand(command, history, term) + "; sleep 60");
            return t;
        }

        private String run(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        }

        @Override
        public void type(String text) throws Exception {
            run("send-keys", "-t", "repl", "-l", text);
        }

        @Override
        public void key(String name) throws Exception {
            run("send-keys", "-t", "repl", name);
        }

        @Override
        public String screen() throws Exception {
            return run("capture-pane", "-p", "-t", "repl", "-S", "-300");
        }

        @Override
        public void close() throws Exception {
            run("kill-server");
        }
    }
}
