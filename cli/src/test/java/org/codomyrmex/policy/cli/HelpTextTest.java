package org.codomyrmex.policy.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * picocli reads descriptions and footers as format strings: a bare "90%" in the help of policy test made it
 * print "[picocli WARN] Could not format ..." on every --help and usage error of that command.
 */
class HelpTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"check", "parse", "rules", "explain", "test", "fmt", "completion", "repl", "serve"})
    void everyCommandsHelpFormatsWithoutWarnings(String command) {
        PrintStream systemErr = System.err;
        ByteArrayOutputStream tracer = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;
        try {
            System.setErr(new PrintStream(tracer, true, StandardCharsets.UTF_8));
            exit = PolicyCommand.execute(new String[] {command, "--help"}, new PrintWriter(out), new PrintWriter(err),
                InputStream.nullInputStream());
        } finally {
            System.setErr(systemErr);
        }
        assertEquals(0, exit, err.toString());
        String warnings = tracer.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("WARN"), warnings);
        assertTrue(out.toString().contains("Usage: policy " + command), out.toString());
    }
}
