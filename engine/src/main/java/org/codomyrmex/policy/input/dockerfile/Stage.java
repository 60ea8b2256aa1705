package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One build stage: {@code FROM base [AS name]} and the instructions up to the next FROM, with the image config
 * in effect at its end (inherited along {@code FROM <stage>} chains).
 *
 * @param baseStage  index of the earlier stage this one builds on, when its base is a stage
 * @param rootImage  the external image at the root of the FROM chain ({@code scratch} included)
 * @param reachable  whether the final stage needs this stage (itself, a base, a COPY --from or mount source)
 */
public record Stage(int index, Optional<String> name, Instruction from, Expanded base, Optional<Expanded> platform,
                    Optional<Integer> baseStage, Expanded rootImage, List<Instruction> instructions,
                    List<Dependency> dependencies, List<ArgDeclaration> args, Config config, Span span,
                    boolean isFinal, boolean reachable) {

    public Stage {
        instructions = List.copyOf(instructions);
        dependencies = List.copyOf(dependencies);
        args = List.copyOf(args);
    }

    /** The name when there is one, else the index: how BuildKit and findings refer to the stage. */
    public String id() {
        return name.orElse(Integer.toString(index));
    }

    /** An edge of the stage graph: FROM, COPY/ADD --from, RUN --mount=from=. */
    public record Dependency(String kind, Expanded reference, Optional<Integer> stage, Span span) {
    }

    /** An ARG declaration, global (before the first FROM) or in a stage. */
    public record ArgDeclaration(Word name, Optional<Word> defaultValue, boolean global, int stage,
                                 Expanded value, boolean predefined, Span span) {
    }

    /** A command as the image runs it: as written, and with SHELL prepended for shell form. */
    public record Command(List<Word> written, boolean json, List<String> effective, Span span) {
        public Command {
            written = List.copyOf(written);
            effective = List.copyOf(effective);
        }
    }

    /** HEALTHCHECK in effect: NONE (disabled), or a command with its options. */
    public record Health(boolean disabled, Optional<Command> test, Map<String, String> options, Span span) {
        public Health {
            options = Map.copyOf(options);
        }
    }

    /** A KEY=value of ENV or LABEL in effect, with the key's and the value's spans. */
    public record Setting(Word key, Expanded value) {
    }

    /**
     * The image config in effect at the end of a stage; what the stage's FROM chain does not set stays empty,
     * since the base image's own config is not known here.
     */
    public record Config(Optional<Expanded> user, Optional<Expanded> workdir, List<Setting> env, List<Expanded> exposed,
                         Optional<Health> healthcheck, Optional<Command> entrypoint, Optional<Command> cmd,
                         List<Setting> labels, Optional<Command> shell, List<Expanded> volumes,
                         Optional<Expanded> stopSignal, List<Instruction> onbuild) {
        public Config {
            env = List.copyOf(env);
            exposed = List.copyOf(exposed);
            labels = List.copyOf(labels);
            volumes = List.copyOf(volumes);
            onbuild = List.copyOf(onbuild);
        }

        public static final Config EMPTY = new Config(Optional.empty(), Optional.empty(), List.of(), List.of(),
            Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(),
            Optional.empty(), List.of());
    }
}
