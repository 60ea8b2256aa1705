package org.codomyrmex.policy.syntax;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;

import java.util.List;
import java.util.Optional;

/** One policy file: its package, imports and declarations, in source order. */
public record Module(SourceFile source, Optional<String> packageName, List<Import> imports, List<Decl> declarations) {

    public record Import(String packageName, Optional<String> alias, Span span) {
        /** The name this import is referred to by: its alias, or the last part of the package name. */
        public String localName() {
            return alias.orElse(packageName.substring(packageName.lastIndexOf('.') + 1));
        }
    }

    public <T extends Decl> List<T> declarations(Class<T> type) {
        return declarations.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
