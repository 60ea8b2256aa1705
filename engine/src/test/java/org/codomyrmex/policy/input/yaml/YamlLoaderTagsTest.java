package org.codomyrmex.policy.input.yaml;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Explicit tags decide a scalar's type before the profile's rules for plain scalars. */
class YamlLoaderTagsTest {

    @Test
    void anExplicitStrTagKeepsAPlainScalarAString() {
        // `!!str on` was typed as the plain `on`: a boolean in Kubernetes (then K2002 in a string field), and
        // `!!str 8080` an int; go-yaml and the YAML spec read both as strings.
        for (YamlLoader.Profile p : YamlLoader.Profile.values()) {
            YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml", "a: !!str on\nb: !!str 8080\nc: !!str ~\nd: on\ne: 8080\n"),
                YamlLoader.Options.defaults(p));
            assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
            Map<String, Value> m = ((Value.MapV) r.documents().get(0)).entries();
            assertEquals(new Value.Str("on", m.get("a").span()), m.get("a"), p.name());
            assertEquals(new Value.Str("8080", m.get("b").span()), m.get("b"), p.name());
            assertEquals(new Value.Str("~", m.get("c").span()), m.get("c"), p.name());
            assertTrue(m.get("e") instanceof Value.Int, p.name());
        }
        YamlLoader.Result k8s = YamlLoader.load(new SourceFile("t.yaml", "d: on\n"), YamlLoader.Options.defaults(YamlLoader.Profile.KUBERNETES));
        assertTrue(((Value.MapV) k8s.documents().get(0)).get("d") instanceof Value.Bool, "an untagged plain on is still a boolean");
    }

    /** An empty value (`b:`) got a span ending a column before it started (2:3-2:2). */
    @Test
    void anEmptyValueHasASpanThatDoesNotRunBackwards() {
        for (YamlLoader.Profile p : YamlLoader.Profile.values()) {
            YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml", "a: 1\nb:\nc: 2\n"), YamlLoader.Options.defaults(p));
            org.codomyrmex.policy.diag.Span at = ((Value.MapV) r.documents().get(0)).get("b").span();
            assertEquals(2, at.line(), p.name());
            assertTrue(at.endLine() > at.line() || at.endColumn() >= at.column(), at + " " + p.name());
        }
    }

    /** A merge of a non-mapping is reported at the '<<' that uses it; a second '<<' in one mapping is a duplicate key. */
    @Test
    void mergeKeyProblemsAreReportedAtTheMergeKey() {
        YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml",
            "x: &s text\ny: &m {a: 1}\nz:\n  <<: *s\n  b: 2\nw:\n  <<: *m\n  <<: {c: 3}\n"),
            YamlLoader.Options.defaults(YamlLoader.Profile.CORE));
        assertEquals(java.util.List.of("I1012 4:3", "I1011 8:3"),
            r.diagnostics().stream().map(d -> d.code() + " " + d.span().line() + ":" + d.span().column()).toList());
        Map<String, Value> w = ((Value.MapV) ((Value.MapV) r.documents().get(0)).get("w")).entries();
        assertEquals(java.util.Set.of("a", "c"), w.keySet());
    }
}
