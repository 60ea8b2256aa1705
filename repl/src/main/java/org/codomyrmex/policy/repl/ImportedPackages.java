package org.codomyrmex.policy.repl;

import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.syntax.Parser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The packages the prompt imports ({@code import escape as e}): those of the standard library and of the
 * policies given with {@code --policy}, which the session's engines load. The session sees their functions, constants and parameters, as a policy file importing them
 * would; their rules and tests stay out, so {@code :rules}, {@code :check session} and {@code :test} are about
 * the session's own.
 */
final class ImportedPackages {
    private final Supplier<PolicyEngine> standardLibrary;
    /** Package name to its modules, without rules and tests; read on the first import. */
    private Map<String, List<Module>> library;
    /** The session's imports by the name they are used with; a new import of a name replaces the old one. */
    private final Map<String, Module.Import> imports = new LinkedHashMap<>();

    ImportedPackages(Supplier<PolicyEngine> standardLibrary) {
        this.standardLibrary = standardLibrary;
    }

    List<Module.Import> list() {
        return List.copyOf(imports.values());
    }

    Optional<Module.Import> named(String localName) {
        return Optional.ofNullable(imports.get(localName));
    }

    void add(Module.Import i) {
        imports.remove(i.localName());
        imports.put(i.localName(), i);
    }

    void clear() {
        imports.clear();
    }

    /** Why this import cannot be made: no importable package has its name. */
    Optional<Diagnostic> problem(Module.Import i) {
        if (library().containsKey(i.packageName())) return Optional.empty();
        String hint = Suggestions.closest(i.packageName(), library().keySet()).map(s -> "did you mean '" + s + "'? ").orElse("")
            + "the packages that can be imported (the standard library's and --policy's): " + String.join(", ", library().keySet());
        return Optional.of(Diagnostic.error("C2004", "no package named '" + i.packageName() + "' to import", i.span(), hint));
    }

    /** The library modules these imports need: their packages', and those of the packages they import in turn. */
    List<Module> modulesFor(Collection<Module.Import> wanted) {
        if (wanted.isEmpty()) return List.of();
        Set<String> packages = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>(wanted.stream().map(Module.Import::packageName).toList());
        while (!next.isEmpty()) {
            String p = next.pop();
            if (!packages.add(p)) continue;
            for (Module m : library().getOrDefault(p, List.of())) m.imports().forEach(i -> next.push(i.packageName()));
        }
        List<Module> out = new ArrayList<>();
        for (String p : packages) out.addAll(library().getOrDefault(p, List.of()));
        return out;
    }

    /**
     * The library modules these imports need, as policy sources (name to text), for an engine built without the
     * standard library: each module's package line, imports, and its functions, constants and parameters.
     */
    Map<String, String> sourcesFor(Collection<Module.Import> wanted) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Module m : modulesFor(wanted)) {
            StringBuilder text = new StringBuilder();
            m.packageName().ifPresent(p -> text.append("package ").append(p).append('\n'));
            for (Module.Import i : m.imports()) text.append(importLine(i)).append('\n');
            for (Decl d : m.declarations()) text.append('\n').append(Spans.text(m.source(), d.span())).append('\n');
            out.put("<imported " + m.source().name() + ">", text.toString());
        }
        return out;
    }

    /** The functions, constants and parameters of the package imported as {@code localName}. */
    List<Decl> members(String localName) {
        Module.Import i = imports.get(localName);
        if (i == null) return List.of();
        List<Decl> out = new ArrayList<>();
        for (Module m : library().getOrDefault(i.packageName(), List.of())) out.addAll(m.declarations());
        return out;
    }

    /** A member's declaration as written in its package, for {@code :doc e.NAME}. */
    Optional<String> source(String localName, String member) {
        Module.Import i = imports.get(localName);
        if (i == null) return Optional.empty();
        for (Module m : library().getOrDefault(i.packageName(), List.of())) {
            for (Decl d : m.declarations()) {
                if (d.name().equals(member)) return Optional.of(Spans.text(m.source(), d.span()));
            }
        }
        return Optional.empty();
    }

    static String importLine(Module.Import i) {
        return "import " + i.packageName() + (i.alias().isPresent() ? " as " + i.alias().get() : "");
    }

    private Map<String, List<Module>> library() {
        if (library == null) {
            Map<String, List<Module>> byPackage = new TreeMap<>();
            for (SourceFile source : standardLibrary.get().policySources().values()) {
                Parser.Result<Module> parsed = Parser.parseModule(source);
                // The standard library parses (its build checks it); a module that did not would only be missing.
                if (!parsed.ok() || parsed.value().get().packageName().isEmpty()) continue;
                Module m = parsed.value().get();
                List<Decl> shared = m.declarations().stream()
                    .filter(d -> d instanceof Decl.Function || d instanceof Decl.Const || d instanceof Decl.Parameter).toList();
                byPackage.computeIfAbsent(m.packageName().get(), p -> new ArrayList<>())
                    .add(new Module(m.source(), m.packageName(), m.imports(), shared));
            }
            library = byPackage;
        }
        return library;
    }
}
