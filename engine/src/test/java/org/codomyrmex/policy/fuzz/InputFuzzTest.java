package org.codomyrmex.policy.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.input.compose.ComposeLoader;
import org.codomyrmex.policy.input.dockerfile.DockerfileLoader;
import org.codomyrmex.policy.input.json.JsonLoader;
import org.codomyrmex.policy.input.kubernetes.KubernetesLoader;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text inputs on damaged and random files: the Kubernetes and compose loaders (YAML and JSON), compose
 * interpolation, the Dockerfile parser, and the JSON reader. Each loader returns for every input, every problem
 * is a located diagnostic, and the standard library evaluates whatever was read without an internal error.
 */
class InputFuzzTest {
    static final List<String> YAML_TOKENS = List.of(":", ": ", "- ", "-", "? ", "&a ", "*a", "<<: *a\n", "!!python/object:os.system ",
        "!!javax.script.ScriptEngineManager ", "!!binary ", "!Ref ", "|", "|-\n", ">", "'", "\"", "{", "}", "[", "]", ",", "#", "\n",
        "\n  ", "\t", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "~", "null", "yes", "0x1F", "0o17", "1e400",
        "99999999999999999999", ".inf", "\u0000", "\uFEFF", "\uD800", "\u2028", "\\", "${", "$", "}", "${X:?boom}", "${X:-d}",
        "$$", "${X-${Y:-${Z}}}", "containers:\n", "image: ", "securityContext:\n  privileged: true\n", "services:\n", "apiVersion: v1\n",
        "kind: Pod\n", "kind: List\n", "items:\n", "extends:\n", "env_file: ", "profiles: [a]\n");

    static final List<String> DOCKERFILE_TOKENS = List.of("\\\n", "\\", "`", "# escape=`\n", "# syntax=docker/dockerfile:1\n",
        "FROM ", "FROM scratch AS a\n", "RUN ", "RUN <<EOF\n", "<<EOF", "<<-EOT ", "EOF\n", "COPY --from=", "ADD ", "--chown=",
        "--mount=type=secret,id=x ", "ARG ", "ENV ", "USER ", "ONBUILD ", "HEALTHCHECK ", "CMD ", "ENTRYPOINT ", "[\"", "\"]",
        "\"", "'", "${", "$(", "}", ")", "$X", "${X:-y}", "${X:+", "&&", "|", ";", "\n", "\r\n", "\t", " ", "\u0000", "\uFEFF",
        "sudo ", "curl http://x | sh", "chmod 777 ", "EXPOSE 22\n", "EXPOSE 99999999999\n", "VOLUME [", "SHELL [\"x\"]\n");

    static final List<String> JSON_TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "\\", "null", "true",
        "-0", "1e999", "99999999999999999999999", "NaN", "//", "/*", "\u0000", "\uFEFF", "\"a\":", "{\"a\":", "[[[[[[", "\n");

    static final List<String> KUBE = Fuzz.texts(Fuzz.endsWith(".yaml", ".yml", ".json"),
        "engine/src/test/resources/kubernetes", "examples/kubernetes");
    static final List<String> COMPOSE = Fuzz.texts(Fuzz.endsWith(".yaml", ".yml"), "engine/src/test/resources/compose");
    static final List<String> DOCKERFILES = Fuzz.texts(p -> p.getFileName().toString().startsWith("Dockerfile"),
        "engine/src/test/resources/dockerfile");
    static final List<String> JSON = Fuzz.texts(Fuzz.endsWith(".json"), "engine/src/test/resources");

    @Provide
    Arbitrary<String> kubernetes() {
        return Arbitraries.oneOf(Fuzz.mutated(KUBE, YAML_TOKENS), Fuzz.soup(YAML_TOKENS));
    }

    @Provide
    Arbitrary<String> compose() {
        return Arbitraries.oneOf(Fuzz.mutated(COMPOSE, YAML_TOKENS), Fuzz.soup(YAML_TOKENS));
    }

    @Provide
    Arbitrary<String> dockerfiles() {
        return Arbitraries.oneOf(Fuzz.mutated(DOCKERFILES, DOCKERFILE_TOKENS), Fuzz.soup(DOCKERFILE_TOKENS));
    }

    @Provide
    Arbitrary<String> json() {
        return Arbitraries.oneOf(Fuzz.mutated(JSON, JSON_TOKENS), Fuzz.soup(JSON_TOKENS));
    }

    /** A value with interpolation in it, and an environment that sets some of the names it uses. */
    @Provide
    Arbitrary<Map.Entry<String, Map<String, String>>> interpolated() {
        Arbitrary<String> word = Arbitraries.oneOf(Arbitraries.of("$", "$$", "${", "}", "${X}", "$X", "${X:-", "${X-", "${X:?",
                "${X?", "${X:+", "${X+", "${Y:?must be set}", "${X:-${Y:-${Z}}}", ":", "-", "?", "+", "{", "\\", "\"", "'", "_",
                "X", "Y", "Z", "9", " ", "\u0000", "😀"),
            Arbitraries.strings().ofMaxLength(3));
        Arbitrary<String> value = word.list().ofMaxSize(30).map(l -> String.join("", l));
        Arbitrary<Map<String, String>> env = Arbitraries.maps(Arbitraries.of("X", "Y", "Z", "W"),
            Arbitraries.oneOf(Arbitraries.of("", "${X}", "$$", "a"), Arbitraries.strings().ofMaxLength(5))).ofMaxSize(4);
        return Combinators.combine(value, env).as(Map::entry);
    }

    @Property
    void kubernetesManifests(@ForAll("kubernetes") String text) {
        check(() -> new KubernetesLoader().load(InputSource.ofText("fuzz.yaml", text), LoadOptions.defaults()), "fuzz.yaml");
    }

    @Property
    void composeFiles(@ForAll("compose") String text) {
        check(() -> ComposeLoader.loadProject(List.of(InputSource.ofText("compose.yaml", text)), LoadOptions.defaults()), "compose.yaml");
    }

    @Property
    void composeInterpolation(@ForAll("interpolated") Map.Entry<String, Map<String, String>> input) {
        String quoted = "'" + input.getKey().replace("'", "''").replace("\n", " ") + "'";
        String text = "services:\n  app:\n    image: " + quoted + "\n    environment:\n      A: " + quoted
            + "\n    command: [" + quoted + "]\n    labels:\n      " + quoted + ": " + quoted + "\n";
        LoadOptions options = new LoadOptions(32L << 20, 10_000, 200, input.getValue());
        check(() -> ComposeLoader.loadProject(List.of(InputSource.ofText("compose.yaml", text)), options), "compose.yaml");
    }

    @Property
    void dockerfiles(@ForAll("dockerfiles") String text) {
        check(() -> new DockerfileLoader().load(InputSource.ofText("Dockerfile", text), LoadOptions.defaults()), "Dockerfile");
    }

    @Property
    void jsonDocuments(@ForAll("json") String text) {
        JsonLoader.Result r = Fuzz.run("json", () -> JsonLoader.load(new SourceFile("fuzz.json", text), JsonLoader.Options.defaults()));
        Fuzz.assertLocated(r.diagnostics(), Set.of("fuzz.json"));
        check(() -> new KubernetesLoader().load(InputSource.ofText("fuzz.json", text), LoadOptions.defaults()), "fuzz.json");
    }

    static void check(java.util.concurrent.Callable<LoadResult> load, String file) {
        LoadResult loaded = Fuzz.run("load", load);
        Fuzz.run("evaluate", () -> {
            Fuzz.assertLoadsAndEvaluates(loaded, file);
            return null;
        });
    }
}
