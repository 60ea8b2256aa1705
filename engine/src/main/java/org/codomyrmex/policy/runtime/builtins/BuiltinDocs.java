package org.codomyrmex.policy.runtime.builtins;

import java.util.List;
import java.util.Map;

/** Renders the builtin table as Markdown, for the generated docs/builtins.md. */
public final class BuiltinDocs {
    private BuiltinDocs() {
    }

    public static String markdown(BuiltinRegistry registry) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Builtin>> category : registry.byCategory().entrySet()) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append("## ").append(category.getKey()).append("\n\n");
            sb.append("| Function | Signature | Description | Example |\n");
            sb.append("| --- | --- | --- | --- |\n");
            for (Builtin b : category.getValue()) {
                sb.append("| `").append(b.name()).append("` | ")
                    .append(code(b.signature())).append(" | ")
                    .append(cell(b.doc())).append(" | ")
                    .append(code(b.example())).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** Text for a table cell: a pipe would end the cell, a line break the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** A code span long enough to hold any backticks of the text. */
    private static String code(String text) {
        String fence = text.contains("`") ? "``" : "`";
        String pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
        return fence + pad + cell(text) + pad + fence;
    }
}
