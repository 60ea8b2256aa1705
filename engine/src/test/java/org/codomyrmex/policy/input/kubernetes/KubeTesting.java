package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.LoadOptions;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.testing.SchemaConformance;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers of the Kubernetes loader tests. */
final class KubeTesting {
    private KubeTesting() {
    }

    static LoadResult load(String name, String text) {
        return new KubernetesLoader().load(InputSource.ofText(name, text), LoadOptions.defaults());
    }

    static Path fixture(String relative) {
        try {
            return Path.of(KubeTesting.class.getResource("/kubernetes/" + relative).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing fixture " + relative, e);
        }
    }

    static LoadResult loadFixture(String relative) {
        return new KubernetesLoader().load(InputSource.ofPath(relative, fixture(relative)), LoadOptions.defaults());
    }

    /** Every document conforms to the schema. */
    static void assertConforms(LoadResult r) {
        for (Document d : r.documents()) {
            List<String> v = SchemaConformance.violations(d);
            assertTrue(v.isEmpty(), d.resource().display() + " does not conform: " + v);
        }
    }

    static void assertNoDiagnostics(LoadResult r) {
        assertEquals("", headlines(r.diagnostics()));
    }

    static String headlines(List<Diagnostic> ds) {
        return ds.stream().map(Diagnostic::headline).collect(Collectors.joining("\n"));
    }

    static Document only(LoadResult r) {
        if (r.documents().size() != 1) fail("expected one document, got " + r.documents().size() + "; " + headlines(r.diagnostics()));
        return r.documents().get(0);
    }

    /** The value at a path of map keys and list indexes, e.g. {@code get(v, "spec", "ports", 0, "port")}. */
    static Value get(Value v, Object... path) {
        Value cur = v;
        for (Object p : path) {
            if (p instanceof Integer i) {
                if (!(cur instanceof Value.ListV l) || i >= l.items().size()) fail("no item " + i + " in " + cur);
                cur = ((Value.ListV) cur).items().get(i);
            } else {
                if (!(cur instanceof Value.MapV m)) {
                    fail("no field " + p + " in " + cur);
                    return null;
                }
                cur = m.get((String) p);
            }
        }
        return cur;
    }

    static String str(Value v) {
        if (!(v instanceof Value.Str s)) throw new AssertionError("expected a string, found " + v);
        return s.value();
    }

    static List<String> strings(Value v) {
        if (!(v instanceof Value.ListV l)) throw new AssertionError("expected a list, found " + v);
        return l.items().stream().map(KubeTesting::str).toList();
    }
}
