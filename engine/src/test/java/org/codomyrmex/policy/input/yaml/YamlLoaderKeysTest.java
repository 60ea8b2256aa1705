package org.codomyrmex.policy.input.yaml;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mapping keys reach Kubernetes as sigs.k8s.io/yaml writes them into JSON. */
class YamlLoaderKeysTest {

    private static List<String> keys(YamlLoader.Profile profile, String yaml) {
        YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml", yaml), YamlLoader.Options.defaults(profile));
        return List.copyOf(((Value.MapV) r.documents().get(0)).entries().keySet());
    }

    @Test
    void kubernetesKeysThatAreBooleansOrNumbersBecomeTheirJsonText() {
        // go-yaml v2 types `on:` as true and sigs.k8s.io/yaml writes the key "true": a label `on: x` is the label
        // "true" in the cluster. The keys were read as written.
        assertEquals(List.of("true", "false", "493", "31", "1.1", "1000", "1e+06", "1e-05", ".inf", "name", "on", "7"),
            keys(YamlLoader.Profile.KUBERNETES,
                "on: a\nNo: b\n0755: c\n0x1F: d\n1.10: e\n1e3: f\n1e6: g\n0.00001: h\n.inf: i\nname: j\n\"on\": k\n!!str 7: l\n"));
        assertEquals(List.of("on", "No", "0755", "1.10"), keys(YamlLoader.Profile.CORE, "on: a\nNo: b\n0755: c\n1.10: e\n"));
    }

    /**
     * go-yaml reads ~, null and an empty key as a nil key, which sigs.k8s.io/yaml cannot turn into JSON ("unsupported
     * map key") and compose-go refuses ("Non-string key"): a located error, for both profiles, and the entry is not
     * read as a key named "~". Quoted, it is a string key like any other.
     */
    @Test
    void nullKeysAreLocatedErrors() {
        for (YamlLoader.Profile profile : YamlLoader.Profile.values()) {
            String yaml = "a: 1\n~: x\nnull: y\n?\n: z\n!!null k: w\n\"~\": q\n";
            YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml", yaml), YamlLoader.Options.defaults(profile));
            assertTrue(!r.documents().isEmpty(), r.diagnostics().toString());
            assertEquals(List.of("a", "~"), List.copyOf(((Value.MapV) r.documents().get(0)).entries().keySet()));
            assertEquals(List.of("I1015@2:1", "I1015@3:1", "I1015@4:2", "I1015@6:1"),
                r.diagnostics().stream().map(d -> d.code() + "@" + d.span().line() + ":" + d.span().column()).toList());
            assertTrue(r.diagnostics().stream().allMatch(d -> d.isError()));
            assertTrue(r.diagnostics().get(0).message().contains("null mapping key ('~')"), r.diagnostics().get(0).message());
        }
    }

    /** go-yaml fails on a list or mapping key ("invalid map key"), so kubectl and docker compose refuse the file. */
    @Test
    void complexKeysAreErrors() {
        for (YamlLoader.Profile profile : YamlLoader.Profile.values()) {
            YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml", "a: 1\n? [x, y]\n: z\n? {k: v}\n: w\n"),
                YamlLoader.Options.defaults(profile));
            assertEquals(List.of("a"), List.copyOf(((Value.MapV) r.documents().get(0)).entries().keySet()));
            assertEquals(List.of("I1010@2:3", "I1010@4:3"),
                r.diagnostics().stream().map(d -> d.code() + "@" + d.span().line() + ":" + d.span().column()).toList());
            assertTrue(r.diagnostics().stream().allMatch(d -> d.isError()));
        }
    }

    @Test
    void goShortestFloat32Text() {
        assertEquals("0.1", YamlLoader.goFloat32(0.1));
        assertEquals("123456", YamlLoader.goFloat32(123456));
        assertEquals("1.234567e+06", YamlLoader.goFloat32(1234567));
        assertEquals("-2.5", YamlLoader.goFloat32(-2.5));
        assertEquals("0.0001", YamlLoader.goFloat32(0.0001));
        assertEquals("-0", YamlLoader.goFloat32(-0.0));
    }
}
