package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parser details beyond BuildKit's dump: directives, spans, flags, heredoc edge cases. */
class DockerfileParserTest {

    static DockerfileParser.Result parse(String text) {
        return DockerfileParser.parse(new SourceFile("Dockerfile", text));
    }

    static Span span(int line, int col, int endLine, int endCol) {
        return new Span("Dockerfile", line, col, endLine, endCol);
    }

    @Test
    void directivesOnlyAtTheTop() {
        DockerfileParser.Result r = parse("""
            # syntax=docker/dockerfile:1
            # check=skip=JSONArgsRecommended;error=true
            # escape=`
            FROM alpine
            RUN echo a `
              b
            # escape=\\
            """);
        ParsedDockerfile df = r.dockerfile();
        assertEquals(List.of("syntax", "check", "escape"), df.directives().stream().map(Directive::name).toList());
        assertEquals("skip=JSONArgsRecommended;error=true", df.directives().get(1).value());
        assertEquals('`', df.escape());
        assertEquals("echo a   b", df.instructions().get(1).args().get(0).text());
        assertEquals(span(1, 1, 1, 28), df.directives().get(0).span());

        ParsedDockerfile late = parse("# a comment\n# escape=`\nFROM a\n").dockerfile();
        assertTrue(late.directives().isEmpty(), "a comment ends the directives");
        assertEquals('\\', late.escape());

        List<Diagnostic> dup = parse("# syntax=a\n# syntax=b\nFROM a\n").diagnostics();
        assertEquals("only one syntax parser directive can be used", dup.get(0).message());
        assertEquals(2, dup.get(0).span().line());
    }

    @Test
    void everyPartKeepsItsSpan() {
        DockerfileParser.Result r = parse("""
            from --platform=linux/amd64 alpine:3 as base
            copy --chown=app:app --link \\
                 src/ /dst/
            cmd ["run", "--fast"]
            env A=1 \\
                B="two words"
            """);
        assertEquals(List.of(), r.diagnostics());
        List<Instruction> in = r.dockerfile().instructions();
        assertEquals(List.of("FROM", "COPY", "CMD", "ENV"), in.stream().map(Instruction::name).toList());
        Instruction from = in.get(0);
        assertEquals(span(1, 1, 1, 4), from.keywordSpan());
        assertEquals(span(1, 6, 1, 27), from.flags().get(0).span());
        assertEquals(Optional.of("linux/amd64"), from.flags().get(0).value());
        assertEquals(span(1, 29, 1, 36), from.args().get(0).span());
        assertEquals(span(1, 41, 1, 44), from.args().get(2).span());

        Instruction copy = in.get(1);
        assertEquals(List.of("chown", "link"), copy.flags().stream().map(Flag::name).toList());
        assertEquals(Optional.empty(), copy.flags().get(1).value());
        assertEquals(span(3, 6, 3, 9), copy.args().get(0).span(), "an argument on a continuation line");
        assertEquals(span(2, 1, 3, 15), copy.span());

        Instruction cmd = in.get(2);
        assertTrue(cmd.json());
        assertEquals(span(4, 6, 4, 10), cmd.args().get(0).span());
        assertEquals(span(4, 13, 4, 20), cmd.args().get(1).span());

        Instruction env = in.get(3);
        assertEquals("B", env.pairs().get(1).key().text());
        assertEquals("\"two words\"", env.pairs().get(1).value().text());
        assertEquals(span(6, 7, 6, 17), env.pairs().get(1).value().span());
    }

    @Test
    void heredocEdgeCases() {
        DockerfileParser.Result r = parse("FROM a\nONBUILD RUN <<EOF\necho onbuild\nEOF\nRUN [\"sh\", \"<<EOF\"]\n"
            + "RUN 3<<X cat <&3\r\nbody\r\nX\r\nRUN echo '<<NOT'\n");
        assertEquals(List.of(), r.diagnostics());
        List<Instruction> in = r.dockerfile().instructions();
        Heredoc onbuild = in.get(1).onbuild().orElseThrow().heredocs().get(0);
        assertEquals("echo onbuild\n", onbuild.content());
        assertEquals(3, onbuild.lines().get(0).span().line());
        assertTrue(in.get(2).heredocs().isEmpty(), "exec form has no heredocs");
        Heredoc fd = in.get(3).heredocs().get(0);
        assertEquals(3, fd.fileDescriptor());
        assertEquals("body\r\n", fd.content(), "line endings kept as in BuildKit");
        assertEquals(8, in.get(3).endLine());
        assertTrue(in.get(4).heredocs().isEmpty(), "a quoted << is not a heredoc");
    }

    @Test
    void continuationEdgeCases() {
        DockerfileParser.Result r = parse("FROM a\nRUN echo a \\\n\n  b\nRUN echo c \\ \t\n# comment\n  d\n");
        List<Instruction> in = r.dockerfile().instructions();
        assertEquals("echo a   b", in.get(1).args().get(0).text());
        assertEquals("echo c   d", in.get(2).args().get(0).text(), "escape followed by blanks continues too");
        Diagnostic w = r.diagnostics().get(0);
        assertEquals("I2006", w.code());
        assertFalse(w.isError());
        assertEquals(3, w.span().line());
    }
}
