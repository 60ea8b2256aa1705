package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.codomyrmex.policy.input.dockerfile.V.at;
import static org.codomyrmex.policy.input.dockerfile.V.bool;
import static org.codomyrmex.policy.input.dockerfile.V.list;
import static org.codomyrmex.policy.input.dockerfile.V.num;
import static org.codomyrmex.policy.input.dockerfile.V.str;
import static org.codomyrmex.policy.input.dockerfile.V.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerfileLoaderTest {

    static LoadResult load(String name, String text) {
        return new DockerfileLoader().load(InputSource.ofText(name, text), LoadOptions.defaults());
    }

    static Document only(LoadResult r) {
        assertEquals(1, r.documents().size(), "one document: " + r.diagnostics());
        return r.documents().get(0);
    }

    static List<Diagnostic> errors(LoadResult r) {
        return r.diagnostics().stream().filter(Diagnostic::isError).toList();
    }

    private static final String MULTI_STAGE = """
        ARG BASE=golang:1.22
        FROM --platform=$BUILDPLATFORM ${BASE} AS build
        ARG VERSION=1.0
        ENV CGO_ENABLED=0 APP=/src/app-${VERSION}
        WORKDIR /src
        COPY . .
        RUN --mount=type=cache,target=/root/.cache go build -o /out/app .

        FROM build AS test
        RUN go test ./...

        FROM alpine:3.20
        ARG TARGETARCH
        LABEL org.opencontainers.image.title="app" arch=$TARGETARCH
        COPY --from=build /out/app /usr/local/bin/app
        COPY --from=0 /etc/passwd /etc/passwd
        USER 10001:10001
        EXPOSE 8080 9090/udp
        HEALTHCHECK --interval=30s CMD wget -q -O- http://localhost:8080/health || exit 1
        ENTRYPOINT ["/usr/local/bin/app"]
        CMD ["--port", "8080"]
        """;

    @Test
    void multiStageDockerfileGivesStagesGraphAndFinalImage() {
        LoadResult r = load("app/Dockerfile", MULTI_STAGE);
        assertEquals(List.of(), errors(r));
        Document doc = only(r);
        assertEquals(InputKind.DOCKERFILE, doc.kind());
        assertEquals("Dockerfile", doc.resource().kind());
        assertEquals("Dockerfile", doc.resource().name());
        assertEquals(1, doc.resource().span().line(), "from the global ARG");
        assertEquals(21, doc.resource().span().endLine());
        assertEquals(List.of("build", "test", "2"), doc.parts().stream().map(p -> p.name()).toList());
        assertEquals(List.of("stage", "stage", "stage"), doc.parts().stream().map(p -> p.kind()).toList());
        assertEquals(List.of(), SchemaConformance.violations(doc));

        Value stages = doc.view("stages");
        assertEquals("golang:1.22", str(stages, "0", "baseImage"));
        assertEquals("${BASE}", str(stages, "0", "baseRaw"));
        assertEquals("$BUILDPLATFORM", str(stages, "0", "platform"), "platform stays unresolved");
        assertEquals("/src/app-1.0", str(stages, "0", "config", "env", "1", "value"));
        assertEquals(true, bool(stages, "1", "baseIsStage"));
        assertEquals(0L, num(stages, "1", "baseStage"));
        assertEquals("golang:1.22", str(stages, "1", "rootImage"));
        assertEquals("/src", str(stages, "1", "config", "workdir"), "config is inherited along FROM <stage>");
        assertEquals(false, bool(stages, "1", "reachable"), "the final stage does not need 'test'");
        assertEquals(true, bool(stages, "0", "reachable"));
        assertEquals(false, bool(stages, "0", "isFinal"));
        assertEquals(true, bool(stages, "2", "isFinal"));
        assertEquals(List.of("from", "copy", "copy"),
            list(stages, "2", "dependencies").stream().map(d -> str(d, "kind")).toList());
        assertEquals(0L, num(stages, "2", "dependencies", "1", "stage"));
        assertEquals(0L, num(stages, "2", "dependencies", "2", "stage"));
        assertEquals(12, at(stages, "2").span().line());
        assertEquals(21, at(stages, "2").span().endLine());

        Value fin = doc.view("final");
        assertEquals("2", str(fin, "id"));
        assertNull(str(fin, "name"));
        assertEquals("10001:10001", str(fin, "config", "user"));
        Value user = at(fin, "config", "user");
        assertEquals(new Span("app/Dockerfile", 17, 6, 17, 16), user.span());

        Value c = at(doc.view("containers"), "0");
        assertEquals("alpine:3.20", str(c, "image"));
        assertEquals("stage", str(c, "kind"));
        assertEquals(10001L, num(c, "runAsUser"));
        assertEquals(10001L, num(c, "runAsGroup"));
        assertEquals(8080L, num(c, "ports", "0", "containerPort"));
        assertEquals("TCP", str(c, "ports", "0", "protocol"));
        assertEquals(9090L, num(c, "ports", "1", "containerPort"));
        assertEquals("UDP", str(c, "ports", "1", "protocol"));
        assertEquals(List.of("/usr/local/bin/app"), strings(c, "command"));
        assertEquals(List.of("--port", "8080"), strings(c, "args"));
        assertEquals("app", str(c, "labels", "org.opencontainers.image.title"));
        assertEquals("$TARGETARCH", str(c, "labels", "arch"), "unresolved ARG is kept as written");
        assertEquals(List.of("CMD-SHELL", "wget -q -O- http://localhost:8080/health || exit 1"),
            strings(c, "healthchecks", "0", "test"));
        assertEquals(List.of(), list(c, "env"), "ENV of a build stage is not in the image");

        List<Value> instrs = list(doc.view("instructions"));
        assertEquals(19, instrs.size());
        Value goBuild = instrs.get(6);
        assertEquals("RUN", str(goBuild, "keyword"));
        assertEquals(false, bool(goBuild, "is_final_stage"));
        assertEquals("build", str(goBuild, "stageName"));
        assertEquals("mount", str(goBuild, "flags", "0", "name"));
        Value userInstr = instrs.stream().filter(i -> "USER".equals(str(i, "keyword"))).findFirst().orElseThrow();
        assertEquals(true, bool(userInstr, "is_final_stage"));
        assertEquals("-1", String.valueOf(num(instrs.get(0), "stage")), "the global ARG belongs to no stage");
        assertEquals("2", doc.partAt(userInstr.span()).orElseThrow().name());

        Value label = instrs.stream().filter(i -> "LABEL".equals(str(i, "keyword"))).findFirst().orElseThrow();
        assertEquals(true, bool(label, "unresolved"));
        assertEquals(List.of("TARGETARCH"), strings(label, "unresolvedVars"));

        Value run = at(doc.view("runs"), "0");
        assertEquals("cache", str(run, "mounts", "0", "type"));
        assertEquals("/root/.cache", str(run, "mounts", "0", "target"));
        assertEquals("go", str(run, "commands", "0", "program"));

        List<Value> args = list(doc.view("args"));
        assertEquals(List.of("BASE", "VERSION", "TARGETARCH"), args.stream().map(a -> str(a, "name")).toList());
        assertEquals(true, bool(args.get(0), "global"));
        assertEquals(true, bool(args.get(2), "predefined"));
        assertEquals(true, bool(args.get(2), "unresolved"));
        assertEquals("1.0", str(args.get(1), "value"));
    }

    @Test
    void heredocsFromTheDockerfileReference() throws Exception {
        String text = new String(getClass().getResourceAsStream("/dockerfile/heredoc/Dockerfile").readAllBytes(),
            StandardCharsets.UTF_8);
        LoadResult r = load("Dockerfile", text);
        assertEquals(List.of(), errors(r));
        Document doc = only(r);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        List<Value> in = list(doc.view("instructions"));

        Value bash = in.get(1);
        assertEquals("RUN", str(bash, "keyword"));
        assertEquals("EOT", str(bash, "heredocs", "0", "name"));
        assertEquals("  set -ex\n  apt-get update\n  apt-get install -y vim\n", str(bash, "heredocs", "0", "content"));
        assertEquals(4, at(bash, "heredocs", "0", "lines", "0").span().line());
        assertEquals(6, at(bash, "heredocs", "0", "lines", "2").span().line());
        assertEquals(3L, num(bash, "line"));
        assertEquals(7L, num(bash, "endLine"));

        List<Value> runs = list(doc.view("runs"));
        assertEquals(List.of("set", "apt-get", "apt-get"),
            list(runs.get(0), "commands").stream().filter(c -> bool(c, "fromHeredoc")).map(c -> str(c, "program")).toList());
        Value aptLine = list(runs.get(0), "commands").stream().filter(c -> "apt-get update".equals(str(c, "text")))
            .findFirst().orElseThrow();
        assertEquals(5, aptLine.span().line(), "a command read from a heredoc points at its own line");
        assertEquals(List.of("mkdir"), list(runs.get(1), "commands").stream().map(c -> str(c, "program")).toList());
        assertEquals(List.of("python3"), list(runs.get(2), "commands").stream().map(c -> str(c, "program")).toList(),
            "a python heredoc is not split as shell");

        Value two = in.get(4);
        assertEquals(List.of("FILE1", "FILE2"), list(two, "heredocs").stream().map(h -> str(h, "name")).toList());
        assertEquals("I am\nfirst\n", str(two, "heredocs", "0", "content"));
        assertEquals("I am\nsecond\n", str(two, "heredocs", "1", "content"));
        assertEquals(22L, num(two, "endLine"));

        Value chomped = in.get(7);
        assertEquals("COPY", str(chomped, "keyword"));
        assertEquals(true, bool(chomped, "heredocs", "0", "chomp"));
        assertEquals(true, bool(chomped, "heredocs", "0", "expand"));
        assertEquals("echo \"hello ${FOO}\"\n", str(chomped, "heredocs", "0", "content"));
        assertEquals(true, bool(chomped, "heredocs", "0", "terminated"), "<<- also strips tabs before the terminator");
        Value quoted = in.get(8);
        assertEquals(false, bool(quoted, "heredocs", "0", "expand"), "a quoted terminator means no expansion");
        assertEquals("EOT", str(quoted, "heredocs", "0", "name"));
        Value files = in.get(9);
        assertEquals(List.of("robots.txt", "humans.txt"), list(files, "heredocs").stream().map(h -> str(h, "name")).toList());
        assertEquals("(humans content)\n", str(files, "heredocs", "1", "content"));

        Value script = runs.get(4);
        Value curl = list(script, "commands").stream().filter(c -> "curl".equals(str(c, "program"))).findFirst().orElseThrow();
        assertEquals("sh", str(curl, "pipesTo"));
        assertEquals(39, curl.span().line());
        Value sh = list(script, "commands").stream().filter(c -> "sh".equals(str(c, "program"))).findFirst().orElseThrow();
        assertEquals("curl", str(sh, "pipedFrom"));

        Value c = at(doc.view("containers"), "0");
        assertEquals(List.of("/bin/sh", "-c", "ash /script.sh"), strings(c, "command"));

        Document onbuild = only(load("Dockerfile", "FROM a\nONBUILD COPY --from=b $X /y\n"));
        Value trigger = at(onbuild.view("instructions"), "1", "onbuild");
        assertEquals("COPY", str(trigger, "keyword"));
        assertEquals(List.of("$X", "/y"), strings(trigger, "expanded"), "a trigger is shown as written");
        assertEquals("b", str(trigger, "flags", "0", "value"));
        assertEquals(List.of(), SchemaConformance.violations(onbuild));
    }

    @Test
    void badInputGivesLocatedDiagnosticsNeverExceptions() {
        record Case(String text, String code, int line, int column, boolean document) {
        }
        List<Case> cases = List.of(
            new Case("", "I2001", 1, 1, false),
            new Case("# only\n# comments\n", "I2001", 3, 1, false),
            new Case("FROM alpine\nRUN <<EOF\necho hi\n", "I2003", 2, 5, true),
            new Case("FROM alpine\nENV A=\"unterminated\n", "I2010", 2, 7, true),
            new Case("FROM alpine\nRUNN echo\n", "I2002", 2, 1, true),
            new Case("FROM alpine\nCOPY --from=1 a b\n", "I2015", 2, 6, true),
            new Case("RUN x\nFROM alpine\n", "I2011", 1, 1, true),
            new Case("FROM alpine\nHEALTHCHECK CONNECT TCP 7000\n", "I2014", 2, 13, true),
            new Case("FROM alpine\nENV PATH\n", "I2004", 2, 1, true),
            new Case("# escape=x\nFROM alpine\n", "I2005", 1, 1, true));
        for (Case k : cases) {
            LoadResult r = load("Dockerfile", k.text());
            Diagnostic d = r.diagnostics().stream().filter(x -> x.code().equals(k.code())).findFirst()
                .orElseThrow(() -> new AssertionError(k.text() + ": no " + k.code() + " in " + r.diagnostics()));
            assertEquals(k.line(), d.span().line(), k.text() + ": " + d.headline());
            assertEquals(k.column(), d.span().column(), k.text() + ": " + d.headline());
            assertEquals("Dockerfile", d.span().file());
            assertEquals(k.document(), !r.documents().isEmpty(), k.text());
            for (Document doc : r.documents()) assertEquals(List.of(), SchemaConformance.violations(doc), k.text());
        }
        Diagnostic unknown = errors(load("Dockerfile", "FROM alpine\nRUNN echo\n")).get(0);
        assertEquals(Optional.of("did you mean RUN?"), unknown.hint());

        LoadResult json = load("Dockerfile", "FROM alpine\nCMD [\"a\", \"b\"\n");
        assertEquals(List.of(), errors(json));
        assertEquals("I2007", json.diagnostics().get(0).code());
        assertEquals(List.of("/bin/sh", "-c", "[\"a\", \"b\""), strings(only(json).view("containers"), "0", "args"));

        LoadResult heredoc = load("Dockerfile", "FROM alpine\nRUN <<EOF\necho hi\n");
        assertEquals(false, bool(only(heredoc).view("runs"), "0", "heredocs", "0", "terminated"));
        assertEquals("echo hi\n", str(only(heredoc).view("runs"), "0", "heredocs", "0", "content"));
    }

    @Test
    void binaryAndInvalidUtf8AreReportedWhereTheyAre() {
        byte[] nul = "FROM alpine\nRUN a\u0000b\n".getBytes(StandardCharsets.UTF_8);
        LoadResult r = new DockerfileLoader().load(InputSource.ofBytes("bin", nul), LoadOptions.defaults());
        assertTrue(r.documents().isEmpty());
        assertEquals("I2008", r.diagnostics().get(0).code());
        assertEquals(new Span("bin", 2, 6, 2, 6), r.diagnostics().get(0).span());

        byte[] bad = {'F', 'R', 'O', 'M', ' ', 'a', '\n', 'U', 'S', 'E', 'R', ' ', (byte) 0xC3, (byte) 0x28, '\n'};
        LoadResult u = new DockerfileLoader().load(InputSource.ofBytes("utf", bad), LoadOptions.defaults());
        Diagnostic d = u.diagnostics().get(0);
        assertEquals("I2009", d.code());
        assertEquals(2, d.span().line());
        assertEquals(6, d.span().column());
        assertEquals(1, u.documents().size(), "what could be read is still returned");
        assertEquals("\uFFFD(", str(u.documents().get(0).view("final"), "config", "user"));

        LoadResult big = new DockerfileLoader().load(InputSource.ofText("big", "FROM a\n"),
            new LoadOptions(3, 10, 10, java.util.Map.of()));
        assertEquals("I2021", big.diagnostics().get(0).code());
        assertTrue(big.documents().isEmpty());
    }
}
