package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

import java.util.List;

/** A Dockerfile as BuildKit's parser sees it: directives, escape character and instructions, all located. */
public record ParsedDockerfile(SourceFile source, char escape, List<Directive> directives, List<Instruction> instructions) {
    public ParsedDockerfile {
        directives = List.copyOf(directives);
        instructions = List.copyOf(instructions);
    }

    /** From the first instruction to the end of the last one; unknown when there is none. */
    public Span span() {
        if (instructions.isEmpty()) return Span.NONE;
        return instructions.get(0).span().to(instructions.get(instructions.size() - 1).span());
    }
}
