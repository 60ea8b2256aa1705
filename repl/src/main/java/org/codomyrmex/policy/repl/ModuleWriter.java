package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;
import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.syntax.Module;

import java.util.List;

/**
 * Writes the session's definitions as one policy module: its imports, then constants, functions, rules and tests, each with
 * its doc comment, re-indented from the lexer's tokens (two spaces per open brace, bracket or parenthesis).
 * Lines inside text blocks and block comments are kept as typed, since their text is content.
 */
final class ModuleWriter {
    private ModuleWriter() {
    }

    static String format(List<Module.Import> imports, List<ReplSession.Definition> definitions) {
        StringBuilder sb = new StringBuilder("// Written by `policy repl`. Check it with `policy test " + (imports.isEmpty() ? "" : "--stdlib ")
            + "FILE`,\n// use it with `policy check --policy FILE INPUT...`.\n");
        if (!imports.isEmpty()) sb.append('\n');
        for (Module.Import i : imports) sb.append(ImportedPackages.importLine(i)).append('\n');
        for (Class<? extends Decl> kind : List.of(Decl.Const.class, Decl.Function.class, Decl.Rule.class, Decl.Test.class)) {
            for (ReplSession.Definition d : definitions) {
                if (!kind.isInstance(d.decl())) continue;
                sb.append('\n');
                String doc = doc(d.decl());
                String text = reindent(d.text());
                if (!doc.isBlank() && !text.startsWith("///")) {
                    doc.strip().lines().forEach(l -> sb.append("/// ").append(l.strip()).append('\n'));
                }
                sb.append(text).append('\n');
            }
        }
        return sb.toString();
    }

    private static String doc(Decl d) {
        if (d instanceof Decl.Rule r) return r.doc();
        if (d instanceof Decl.Function f) return f.doc();
        if (d instanceof Decl.Const c) return c.doc();
        return "";
    }

    static String reindent(String text) {
        String[] lines = text.split("\n", -1);
        int[] depthAtStart = new int[lines.length + 1];
        boolean[] verbatim = new boolean[lines.length + 1];
        boolean[] startsClosing = new boolean[lines.length + 1];
        boolean[] seen = new boolean[lines.length + 1];
        int depth = 0;
        for (Token t : Tokens.lex(text)) {
            int line = t.getLine();
            if (line >= 1 && line <= lines.length && !seen[line] && t.getType() != PolicyLexer.WS) {
                seen[line] = true;
                depthAtStart[line] = depth;
                String s = t.getText();
                startsClosing[line] = s.equals("}") || s.equals(")") || s.equals("]");
            }
            long breaks = t.getText().chars().filter(ch -> ch == '\n').count();
            if (t.getType() == PolicyLexer.TEXT_BLOCK || t.getType() == PolicyLexer.BLOCK_COMMENT) {
                for (int l = line + 1; l <= line + breaks && l <= lines.length; l++) verbatim[l] = true;
            }
            if (t.getChannel() == Token.DEFAULT_CHANNEL) {
                switch (t.getText()) {
                    case "{", "(", "[" -> depth++;
                    case "}", ")", "]" -> depth = Math.max(0, depth - 1);
                    default -> {
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i];
            if (verbatim[n]) {
                sb.append(line.stripTrailing());
            } else if (!line.isBlank()) {
                int d = Math.max(0, depthAtStart[n] - (startsClosing[n] ? 1 : 0));
                sb.append("  ".repeat(d)).append(line.strip());
            }
            if (i + 1 < lines.length) sb.append('\n');
        }
        return sb.toString();
    }
}
