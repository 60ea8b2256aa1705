package org.codomyrmex.policy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The {@code policy} command. */
@Command(name = "policy", mixinStandardHelpOptions = true, versionProvider = PolicyCommand.Version.class,
    description = "Checks Dockerfiles, compose files, Kubernetes manifests and image metadata against container-security policies.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  policy check examples/                      check every known file under examples/",
        "  policy check deploy.yaml --format json      findings as JSON",
        "  helm template . | policy check -            check rendered Helm output from stdin",
        "  policy check --policy my-rules/ Dockerfile  add your own policies to the standard library",
        "  policy parse compose.yaml                   show the document model with source positions",
        "  policy rules --threat container-escape      list the standard library's rules",
        "",
        "Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, input or policy errors."})
public final class PolicyCommand implements Runnable {
    /**
     * The subcommands, one a line so adding one merges cleanly. picocli reads every option of every subcommand
     * it is given through reflection on annotations, in classes the AppCDS archive cannot hold: a run that names
     * one of them is given only that one (docs/performance.md).
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
        CheckCommand.class,
        ParseCommand.class,
        RulesCommand.class,
        ExplainCommand.class,
        TestCommand.class,
        FmtCommand.class,
        CompletionCommand.class,
        ReplCommand.class,
        ServeCommand.class,
        CommandLine.HelpCommand.class);
    /** Subcommands that read the others: the help of each, and the completion script naming all of them. */
    private static final List<Class<?>> NEED_ALL = List.of(CompletionCommand.class, CommandLine.HelpCommand.class);

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.in));
    }

    /** Runs the command with the given streams; returns the exit code (used by tests too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, InputStream in) {
        CommandLine cli = new CommandLine(new PolicyCommand());
        String named = args.length > 0 ? args[0] : "";
        Optional<Class<?>> alone = SUBCOMMANDS.stream()
            .filter(c -> nameOf(c).equals(named) && !NEED_ALL.contains(c)).findFirst();
        // No command, a misspelt one ("did you mean") or help: all of them.
        for (Class<?> command : alone.map(List::<Class<?>>of).orElse(SUBCOMMANDS)) cli.addSubcommand(nameOf(command), command);
        // Settings reach the subcommands added before them.
        cli.setOut(out);
        cli.setErr(err);
        // The examples in every command's help are up to 100 columns: picocli's 80 broke them mid-sentence. A
        // terminal's own width wins where picocli can read it.
        cli.setUsageHelpWidth(100);
        cli.setUsageHelpAutoWidth(true);
        // A usage error says what is wrong and where the help is; the whole usage text after it buried the message.
        cli.setParameterExceptionHandler((e, given) -> {
            CommandLine wrong = e.getCommandLine();
            wrong.getErr().println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, wrong.getErr());
            wrong.getErr().println("Run '" + wrong.getCommandSpec().qualifiedName() + " --help' for the options.");
            return 2;
        });
        // picocli already exits 2 on usage errors; a bug in a command also gives 2.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A bug must still end with a readable line and exit code 2, not a bare stack trace.
            cmd.getErr().println("policy: internal error: " + e);
            if (System.getenv("POLICY_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 2;
        });
        Stdin.set(in);
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands errors on; this one has a remedy the user can apply, so say it instead of a stack trace.
            out.flush();
            err.println("policy: out of memory (the heap is at most " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MiB): give the JVM more (POLICY_JAVA_OPTS=-Xmx2g ./policy ..., or java -Xmx2g -jar policy.jar ...)"
                + " or lower --max-file-size / --max-documents; output written so far is incomplete");
            code = 2;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = PolicyCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"policy " + version()
                + " (Codomyrmex Container Policy), Java " + System.getProperty("java.version")};
        }
    }

    /** Standard input for {@code -}; replaceable in tests. */
    static final class Stdin {
        private static InputStream stream = System.in;

        static void set(InputStream in) {
            stream = in;
        }

        static InputStream get() {
            return stream;
        }
    }
}
