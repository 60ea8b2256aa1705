package org.codomyrmex.policy.repl;

import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.codomyrmex.policy.runtime.Cancellation;
import org.jline.terminal.Terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The two ways to run a session. {@link #interactive} reads with JLine: highlighting, completion, history,
 * multi-line input, Ctrl-C to drop the current input or stop a running evaluation, and Ctrl-D to leave; it
 * works on dumb terminals too.
 * {@link #script} reads plain lines (piped stdin) with the same rules for when an input is complete, prints
 * only results and returns 1 when any input ended in an error, so {@code policy repl < script} is a test.
 */
public final class Repl {
    /** Overrides where history is kept (tests point it at a temporary folder). */
    public static final String HISTORY_ENV = "POLICY_REPL_HISTORY";
    static final String PROMPT = "policy> ";
    static final String CONTINUATION = "    ... ";
    private static final String CANCEL_WIDGET = "policy-cancel-input";

    private Repl() {
    }

    /**
     * Runs a session on this process's terminal, or as a script when stdin or stdout is not a terminal (the
     * {@code policy repl} command does the same with its options; this entry needs no CLI on the classpath).
     */
    public static void main(String[] args) throws IOException {
        List<String> load = List.of(args);
        if (System.console() == null) {
            BufferedReader in = new BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            System.exit(script(in, new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8), load));
        }
        try (Terminal terminal = systemTerminal()) {
            System.exit(interactive(terminal, Optional.of(defaultHistoryFile()), load));
        }
    }

    /**
     * The process's terminal. Signals JLine does not handle itself are ignored rather than fatal, so Ctrl-C
     * never ends the session (on a dumb terminal JLine leaves it to the default, which exits).
     */
    public static Terminal systemTerminal() throws IOException {
        Terminal terminal = org.jline.terminal.TerminalBuilder.builder().system(true).nativeSignals(true)
            .signalHandler(Terminal.SignalHandler.SIG_IGN).build();
        if (isDumb(terminal)) {
            // A dumb system terminal hooks no signal: the tty's Ctrl-C would end the JVM. Route it to the terminal.
            org.jline.utils.Signals.register("INT", () -> terminal.raise(Terminal.Signal.INT));
        }
        return terminal;
    }

    private static boolean isDumb(Terminal terminal) {
        return Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }

    /** {@code $POLICY_REPL_HISTORY}, else {@code ~/.policy_repl_history}. */
    public static Path defaultHistoryFile() {
        String env = System.getenv(HISTORY_ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".policy_repl_history");
    }

    /**
     * Runs an interactive session until Ctrl-D or {@code :quit}; returns 0.
     *
     * @param history where to keep history, or empty for none
     * @param load    inputs to load first
     */
    public static int interactive(Terminal terminal, Optional<Path> history, List<String> load) {
        return interactive(terminal, history, load, List.of());
    }

    /** As above, with policy files or folders loaded beside the standard library ({@code --policy}). */
    public static int interactive(Terminal terminal, Optional<Path> history, List<String> load, List<Path> policies) {
        PrintWriter out = terminal.writer();
        ReplSession session = new ReplSession(out);
        session.loadPolicies(policies);
        ReplParser parser = new ReplParser();
        LineReaderBuilder builder = LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("policy")
            .parser(parser)
            .completer(new ReplCompleter(session))
            .highlighter(new ReplHighlighter(parser::isRaw))
            .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .option(LineReader.Option.AUTO_FRESH_LINE, true);
        history.ifPresent(h -> builder.variable(LineReader.HISTORY_FILE, h));
        LineReader reader = builder.build();
        bindKeys(reader, terminal);
        session.lineSource(prompt -> {
            // A pasted input is text, not code: no continuation, no colours, and no history entry per line.
            parser.raw(true);
            reader.variable(LineReader.DISABLE_HISTORY, true);
            try {
                return Optional.of(reader.readLine(prompt));
            } catch (UserInterruptException | EndOfFileException e) {
                Thread.interrupted();
                return Optional.empty();
            } finally {
                parser.raw(false);
                reader.variable(LineReader.DISABLE_HISTORY, false);
            }
        });
        out.println("policy repl: type an expression, a rule or :help. Tab completes; Ctrl-C cancels; Ctrl-D leaves.");
        for (String path : load) handleInterruptibly(session, terminal, ":load " + path);
        out.flush();
        while (true) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException e) {
                // Ctrl-C: what was typed is dropped, the session goes on. The signal interrupts this thread; a
                // flag left set would cancel the next line as soon as it is read.
                Thread.interrupted();
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            if (!handleInterruptibly(session, terminal, line)) break;
        }
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            out.println("warning: cannot save history: " + e.getMessage());
        }
        out.flush();
        return 0;
    }

    /**
     * Handles one input with Ctrl-C bound to stopping it. Between reads the terminal is out of raw mode, so
     * Ctrl-C is the tty's INT signal; JLine hands it to the terminal's handler, which is ours until the input is
     * done, and then the one before (which ignores it, or interrupts the read on a dumb terminal) again.
     */
    private static boolean handleInterruptibly(ReplSession session, Terminal terminal, String input) {
        Cancellation cancellation = Cancellation.create();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> cancellation.cancel());
        try {
            // A Ctrl-C that came after the line was read and before this handler was in place interrupted this
            // thread instead (JLine's handler, or ours on a dumb terminal): it was meant for this input.
            if (Thread.interrupted()) cancellation.cancel();
            return session.handle(input, cancellation);
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    /**
     * Ctrl-C drops the current input even where the terminal does not turn it into a signal, and a dumb
     * terminal (whose key map has no completion or history) still completes with Tab and recalls with
     * Ctrl-P / Ctrl-N.
     */
    private static void bindKeys(LineReader reader, Terminal terminal) {
        reader.getWidgets().put(CANCEL_WIDGET, () -> {
            throw new UserInterruptException(reader.getBuffer().toString());
        });
        KeyMap<Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
        main.bind(new Reference(CANCEL_WIDGET), KeyMap.ctrl('C'));
        main.bind(new Reference(LineReader.COMPLETE_WORD), "\t");
        main.bind(new Reference(LineReader.UP_HISTORY), KeyMap.ctrl('P'));
        main.bind(new Reference(LineReader.DOWN_HISTORY), KeyMap.ctrl('N'));
        if (isDumb(terminal)) {
            // JLine does not act on Ctrl-C on a dumb terminal. Where the terminal is ours (streams), deliver it to
            // the key map; where it is the system's (TERM=dumb), the signal comes anyway: interrupt the read
            // instead of letting it end the process.
            Attributes attributes = terminal.getAttributes();
            attributes.setLocalFlag(Attributes.LocalFlag.ISIG, false);
            terminal.setAttributes(attributes);
            Thread reading = Thread.currentThread();
            terminal.handle(Terminal.Signal.INT, signal -> reading.interrupt());
        }
    }

    /** Runs the inputs of a script; 0 when none ended in an error, else 1. */
    public static int script(BufferedReader in, PrintWriter out, List<String> load) {
        return script(in, out, load, List.of());
    }

    /** As above, with policy files or folders loaded beside the standard library ({@code --policy}). */
    public static int script(BufferedReader in, PrintWriter out, List<String> load, List<Path> policies) {
        ReplSession session = new ReplSession(out);
        session.loadPolicies(policies);
        session.lineSource(prompt -> Optional.ofNullable(readLine(in)));
        for (String path : load) session.handle(":load " + path);
        StringBuilder buffer = new StringBuilder();
        String line;
        while ((line = readLine(in)) != null) {
            if (buffer.isEmpty() && line.isBlank()) continue;
            buffer.append(line);
            if (Completeness.isComplete(buffer.toString())) {
                boolean goOn = session.handle(buffer.toString());
                buffer.setLength(0);
                if (!goOn) break;
            } else {
                buffer.append('\n');
            }
        }
        if (!buffer.isEmpty()) session.handle(buffer.toString()); // incomplete at the end: its error shows
        out.flush();
        return session.errorCount() > 0 ? 1 : 0;
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
