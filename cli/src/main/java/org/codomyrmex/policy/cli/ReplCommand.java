package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.repl.Repl;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code policy repl}: the interactive shell for writing policies (module repl/). */
@Command(name = "repl", mixinStandardHelpOptions = true,
    description = "Write and try policies interactively: load inputs, evaluate expressions, define rules and see their findings.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy repl deploy.yaml            start with an input loaded",
        "  policy repl -p policies/ x.yaml    also load the team's policies (import them, :check runs them)",
        "  policy repl < session.txt          run a script: results only; exit 1 if any input failed",
        "",
        "History is kept in ~/.policy_repl_history, or where --history or $POLICY_REPL_HISTORY says."})
final class ReplCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "0..*", description = "Inputs to load at the start (as :load).")
    List<String> inputs = new ArrayList<>();

    @Option(names = {"-p", "--policy"}, paramLabel = "PATH",
        description = "Also load these policies (a .policy file or a folder); repeatable. Their packages can be imported at the prompt and :check runs their rules.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--history", paramLabel = "FILE", description = "Where to keep the input history.")
    Path history;

    @Option(names = "--no-history", description = "Keep no history.")
    boolean noHistory;

    @Override
    public Integer call() throws IOException {
        boolean interactive = PolicyCommand.Stdin.get() == System.in && System.console() != null;
        if (!interactive) {
            BufferedReader in = new BufferedReader(new InputStreamReader(PolicyCommand.Stdin.get(), StandardCharsets.UTF_8));
            return Repl.script(in, spec.commandLine().getOut(), inputs, policies);
        }
        Optional<Path> file = noHistory ? Optional.empty() : Optional.of(history != null ? history : Repl.defaultHistoryFile());
        try (Terminal terminal = Repl.systemTerminal()) {
            return Repl.interactive(terminal, file, inputs, policies);
        }
    }
}
