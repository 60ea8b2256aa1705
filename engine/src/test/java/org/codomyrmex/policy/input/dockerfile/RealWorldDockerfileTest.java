package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.codomyrmex.policy.input.dockerfile.V.at;
import static org.codomyrmex.policy.input.dockerfile.V.bool;
import static org.codomyrmex.policy.input.dockerfile.V.list;
import static org.codomyrmex.policy.input.dockerfile.V.num;
import static org.codomyrmex.policy.input.dockerfile.V.str;
import static org.codomyrmex.policy.input.dockerfile.V.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real Dockerfiles (see dockerfile/realworld/PROVENANCE.md) load without errors into the expected model. */
class RealWorldDockerfileTest {

    static Document load(String name) throws Exception {
        Path p = Path.of(RealWorldDockerfileTest.class.getClassLoader().getResource("dockerfile/realworld/" + name).toURI());
        LoadResult r = new DockerfileLoader().load(InputSource.ofPath(name, p), LoadOptions.defaults());
        assertEquals(List.of(), r.diagnostics().stream().filter(Diagnostic::isError).toList());
        assertEquals(1, r.documents().size());
        Document doc = r.documents().get(0);
        assertEquals(List.of(), SchemaConformance.violations(doc));
        return doc;
    }

    @Test
    void officialNginxImage() throws Exception {
        Document doc = load("nginx-debian/Dockerfile");
        Value c = at(doc.view("containers"), "0");
        assertEquals("debian:bookworm-slim", str(c, "image"));
        assertEquals(List.of("/docker-entrypoint.sh"), strings(c, "command"));
        assertEquals(List.of("nginx", "-g", "daemon off;"), strings(c, "args"));
        assertEquals("SIGQUIT", str(c, "stopSignal"));
        assertEquals(80L, num(c, "ports", "0", "containerPort"));
        assertEquals("1.25.3", str(c, "env", "0", "value"));
        assertEquals("NGINX Docker Maintainers <docker-maint@nginx.com>", str(c, "labels", "maintainer"));
        assertEquals(null, str(c, "user"), "no USER: the base image decides");

        Value run = at(doc.view("runs"), "0");
        assertEquals(14L, num(run, "line"));
        assertEquals(106L, num(run, "endLine"));
        List<String> programs = list(run, "commands").stream().map(x -> str(x, "program")).toList();
        assertTrue(programs.containsAll(List.of("groupadd", "useradd", "apt-get", "gpg1", "ln", "mkdir")), programs.toString());
        Value groupadd = list(run, "commands").stream().filter(x -> "groupadd".equals(str(x, "program"))).findFirst()
            .orElseThrow();
        assertEquals(16, groupadd.span().line(), "a command of a continued RUN points at its own line");
        Value xargs = list(run, "commands").stream().filter(x -> "xargs".equals(str(x, "program"))).findFirst().orElseThrow();
        assertEquals("apt-mark", str(xargs, "pipedFrom"));
    }

    @Test
    void buildkitOwnDockerfile() throws Exception {
        Document doc = load("buildkit/Dockerfile");
        List<Value> stages = list(doc.view("stages"));
        assertEquals(21, stages.size());
        Value fin = doc.view("final");
        assertEquals("buildkit", str(fin, "name"));
        assertEquals(true, bool(fin, "baseUnresolved"), "the final base depends on TARGETOS and BUILDKIT_DEBUG");
        assertEquals("buildkit-$TARGETOS${BUILDKIT_DEBUG:+-debug}", str(fin, "baseImage"));
        Value alpinebase = stages.stream().filter(s -> "alpinebase".equals(str(s, "name"))).findFirst().orElseThrow();
        assertEquals("alpine-$TARGETARCH", str(alpinebase, "baseImage"));
        assertEquals(false, bool(alpinebase, "baseIsStage"));

        Value runc = stages.stream().filter(s -> "runc".equals(str(s, "name"))).findFirst().orElseThrow();
        Value mount = list(runc, "dependencies").stream().filter(d -> "mount".equals(str(d, "kind"))).findFirst()
            .orElseThrow();
        assertEquals("runc-src", str(mount, "ref"));
        assertEquals(str(stages.stream().filter(s -> "runc-src".equals(str(s, "name"))).findFirst().orElseThrow(), "id"),
            str(stages.get(num(mount, "stage").intValue()), "name"));

        Value debug = stages.stream().filter(s -> "buildkit-linux-debug".equals(str(s, "name"))).findFirst().orElseThrow();
        Value copy = list(debug, "instructions").stream().filter(i -> !list(i, "heredocs").isEmpty()).findFirst()
            .orElseThrow();
        assertTrue(str(copy, "heredocs", "0", "content").startsWith("#!/bin/sh\nexec dlv exec /usr/bin/buildkitd \\\\\n"));
        assertEquals("chmod", str(copy, "flags", "1", "name"));
        assertEquals(List.of("/docker-entrypoint.sh"), strings(debug, "config", "entrypoint", "effective"));
        assertEquals(List.of("BUILDKIT_SETUP_CGROUPV2_ROOT", "DELVE_PORT"),
            list(debug, "config", "env").stream().map(e -> str(e, "name")).toList(), "ENV inherited from buildkit-linux");
        assertEquals("5000", str(debug, "config", "env", "1", "value"));

        Value buildctlRun = list(doc.view("runs")).stream()
            .filter(r -> "buildctl".equals(str(r, "stageName")) && !list(r, "heredocs").isEmpty()).findFirst().orElseThrow();
        List<String> programs = list(buildctlRun, "commands").stream().map(x -> str(x, "program")).toList();
        assertEquals(List.of("set", "xx-go", "xx-verify", "if", "then"), programs.subList(0, 5));
        assertEquals(List.of("bind", "cache", "cache", "bind"),
            list(buildctlRun, "mounts").stream().map(m -> str(m, "type")).toList());
        assertEquals("buildkit-version", str(buildctlRun, "mounts", "3", "from"));

        List<Value> args = list(doc.view("args"));
        assertEquals("v1.1.10", str(args.get(0), "value"));
        Value debugArg = args.stream().filter(a -> "BUILDKIT_DEBUG".equals(str(a, "name")) && bool(a, "global"))
            .findFirst().orElseThrow();
        assertEquals(true, bool(debugArg, "unresolved"));
        Value rootless = stages.stream().filter(s -> "rootless".equals(str(s, "name"))).findFirst().orElseThrow();
        assertEquals("1000:1000", str(rootless, "config", "user"));
        assertEquals(false, bool(rootless, "reachable"), "the final stage cannot be resolved, so it needs nothing known");
    }
}
