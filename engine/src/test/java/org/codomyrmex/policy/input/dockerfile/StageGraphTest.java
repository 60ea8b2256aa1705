package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ARG/ENV substitution and stage semantics, checked against what BuildKit does. */
class StageGraphTest {

    static StageGraph.Result graph(String text, Map<String, String> buildArgs, Optional<String> target) {
        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", text));
        assertEquals(List.of(), p.diagnostics().stream().filter(Diagnostic::isError).toList());
        return StageGraph.build(p.dockerfile(), buildArgs, target);
    }

    static StageGraph.Result graph(String text) {
        return graph(text, Map.of(), Optional.empty());
    }

    static String env(Stage s, String name) {
        return s.config().env().stream().filter(e -> e.key().text().equals(name)).findFirst().orElseThrow().value().value();
    }

    static Expanded envEntry(Stage s, String name) {
        return s.config().env().stream().filter(e -> e.key().text().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void substitutionFollowsBuildkitShellRules() {
        Stage s = graph("""
            ARG A=1
            FROM img:$A
            ARG A
            ARG B=${A:-x}-${C:-y}
            ENV E='$A' F="$A" G=\\$A H=${UNSET:+z} I=${A:+set} J=${A-d} K=${A#1} L="a b"
            ENV M=$F N=${F}x
            """).stages().get(0);
        assertEquals("img:1", s.base().value());
        assertEquals("1-${C:-y}", s.args().get(1).value().value());
        assertEquals(Set.of("C"), s.args().get(1).value().unresolved());
        assertEquals("$A", env(s, "E"), "no expansion inside single quotes");
        assertEquals("1", env(s, "F"));
        assertEquals("$A", env(s, "G"), "an escaped dollar stays");
        assertEquals("${UNSET:+z}", env(s, "H"));
        assertFalse(envEntry(s, "H").isResolved());
        assertEquals("set", env(s, "I"));
        assertEquals("1", env(s, "J"));
        assertEquals("", env(s, "K"));
        assertEquals("a b", env(s, "L"));
        assertEquals("1", env(s, "M"), "ENV values see earlier ENV instructions");
        assertEquals("1x", env(s, "N"));
    }

    @Test
    void flagsBuildkitDoesNotAcceptAreLocatedErrors() {
        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", """
            FROM --platform=linux/amd64 alpine
            RUN --bogus=1 echo
            COPY --link --link=false a b
            ENV --x=1 A=b
            COPY --from a b
            ADD --link=maybe a b
            RUN --mount=type=cache,target=/a --mount=type=tmpfs,target=/b --network=none echo
            COPY --from=x --chown=1 --chmod=644 --link --parents --exclude=a --exclude=b a b
            HEALTHCHECK --interval=5s NONE
            HEALTHCHECK --retries=3 --bogus CMD true
            ONBUILD RUN --whatever x
            """));
        StageGraph.Result g = StageGraph.build(p.dockerfile(), Map.of(), Optional.empty());
        List<String> errors = g.diagnostics().stream().filter(d -> d.code().equals("I2016"))
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.message()).toList();
        assertEquals(List.of(
            "2:5 unknown flag --bogus for RUN (it takes --device, --mount, --network, --security)",
            "3:13 duplicate flag specified: --link",
            "4:5 unknown flag --x for ENV (it takes no flags)",
            "5:6 missing a value on flag: --from",
            "6:5 expecting boolean value for flag --link, not: maybe",
            "10:25 unknown flag --bogus for HEALTHCHECK (it takes --interval, --retries, --start-interval, "
                + "--start-period, --timeout)"), errors);
    }

    @Test
    void healthcheckDurationsAndRetriesAreCheckedAsBuildkitChecksThem() {
        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", """
            FROM alpine
            HEALTHCHECK --interval=abc CMD true
            HEALTHCHECK --timeout=5 CMD true
            HEALTHCHECK --start-period=-1s CMD true
            HEALTHCHECK --start-interval=500us CMD true
            HEALTHCHECK --retries=x CMD true
            HEALTHCHECK --retries=-1 CMD true
            HEALTHCHECK --interval=5x CMD true
            HEALTHCHECK --interval=1m30s --timeout=0 --start-period=1.5h --start-interval=.5s --retries=0 CMD true
            HEALTHCHECK --interval=0s --timeout=1ms CMD true
            """));
        StageGraph.Result g = StageGraph.build(p.dockerfile(), Map.of(), Optional.empty());
        List<String> errors = g.diagnostics().stream().filter(Diagnostic::isError)
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.message()).toList();
        assertEquals(List.of(
            "2:13 time: invalid duration \"abc\"",
            "3:13 time: missing unit in duration \"5\"",
            "4:13 Interval \"start-period\" cannot be less than 1ms",
            "5:13 Interval \"start-interval\" cannot be less than 1ms",
            "6:13 strconv.ParseInt: parsing \"x\": invalid syntax or out of range",
            "7:13 --retries cannot be negative (-1)",
            "8:13 time: unknown unit \"x\" in duration \"5x\""), errors);
    }

    @Test
    void copyFromMayNameALaterStageAsInBuildkitAndOnlyACircleIsAnError() {
        StageGraph.Result g = graph("""
            FROM alpine AS first
            COPY --from=Later /a /b
            COPY --from=2 /a /b
            FROM alpine AS later
            FROM alpine
            COPY --from=later /a /b
            """);
        assertEquals(List.of(), g.diagnostics().stream().filter(Diagnostic::isError).toList());
        List<Stage.Dependency> deps = g.stages().get(0).dependencies();
        assertEquals(List.of(Optional.empty(), Optional.of(1), Optional.of(2)),
            deps.stream().map(Stage.Dependency::stage).toList(), "from alpine, then stages 1 and 2, not images");

        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", """
            FROM busybox AS stage0
            COPY --from=stage2 f1 /sub/
            FROM busybox AS stage1
            COPY --from=stage0 f2 /sub/
            FROM busybox AS stage2
            COPY --from=stage1 f2 /sub/
            FROM busybox
            COPY --from=3 f /
            COPY --from=9 f /
            """));
        List<String> errors = StageGraph.build(p.dockerfile(), Map.of(), Optional.empty()).diagnostics().stream()
            .filter(Diagnostic::isError).map(d -> d.span().line() + ":" + d.span().column() + " " + d.message())
            .toList();
        assertEquals(List.of("9:6 invalid stage index 9: the file has 4 stages, numbered from 0",
            "4:6 circular dependency detected on stage: stage0"), errors);

        StageGraph.Result mounts = graph("""
            FROM alpine AS build
            FROM alpine
            RUN --mount=from=0,target=/a --mount=from=build,target=/b --mount=from=7,target=/c true
            """);
        assertEquals(List.of(), mounts.diagnostics().stream().filter(Diagnostic::isError).toList());
        assertEquals(List.of(Optional.empty(), Optional.empty(), Optional.of(0), Optional.empty()),
            mounts.stages().get(1).dependencies().stream().map(Stage.Dependency::stage).toList(),
            "a mount's from= names a stage by name only; 0 and 7 are images");
    }

    @Test
    void emptyEnvAndLabelAreErrorsAndArgumentsThatCouldNotBeReadAreNotCalledMissing() {
        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", """
            FROM alpine
            ENV
            LABEL
            RUN ["a", 1]
            ENV =x
            USER
            """));
        List<String> errors = new java.util.ArrayList<>();
        p.diagnostics().stream().filter(Diagnostic::isError).forEach(d -> errors.add(d.span().line() + " " + d.message()));
        StageGraph.build(p.dockerfile(), Map.of(), Optional.empty()).diagnostics().stream().filter(Diagnostic::isError)
            .forEach(d -> errors.add(d.span().line() + " " + d.message()));
        assertEquals(List.of("4 when using JSON array syntax, arrays must be comprised of strings only",
            "5 ENV names can not be blank", "2 ENV requires at least one argument",
            "3 LABEL requires at least one argument", "6 USER requires an argument"), errors);
    }

    @Test
    void exposeValuesBuildkitCannotReadAreLocatedErrors() {
        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", """
            FROM alpine
            ARG P=99999
            EXPOSE 80 443/UDP 8000-8010/tcp 53/sctp 127.0.0.1:8080:80 ${X}
            EXPOSE abc 80/xyz
            EXPOSE 9000-8000 $P
            """));
        StageGraph.Result g = StageGraph.build(p.dockerfile(), Map.of(), Optional.empty());
        List<String> errors = g.diagnostics().stream().filter(Diagnostic::isError)
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.message()).toList();
        assertEquals(List.of(
            "4:8 invalid container port abc in EXPOSE abc: a port is a number from 0 to 65535",
            "4:12 invalid protocol xyz in EXPOSE 80/xyz: use tcp, udp or sctp",
            "5:8 invalid range 9000-8000 in EXPOSE 9000-8000: it ends before it starts"), errors);
        assertEquals(List.of("80", "443/UDP", "8000-8010/tcp", "53/sctp", "127.0.0.1:8080:80", "${X}", "abc", "80/xyz",
                "9000-8000", "99999"),
            g.stages().get(0).config().exposed().stream().map(Expanded::value).toList());
    }

    @Test
    void aTargetIsAStageNameNotANumberAsForDockerBuild() {
        String df = """
            FROM alpine AS build
            FROM alpine
            """;
        assertEquals(Optional.of(0), graph(df, Map.of(), Optional.of("BUILD")).finalStage());
        StageGraph.Result byNumber = graph(df, Map.of(), Optional.of("0"));
        assertEquals(Optional.of(1), byNumber.finalStage());
        assertEquals(List.of("I2012"), byNumber.diagnostics().stream().map(Diagnostic::code).toList());
    }

    @Test
    void aColonBeforeHashOrPercentChangesNothingAsInBuildkit() {
        Stage s = graph("""
            FROM alpine
            ARG V=abcabc
            ENV P=${V:#a} Q=${V:%%c*} R=${V:##*b}
            """).stages().get(0);
        assertEquals("bcabc", env(s, "P"));
        assertEquals("ab", env(s, "Q"));
        assertEquals("c", env(s, "R"));
    }

    @Test
    void onbuildRefusesTheTriggersBuildkitRefuses() {
        DockerfileParser.Result p = DockerfileParser.parse(new SourceFile("Dockerfile", """
            FROM alpine
            ONBUILD ONBUILD RUN x
            ONBUILD FROM x
            onbuild maintainer me
            ONBUILD RUN ok
            """));
        StageGraph.Result g = StageGraph.build(p.dockerfile(), Map.of(), Optional.empty());
        List<String> errors = g.diagnostics().stream().filter(Diagnostic::isError)
            .map(d -> d.span().line() + ":" + d.span().column() + " " + d.message()).toList();
        assertEquals(List.of("2:9 Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            "3:9 FROM isn't allowed as an ONBUILD trigger", "4:9 MAINTAINER isn't allowed as an ONBUILD trigger"), errors);
        assertEquals(List.of("RUN"), g.stages().get(0).config().onbuild().stream().map(Instruction::name).toList());
    }

    @Test
    void anEnvWhoseValueIsNotKnownStillShadowsTheArgOfTheSameName() {
        // BuildKit: an ENV always overrides an ARG of the same name; here the ENV's value depends on Y, unknown.
        Stage s = graph("""
            FROM alpine
            ARG X=1
            ENV X=${Y}
            USER $X
            """).stages().get(0);
        Expanded user = s.config().user().orElseThrow();
        assertFalse(user.isResolved(), "USER $X must not read the ARG's 1: " + user.value());
        assertEquals("$X", user.value());
    }

    @Test
    void globalArgsMustBeRedeclaredAndEnvValuesOfOneInstructionSeeTheOldEnvironment() {
        StageGraph.Result g = graph("""
            ARG V=3.20
            FROM alpine:${V}
            ENV X=$V
            FROM alpine
            ARG V
            ENV A=1 B=$A Y=$V
            """);
        Expanded x = envEntry(g.stages().get(0), "X");
        assertEquals("$V", x.value(), "a global ARG is not visible in a stage until re-declared");
        assertEquals(Set.of("V"), x.unresolved());
        assertEquals("3.20", env(g.stages().get(1), "Y"));
        assertEquals("$A", env(g.stages().get(1), "B"), "all pairs of one ENV are expanded against the previous env");
    }

    @Test
    void buildArgsAndPredefinedArgs() {
        String df = """
            ARG TAG=1
            FROM --platform=$BUILDPLATFORM base:$TAG AS b
            ARG TARGETARCH
            ARG GIVEN
            ENV ARCH=$TARGETARCH G=$GIVEN
            """;
        Stage unresolved = graph(df).stages().get(0);
        assertEquals("$BUILDPLATFORM", unresolved.platform().orElseThrow().value());
        assertEquals(Set.of("BUILDPLATFORM"), unresolved.platform().orElseThrow().unresolved());
        assertEquals("$TARGETARCH", env(unresolved, "ARCH"));
        assertTrue(unresolved.args().get(0).predefined());

        Stage given = graph(df, Map.of("TARGETARCH", "arm64", "GIVEN", "x", "TAG", "2", "BUILDPLATFORM", "linux/amd64"),
            Optional.empty()).stages().get(0);
        assertEquals("arm64", env(given, "ARCH"));
        assertEquals("x", env(given, "G"));
        assertEquals("base:2", given.base().value());
        assertEquals("linux/amd64", given.platform().orElseThrow().value());
    }

    @Test
    void effectiveConfigIsInheritedAlongStageChains() {
        StageGraph.Result g = graph("""
            FROM debian AS base
            USER app
            WORKDIR /srv
            WORKDIR data
            CMD ["serve"]
            SHELL ["/bin/bash", "-c"]
            LABEL a=1
            ONBUILD RUN echo hi
            FROM base AS mid
            ENTRYPOINT run.sh
            FROM mid
            HEALTHCHECK NONE
            EXPOSE 80/tcp 53/udp
            """);
        Stage last = g.stages().get(2);
        assertTrue(last.isFinal());
        assertEquals("app", last.config().user().orElseThrow().value());
        assertEquals("/srv/data", last.config().workdir().orElseThrow().value());
        assertEquals(List.of("/bin/bash", "-c", "run.sh"), last.config().entrypoint().orElseThrow().effective());
        assertTrue(last.config().cmd().isEmpty(), "ENTRYPOINT resets the CMD inherited from the base stage");
        assertTrue(last.config().healthcheck().orElseThrow().disabled());
        assertEquals(List.of("80/tcp", "53/udp"), last.config().exposed().stream().map(Expanded::value).toList());
        assertEquals("debian", last.rootImage().value());
        assertEquals(Optional.of(1), last.baseStage());
        assertEquals(1, g.stages().get(0).config().onbuild().size());
        assertTrue(g.stages().get(2).config().onbuild().isEmpty(), "ONBUILD triggers are not passed on");
        assertEquals(List.of(true, true, true), g.stages().stream().map(Stage::reachable).toList());
    }

    @Test
    void stageGraphAndTarget() {
        String df = """
            FROM golang AS build
            FROM build AS test
            RUN --mount=type=bind,from=build,source=/out,target=/in true
            FROM scratch
            COPY --from=build /app /app
            COPY --from=nginx:1.27 /etc/nginx /etc/nginx
            """;
        StageGraph.Result g = graph(df);
        Stage fin = g.finalStageOf().orElseThrow();
        assertEquals(2, fin.index());
        assertEquals(List.of(Optional.empty(), Optional.of(0), Optional.empty()),
            fin.dependencies().stream().map(Stage.Dependency::stage).toList());
        assertEquals("nginx:1.27", fin.dependencies().get(2).reference().value());
        assertFalse(g.stages().get(1).reachable());
        assertEquals(Optional.of(0), g.stages().get(1).dependencies().get(1).stage());
        assertEquals("mount", g.stages().get(1).dependencies().get(1).kind());

        StageGraph.Result t = graph(df, Map.of(), Optional.of("test"));
        assertEquals(Optional.of(1), t.finalStage());
        assertTrue(t.stages().get(1).isFinal());
        assertFalse(t.stages().get(2).isFinal());
    }

    @Test
    void lexerErrorsAndEscapes() throws Exception {
        ShellLexer lex = new ShellLexer('\\');
        ShellLexer.Env env = n -> n.equals("X") ? Optional.of("v") : Optional.empty();
        assertEquals("a v \"q\"", lex.processWord("a $X \\\"q\\\"", env).text());
        assertEquals(List.of("a", "v w", "x"), lex.processWords("a \"$X w\" x", env).words());
        assertEquals("v", lex.processWord("${X%%/*}", env).text());
        assertEquals("abc", new ShellLexer('`').processWord("a`bc", env).text(), "the escape directive changes the escape");
        assertThrows(ShellLexer.ShellException.class, () -> lex.processWord("${X", env));
        assertThrows(ShellLexer.ShellException.class, () -> lex.processWord("'open", env));
        assertThrows(ShellLexer.ShellException.class, () -> lex.processWord("${}", env));
    }

    /** BuildKit's patterns have no bracket expressions; before, "[z-a]" reached the regex compiler and threw. */
    @Test
    void substitutionPatternsAreReadAsBuildkitReadsThem() throws Exception {
        ShellLexer lex = new ShellLexer('\\');
        ShellLexer.Env env = n -> n.equals("V") ? Optional.of("[z-a]b*c.d/e}f") : Optional.empty();
        assertEquals("b*c.d/e}f", lex.processWord("${V#[z-a]}", env).text(), "brackets stand for themselves");
        assertEquals("-a]b*c.d/e}f", lex.processWord("${V#?z}", env).text());
        assertEquals("c.d/e}f", lex.processWord("${V#*\\*}", env).text(), "an escaped star is a star");
        assertEquals("[z-a]b*c.d/e", lex.processWord("${V%\\}f}", env).text(), "the escape of } is not the pattern's");
        assertEquals("[z-a]b*c.d-e}f", lex.processWord("${V/\\//-}", env).text());
        ShellLexer.ShellException e = assertThrows(ShellLexer.ShellException.class, () -> lex.processWord("${V#\\[}", env));
        assertEquals("invalid pattern (\\[) in substitution: invalid escape '\\['", e.getMessage());
    }
}
