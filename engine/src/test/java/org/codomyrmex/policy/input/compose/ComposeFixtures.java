package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Loading the fixtures under src/test/resources/compose, and finding values in the views. */
final class ComposeFixtures {
    static final Path ROOT = Path.of("src/test/resources/compose");

    private ComposeFixtures() {
    }

    static LoadOptions options(Map<String, String> environment) {
        LoadOptions d = LoadOptions.defaults();
        return new LoadOptions(d.maxFileBytes(), d.maxDocuments(), d.maxDepth(), environment);
    }

    static InputSource source(String relative) {
        Path p = ROOT.resolve(relative);
        return InputSource.ofPath(p.toString(), p);
    }

    static LoadResult load(Map<String, String> environment, String... files) {
        return ComposeLoader.loadProject(Arrays.stream(files).map(ComposeFixtures::source).toList(), options(environment));
    }

    static Document only(LoadResult r) {
        if (r.documents().size() != 1) throw new AssertionError("expected one document, got " + r.documents() + " " + r.diagnostics());
        return r.documents().get(0);
    }

    static List<Diagnostic> errors(LoadResult r) {
        return r.diagnostics().stream().filter(Diagnostic::isError).toList();
    }

    /** The element of a list view whose name field is {@code name}. */
    static Value.MapV named(Document doc, String view, String name) {
        for (Value v : ((Value.ListV) doc.view(view)).items()) {
            Value.MapV m = (Value.MapV) v;
            if (m.get("name") instanceof Value.Str s && s.value().equals(name)) return m;
        }
        throw new AssertionError("no " + name + " in " + view);
    }

    static Value at(Value v, Object... path) {
        Value cur = v;
        for (Object step : path) {
            if (step instanceof Integer i) cur = ((Value.ListV) cur).items().get(i);
            else cur = ((Value.MapV) cur).get((String) step);
        }
        return cur;
    }

    static String str(Value v) {
        return ((Value.Str) v).value();
    }

    /**
     * The 1-based line of the only line of a fixture containing {@code snippet}; a snippet starting with a space
     * must start the line (so "  api:" finds the service, not "      api:" under depends_on).
     */
    static int lineOf(String relative, String snippet) {
        try {
            List<String> lines = Files.readAllLines(ROOT.resolve(relative));
            int found = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (snippet.startsWith(" ") ? lines.get(i).startsWith(snippet) : lines.get(i).contains(snippet)) {
                    if (found >= 0) throw new AssertionError("'" + snippet + "' is on several lines of " + relative);
                    found = i + 1;
                }
            }
            if (found < 0) throw new AssertionError("'" + snippet + "' not in " + relative);
            return found;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String file(String relative) {
        return ROOT.resolve(relative).toString();
    }

    static String dump(LoadResult r) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : r.diagnostics()) sb.append(d.headline()).append('\n');
        return sb.toString();
    }

    static boolean startsAt(Span s, String relative, int line) {
        return s.file().equals(file(relative)) && s.line() == line;
    }
}
