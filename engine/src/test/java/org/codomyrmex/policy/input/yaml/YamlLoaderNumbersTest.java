package org.codomyrmex.policy.input.yaml;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain scalars that look like numbers, typed as the Go YAML library of each profile types them. */
class YamlLoaderNumbersTest {

    private static Value scalar(YamlLoader.Profile profile, String text) {
        YamlLoader.Result r = YamlLoader.load(new SourceFile("t.yaml", "v: " + text + "\n"), YamlLoader.Options.defaults(profile));
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
        return ((Value.MapV) r.documents().get(0)).get("v");
    }

    private static void assertInt(long expected, Value v, String text) {
        assertTrue(v instanceof Value.Int, text + " read as " + v);
        assertEquals(expected, ((Value.Int) v).value(), text);
    }

    private static void assertStr(String text, Value v) {
        assertTrue(v instanceof Value.Str s && s.value().equals(text), text + " read as " + v);
    }

    @Test
    void numbersBeyondSixtyFourBitsDoNotCrashTheLoader() {
        // These reached Long.parseLong and then Double.parseDouble, which threw: an internal error for the file.
        for (YamlLoader.Profile p : YamlLoader.Profile.values()) {
            assertStr("0xFFFFFFFFFFFFFFFFFFFF", scalar(p, "0xFFFFFFFFFFFFFFFFFFFF"));
            assertTrue(scalar(p, "99999999999999999999999") instanceof Value.Float, p.name());
        }
        YamlLoader.Profile k8s = YamlLoader.Profile.KUBERNETES;
        assertStr("0x_", scalar(k8s, "0x_"));
        assertInt(Long.MIN_VALUE, scalar(k8s, "-0x8000000000000000"), "-0x8000000000000000");
        // strconv.ParseUint takes what ParseInt refuses, up to 2^64-1.
        assertEquals(1.8446744073709552E19, ((Value.Float) scalar(k8s, "0xFFFFFFFFFFFFFFFF")).value());
    }

    @Test
    void kubernetesReadsIntegersWithGoPrefixes() {
        // go-yaml v2 hands the text (underscores dropped) to strconv.ParseInt(s, 0, 64).
        YamlLoader.Profile k8s = YamlLoader.Profile.KUBERNETES;
        assertInt(15, scalar(k8s, "0o17"), "0o17");
        assertInt(15, scalar(k8s, "0O17"), "0O17");
        assertInt(5, scalar(k8s, "0b101"), "0b101");
        assertInt(-5, scalar(k8s, "-0b101"), "-0b101");
        assertInt(31, scalar(k8s, "0X1F"), "0X1F");
        assertInt(493, scalar(k8s, "0755"), "0755");
        assertInt(-1, scalar(k8s, "-_1"), "-_1");
        assertInt(1000, scalar(k8s, "1_000"), "1_000");
        assertInt(0, scalar(k8s, "0_"), "0_");
        assertEquals(8.0, ((Value.Float) scalar(k8s, "08")).value(), "08 is not octal, but a float");
        assertEquals(1000.0, ((Value.Float) scalar(k8s, "1e3")).value());
        assertEquals(0.5, ((Value.Float) scalar(k8s, ".5")).value());
        // Out of float range, Go's ParseFloat fails and the scalar stays a string.
        assertStr("1e400", scalar(k8s, "1e400"));
        assertStr(".5_0", scalar(k8s, ".5_0"));
        assertStr("0o8", scalar(k8s, "0o8"));
        assertStr("1.2.3", scalar(k8s, "1.2.3"));
        assertTrue(scalar(k8s, "-.inf") instanceof Value.Float f && f.value() == Double.NEGATIVE_INFINITY);
        assertTrue(scalar(k8s, ".NaN") instanceof Value.Float f && Double.isNaN(f.value()));
    }

    /** go-yaml v3, which Compose uses, reads numbers as v2 does; only the booleans of the two profiles differ. */
    @Test
    void composeReadsNumbersAsGoYamlV3Does() {
        YamlLoader.Profile core = YamlLoader.Profile.CORE;
        assertInt(1000, scalar(core, "1_000"), "1_000");
        assertInt(5, scalar(core, "0b101"), "0b101");
        assertInt(31, scalar(core, "0X1F"), "0X1F");
        assertInt(288, scalar(core, "0440"), "0440");
        assertInt(493, scalar(core, "0o755"), "0o755");
        assertStr("1e400", scalar(core, "1e400"));
        assertStr("on", scalar(core, "on"));
    }
}
