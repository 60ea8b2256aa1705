package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.input.InputSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressAndTargetsTest {
    @Test
    void progressDrawsOnlyAfterItsDelayAndErasesItself() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 0);
        p.start(4);
        for (int i = 0; i < 4; i++) p.advance();
        p.finish();
        assertTrue(text.toString().contains("4/4 files"), text.toString());
        assertTrue(text.toString().endsWith("\r\u001b[2K"), text.toString());

        StringWriter quiet = new StringWriter();
        Progress slow = new Progress(new PrintWriter(quiet), Long.MAX_VALUE / 2);
        slow.start(2);
        slow.advance();
        slow.finish();
        assertEquals("", quiet.toString(), "a short scan shows nothing");
        Progress.OFF.start(1);
        Progress.OFF.advance();
        Progress.OFF.finish();
    }

    @Test
    void formatTargetsParseWithAndWithoutFiles() {
        OutputTarget.Converter c = new OutputTarget.Converter();
        assertEquals(new OutputTarget("sarif", Optional.of(Path.of("out/p.sarif"))), c.convert("sarif=out/p.sarif"));
        assertEquals(new OutputTarget("text", Optional.empty()), c.convert("TEXT"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("xml"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("json="));
    }

    @Test
    void composeFilesOfOneFolderAreLoadedTogether() {
        List<InputSource> sources = List.of(
            InputSource.ofPath("a/compose.yaml", Path.of("a/compose.yaml")),
            InputSource.ofPath("a/pod.yaml", Path.of("a/pod.yaml")),
            InputSource.ofPath("a/compose.override.yaml", Path.of("a/compose.override.yaml")),
            InputSource.ofText("-", "x"));
        List<List<InputSource>> groups = org.codomyrmex.policy.input.Inputs.units(sources);
        assertEquals(3, groups.size());
        assertEquals(List.of("a/compose.yaml", "a/compose.override.yaml"), groups.get(0).stream().map(InputSource::name).toList());
    }
}
