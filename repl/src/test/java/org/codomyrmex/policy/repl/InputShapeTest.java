package org.codomyrmex.policy.repl;

import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When input is complete, how it is coloured, and how :save lays out definitions. */
class InputShapeTest {
    @Test
    void completeInputs() {
        for (String s : new String[] {"1 + 2", "c.securityContext.privileged", ":load a.yaml", "rule R-1 \"t\" { severity low }",
            "\"unterminated", "x == \"(\"", "f(\"{\")", "// just a comment", "let x = 1 in x", "[1, 2]", "a and b"}) {
            assertTrue(Completeness.isComplete(s), s);
        }
    }

    @Test
    void incompleteInputs() {
        for (String s : new String[] {"(1 +", "[1, 2,", "rule R-1 \"t\" {\n  severity low", "rule R-1 \"t\"", "a and",
            "if x then", "1 +", "func f(x) =", "c.", "given k8s \"\"\"\n  kind: Pod", "/* open", "/// doc for what follows",
            "test \"t\" {\n given k8s \"\"\"\n}\n"}) {
            assertFalse(Completeness.isComplete(s), s);
        }
    }

    @Test
    void highlightingFollowsTheLexerAndKeepsTheText() {
        String input = "any c in containers: startswith(c.image, \"docker.io/\") and c.runAsUser == 0 // note";
        AttributedString h = ReplHighlighter.highlight(input);
        assertEquals(input, h.toString());
        assertEquals(ReplHighlighter.KEYWORD, h.styleAt(0));                       // any
        assertEquals(ReplHighlighter.BUILTIN, h.styleAt(input.indexOf("startswith")));
        assertEquals(ReplHighlighter.STRING, h.styleAt(input.indexOf("\"docker")));
        assertEquals(ReplHighlighter.KEYWORD, h.styleAt(input.indexOf(" and") + 1));
        assertEquals(ReplHighlighter.NUMBER, h.styleAt(input.indexOf("0 //")));
        assertEquals(ReplHighlighter.COMMENT, h.styleAt(input.indexOf("// note")));
        assertEquals(AttributedStyle.DEFAULT, h.styleAt(input.indexOf("containers")));

        AttributedString command = ReplHighlighter.highlight(":trace count x in xs: true");
        assertEquals(ReplHighlighter.COMMAND, command.styleAt(1));
        assertEquals(ReplHighlighter.KEYWORD, command.styleAt(7));
        AttributedString load = ReplHighlighter.highlight(":load any.yaml");
        assertEquals(AttributedStyle.DEFAULT, load.styleAt(6)); // a path, not the keyword 'any'
    }

    @Test
    void savedDefinitionsAreReindentedButTextBlocksKeptAsTyped() {
        String typed = "rule R-1 \"t\" {\nseverity low\n      threat image-security\nfor c in containers\n"
            + "where any p in c.ports: (\np.hostPort == 22)\nreport \"x\"   \n}";
        assertEquals("rule R-1 \"t\" {\n  severity low\n  threat image-security\n  for c in containers\n"
            + "  where any p in c.ports: (\n    p.hostPort == 22)\n  report \"x\"\n}", ModuleWriter.reindent(typed));
        String test = "test \"t\" {\ngiven k8s \"\"\"\n  kind: Pod\n    x: 1\n\"\"\"\nexpect 1 findings\n}";
        assertEquals("test \"t\" {\n  given k8s \"\"\"\n  kind: Pod\n    x: 1\n\"\"\"\n  expect 1 findings\n}", ModuleWriter.reindent(test));
    }
}
