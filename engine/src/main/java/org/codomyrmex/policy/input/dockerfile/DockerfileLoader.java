package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputLoader;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a Dockerfile as one document: the Dockerfile as resource, its stages as parts, and the views of
 * {@code dockerfile.schema}. Never throws: unreadable, binary or malformed input gives located diagnostics, and
 * whatever could be read is still returned.
 */
public final class DockerfileLoader implements InputLoader {

    @Override
    public InputKind kind() {
        return InputKind.DOCKERFILE;
    }

    @Override
    public LoadResult load(InputSource source, LoadOptions options) {
        Span fileStart = Span.of(source.name(), 1, 1);
        try {
            byte[] bytes;
            try {
                bytes = source.content().read();
            } catch (IOException e) {
                return LoadResult.failed(Diagnostic.error("I2020", "cannot read the Dockerfile: " + e.getMessage(), fileStart));
            }
            if (bytes.length > options.maxFileBytes()) {
                return LoadResult.failed(Diagnostic.error("I2021", "the Dockerfile is larger than the limit of "
                    + options.maxFileBytes() + " bytes", fileStart));
            }
            List<Diagnostic> diagnostics = new ArrayList<>();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    return LoadResult.failed(Diagnostic.error("I2008", "binary content (a NUL byte): not a Dockerfile",
                        position(source.name(), bytes, i)));
                }
            }
            String text = decode(source.name(), bytes, diagnostics);
            SourceFile file = new SourceFile(source.name(), text);
            DockerfileParser.Result parsed = DockerfileParser.parse(file);
            diagnostics.addAll(parsed.diagnostics());
            if (parsed.dockerfile().instructions().isEmpty()) return new LoadResult(List.of(), diagnostics);
            StageGraph.Result graph = StageGraph.build(parsed.dockerfile(), options.buildArgs(), options.buildTarget());
            diagnostics.addAll(graph.diagnostics());
            return new LoadResult(List.of(document(file, parsed.dockerfile(), graph)), diagnostics);
        } catch (RuntimeException e) {
            // A bug of ours must not end the run: report it at the file, like any other problem.
            return LoadResult.failed(Diagnostic.error("I2099", "internal error while reading the Dockerfile: " + e,
                fileStart));
        }
    }

    static Document document(SourceFile file, ParsedDockerfile df, StageGraph.Result graph) {
        DockerfileViews views = new DockerfileViews(df, graph);
        String shortName = file.name().substring(Math.max(file.name().lastIndexOf('/'), file.name().lastIndexOf('\\')) + 1);
        Resource resource = new Resource(InputKind.DOCKERFILE, "Dockerfile", "", shortName, df.span());
        List<Resource> parts = new ArrayList<>();
        for (Stage s : graph.stages()) parts.add(new Resource(InputKind.DOCKERFILE, "stage", "", s.id(), s.span()));
        Value root = views.view("dockerfile");
        return new Document(InputKind.DOCKERFILE, file, root, resource, parts, views::view);
    }

    /** Decodes UTF-8; invalid bytes become U+FFFD and the first one is reported where it is. */
    private static String decode(String name, byte[] bytes, List<Diagnostic> diagnostics) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            diagnostics.add(Diagnostic.error("I2009", "invalid UTF-8 (byte 0x"
                + String.format("%02x", bytes[in.position()] & 0xff) + "); read with replacement characters",
                position(name, bytes, in.position()), "save the Dockerfile as UTF-8"));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The line and column of byte {@code index}, counting characters of the valid UTF-8 before it. */
    private static Span position(String name, byte[] bytes, int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String before = new String(bytes, lineStart, index - lineStart, StandardCharsets.UTF_8);
        return Span.of(name, line, before.length() + 1);
    }
}
