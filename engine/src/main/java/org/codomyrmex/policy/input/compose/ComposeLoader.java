package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputLoader;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.InputKind;

import java.util.List;

/**
 * Reads Compose Specification files (docker-compose.yml, compose.yaml) into one document per project.
 *
 * <p>A project is one file ({@link #load}) or several merged in order, as {@code docker compose -f base.yml
 * -f override.yml} does ({@link #loadProject}). Variables are interpolated from {@link LoadOptions#environment()}
 * overlaid on the {@code .env} file beside the first compose file (the environment wins, as in Compose);
 * {@code extends} is resolved within each file before files are merged; {@code env_file} files are read relative
 * to the compose file that names them. An {@code include} entry is read as a model of its own, with its own
 * project directory and env files (see {@code ComposeProjectReader#withIncludes}).
 *
 * <p>Views ({@code input compose} in {@code compose.schema}): {@code project}, {@code services},
 * {@code networks}, {@code volumes}, {@code secrets}, {@code configs} and {@code containers} (the unified
 * {@code Container} view, one per service). Every service is in the views, also those whose profiles are not
 * enabled: their {@code active} field is false, so a rule chooses whether to skip them.
 */
public final class ComposeLoader implements InputLoader {

    @Override
    public InputKind kind() {
        return InputKind.COMPOSE;
    }

    @Override
    public LoadResult load(InputSource source, LoadOptions options) {
        return loadProject(List.of(source), options);
    }

    /** Loads several compose files as one project, later files overriding earlier ones. */
    public static LoadResult loadProject(List<InputSource> files, LoadOptions options) {
        try {
            return new ComposeProjectReader(options).read(files);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours must not end the run: the project is reported as unread, at its first file.
            String name = files.isEmpty() ? "" : files.get(0).name();
            return LoadResult.failed(Diagnostic.error("I3099", "internal error while reading the compose project: "
                + e.getClass().getSimpleName(), Span.of(name, 1, 1), "please report this with the compose file"));
        }
    }
}
