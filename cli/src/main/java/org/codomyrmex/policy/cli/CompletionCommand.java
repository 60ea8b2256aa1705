package org.codomyrmex.policy.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code policy completion bash|zsh}: a completion script for the shell. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a shell completion script for bash or zsh.",
    footerHeading = "%nExamples:%n",
    footer = {"  source <(policy completion bash)                     in ~/.bashrc",
        "  policy completion zsh > \"${fpath[1]}/_policy\"        or: source <(policy completion zsh) in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("policy", spec.root().commandLine());
        switch (shell) {
            case "bash" -> spec.commandLine().getOut().print(script);
            // picocli's script runs in zsh through its bash-completion emulation.
            case "zsh" -> spec.commandLine().getOut().print("#compdef policy\nautoload -U +X compinit && compinit\n"
                + "autoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "no completion for '" + shell + "'; use bash or zsh");
        }
        return 0;
    }
}
