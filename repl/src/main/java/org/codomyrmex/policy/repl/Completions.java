package org.codomyrmex.policy.repl;

import org.antlr.v4.runtime.Token;
import org.codomyrmex.policy.grammar.PolicyLexer;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.runtime.builtins.Builtin;
import org.codomyrmex.policy.runtime.builtins.BuiltinRegistry;
import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Tab offers at a position of the input. After a dot: the fields of the static type the checker gives
 * the expression before it (so {@code c.securityContext.} lists {@code privileged}, {@code runAsNonRoot}, ...),
 * or the keys of its value when the model leaves it untyped. Elsewhere: keywords, builtins with their
 * signature, views of the current input, session names, names bound earlier in the rule being typed, and
 * rule ids. After {@code :load} and {@code :save}: file names.
 */
final class Completions {
    /** One offer: the text inserted, a description (signature, type, doc), a group, whether a space follows. */
    record Suggestion(String value, String description, String group, boolean complete) {
    }

    private final ReplSession session;

    Completions(ReplSession session) {
        this.session = session;
    }

    List<Suggestion> at(String buffer, int cursor) {
        ReplParser.Word word = ReplParser.Word.at(buffer, cursor);
        String before = buffer.substring(0, word.start());
        String trimmed = before.stripLeading();
        if (trimmed.isEmpty() && word.word().startsWith(":")) return commands();
        if (trimmed.startsWith(":")) {
            String command = trimmed.split("\\s+", 2)[0];
            switch (command) {
                case ":load", ":save" -> {
                    return files(word.word());
                }
                case ":input" -> {
                    return kinds();
                }
                case ":check" -> {
                    return List.of(plain("all"), plain("stdlib"), plain("session"));
                }
                case ":doc" -> {
                    if (!before.endsWith(".")) return docNames();
                }
                default -> {
                    if (!ReplSession.EXPRESSION_COMMANDS.contains(command)) return List.of();
                }
            }
            int start = before.indexOf(command) + command.length();
            return code(buffer.substring(start, word.start()));
        }
        return code(before);
    }

    private List<Suggestion> code(String before) {
        List<ReplSession.TextBinding> local = TextBindings.inScopeAt(before);
        if (before.endsWith(".")) return members(receiver(before.substring(0, before.length() - 1)), local);
        Map<String, Suggestion> out = new LinkedHashMap<>();
        for (ReplSession.TextBinding b : local) out.put(b.name(), new Suggestion(b.name(), "bound here", "names", true));
        for (String n : session.bindings().keySet()) out.putIfAbsent(n, new Suggestion(n, "session binding", "names", true));
        for (Module.Import i : session.imports().list()) {
            out.putIfAbsent(i.localName(), new Suggestion(i.localName(), "import " + i.packageName(), "names", false));
        }
        for (ReplSession.Definition d : session.definitions().values()) {
            if (d.decl() instanceof Decl.Function f) {
                out.putIfAbsent(f.name(), new Suggestion(f.name(), "func " + f.name() + "("
                    + String.join(", ", f.params().stream().map(Decl.Param::name).toList()) + ")", "names", false));
            } else if (d.decl() instanceof Decl.Const c) {
                out.putIfAbsent(c.name(), new Suggestion(c.name(), "const", "names", true));
            }
        }
        session.views().forEach((n, f) -> out.putIfAbsent(n, new Suggestion(n, f.type().display() + "  " + f.doc(), "views", true)));
        for (Builtin b : BuiltinRegistry.standard().all()) {
            out.putIfAbsent(b.name(), new Suggestion(b.name(), b.signature(), "builtins", false));
        }
        for (String k : Tokens.keywords()) out.putIfAbsent(k, new Suggestion(k, "keyword", "keywords", true));
        for (String id : session.ruleIds(false)) out.putIfAbsent(id, new Suggestion(id, "rule", "rules", true));
        return new ArrayList<>(out.values());
    }

    /** The fields (or keys, or methods) of the expression before a dot. */
    private List<Suggestion> members(Optional<String> receiver, List<ReplSession.TextBinding> local) {
        if (receiver.isEmpty()) return List.of();
        boolean boundHere = local.stream().anyMatch(b -> b.name().equals(receiver.get()));
        if (!boundHere && !session.bindings().containsKey(receiver.get()) && session.imports().named(receiver.get()).isPresent()) {
            return packageMembers(receiver.get());
        }
        Optional<Type> type = session.typeOf(receiver.get(), local);
        List<Suggestion> out = new ArrayList<>();
        if (type.isPresent() && type.get() instanceof ObjectType o) {
            for (ObjectType.Field f : o.fields().values()) {
                boolean object = f.type() instanceof ObjectType;
                out.add(new Suggestion(f.name(), f.type().display() + "  " + f.doc(), "fields of " + o.name(), !object));
            }
            return out;
        }
        if (local.isEmpty() && (type.isEmpty() || type.get() instanceof Type.Any || type.get() instanceof Type.MapOf)) {
            Optional<Value> value = session.valueOf(receiver.get());
            if (value.isPresent() && value.get() instanceof Value.MapV m) {
                for (String key : m.entries().keySet()) {
                    if (key.matches("[A-Za-z_][A-Za-z0-9_]*")) out.add(new Suggestion(key, "key", "keys", true));
                }
            }
        }
        // `x.f(...)` means f(x, ...): any builtin is a method.
        for (Builtin b : BuiltinRegistry.standard().all()) out.add(new Suggestion(b.name(), b.signature(), "builtins", false));
        return out;
    }

    /** The functions (with their parameters) and constants of an imported package. */
    private List<Suggestion> packageMembers(String localName) {
        String group = "package " + session.imports().named(localName).get().packageName();
        List<Suggestion> out = new ArrayList<>();
        for (Decl d : session.imports().members(localName)) {
            if (d instanceof Decl.Function f) {
                out.add(new Suggestion(f.name(), "func " + f.name() + "("
                    + String.join(", ", f.params().stream().map(Decl.Param::name).toList()) + ")  " + f.doc().strip(), group, false));
            } else {
                String doc = d instanceof Decl.Const c ? c.doc() : ((Decl.Parameter) d).doc();
                out.add(new Suggestion(d.name(), (d instanceof Decl.Const ? "const" : "param") + "  " + doc.strip(), group, true));
            }
        }
        return out;
    }

    /**
     * The postfix chain ending just before a dot, such as {@code c.securityContext} or {@code containers[0].ports}:
     * names, fields, indexes and calls, walked back over the lexer's tokens.
     */
    static Optional<String> receiver(String text) {
        List<Token> tokens = Tokens.significant(text);
        int i = tokens.size() - 1;
        if (i < 0) return Optional.empty();
        int startIndex = -1;
        while (i >= 0) {
            Token t = tokens.get(i);
            String s = t.getText();
            if (s.equals("]") || s.equals(")")) {
                String open = s.equals("]") ? "[" : "(";
                int depth = 0;
                while (i >= 0) {
                    String x = tokens.get(i).getText();
                    if (x.equals(s)) depth++;
                    else if (x.equals(open) && --depth == 0) break;
                    i--;
                }
                if (i < 0) return Optional.empty();
                startIndex = tokens.get(i).getStartIndex();
                i--;
                if (open.equals("(") && (i < 0 || tokens.get(i).getType() != PolicyLexer.IDENT)) break; // a parenthesized group
                continue;
            }
            if (t.getType() == PolicyLexer.IDENT || Tokens.isKeyword(t) && i > 0 && tokens.get(i - 1).getText().equals(".")) {
                startIndex = t.getStartIndex();
                if (i > 0 && tokens.get(i - 1).getText().equals(".")) {
                    i -= 2;
                    continue;
                }
                break;
            }
            if (Tokens.isString(t) && startIndex < 0) {
                startIndex = t.getStartIndex();
                break;
            }
            break;
        }
        if (startIndex < 0 || startIndex > text.length()) return Optional.empty();
        return Optional.of(text.substring(startIndex));
    }

    private List<Suggestion> commands() {
        return ReplSession.COMMANDS.stream().map(c -> new Suggestion(c, "command", "commands", true)).toList();
    }

    private static List<Suggestion> kinds() {
        List<Suggestion> out = new ArrayList<>();
        for (InputKind k : InputKind.values()) out.add(plain(k.shortName().equals(k.id()) ? k.id() : k.shortName()));
        return out;
    }

    private List<Suggestion> docNames() {
        Map<String, Suggestion> out = new LinkedHashMap<>();
        for (Builtin b : BuiltinRegistry.standard().all()) out.put(b.name(), new Suggestion(b.name(), b.signature(), "builtins", true));
        for (String v : Schemas.standard().allViewNames()) out.putIfAbsent(v, new Suggestion(v, "view", "views", true));
        for (String t : Schemas.standard().types().keySet()) out.putIfAbsent(t, new Suggestion(t, "type", "types", true));
        for (String n : session.sessionNames()) out.putIfAbsent(n, new Suggestion(n, "session", "names", true));
        for (String id : session.ruleIds(true)) out.putIfAbsent(id, new Suggestion(id, "rule", "rules", true));
        return new ArrayList<>(out.values());
    }

    private static Suggestion plain(String s) {
        return new Suggestion(s, "", "", true);
    }

    /**
     * The files and folders that continue the path typed, written as {@code :load} reads them back: inside the
     * quote the user opened (closed after a file), else with a backslash before each space or quote, so a
     * name with spaces is inserted as one path.
     */
    static List<Suggestion> files(String typed) {
        int slash = typed.lastIndexOf('/');
        String typedFolder = slash < 0 ? "" : typed.substring(0, slash + 1);
        PathWords folder = PathWords.of(typedFolder);
        char openQuote = PathWords.of(typed).openQuote();
        String folderPath = folder.last();
        Path dir = folderPath.isEmpty() ? Path.of(".") : Path.of(folderPath.equals("/") ? "/" : folderPath.substring(0, folderPath.length() - 1));
        List<Suggestion> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean isDir = Files.isDirectory(p);
                String written;
                if (openQuote != 0 && name.indexOf(openQuote) < 0) {
                    // Within the quote typed (opened in the folder part or in the name itself).
                    written = typedFolder + (folder.openQuote() == 0 ? String.valueOf(openQuote) : "") + name
                        + (isDir ? "/" : String.valueOf(openQuote));
                } else {
                    written = typedFolder + (folder.openQuote() != 0 ? String.valueOf(folder.openQuote()) : "") + escaped(name)
                        + (isDir ? "/" : "");
                }
                out.add(new Suggestion(written, isDir ? "folder" : "", "files", !isDir));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(java.util.Comparator.comparing(Suggestion::value));
        return out;
    }

    /** A backslash before each character that would end or quote a {@code :load} path: spaces, tabs, quotes. */
    static String escaped(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ' ' || c == '\t' || c == '"' || c == '\'') sb.append('\\');
            sb.append(c);
        }
        return sb.toString();
    }
}
