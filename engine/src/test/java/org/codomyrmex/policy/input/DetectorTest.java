package org.codomyrmex.policy.input;

import org.codomyrmex.policy.model.InputKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kubernetes manifests are recognised however the Kubernetes loader can read them. */
class DetectorTest {
    private static final String MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Optional<InputKind> stdin(byte[] bytes) {
        return Inputs.kindOf(InputSource.ofBytes("-", bytes), Optional.empty());
    }

    @Test
    void aByteOrderMarkDoesNotHideTheManifest(@TempDir Path dir) throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] yaml = concat(bom, MANIFEST.getBytes(StandardCharsets.UTF_8));
        byte[] json = concat(bom, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("a.yaml"), yaml);
        Files.write(dir.resolve("a.json"), json);
        assertEquals(Optional.of(InputKind.KUBERNETES), Detector.detect(dir.resolve("a.yaml")));
        assertEquals(Optional.of(InputKind.KUBERNETES), Detector.detect(dir.resolve("a.json")));
        assertEquals(Optional.of(InputKind.KUBERNETES), stdin(yaml));
        assertEquals(Optional.of(InputKind.KUBERNETES), stdin(json));
    }

    @Test
    void utf16WithAByteOrderMarkIsRecognised(@TempDir Path dir) throws Exception {
        // Windows PowerShell's `kubectl get -o yaml > x.yaml` writes UTF-16LE with a BOM; the loader reads it.
        byte[] utf16 = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, MANIFEST.getBytes(StandardCharsets.UTF_16LE));
        Files.write(dir.resolve("x.yaml"), utf16);
        assertEquals(Optional.of(InputKind.KUBERNETES), Detector.detect(dir.resolve("x.yaml")));
        assertEquals(Optional.of(InputKind.KUBERNETES), stdin(utf16));
    }

    @Test
    void aYamlFlowMappingIsAManifest(@TempDir Path dir) throws Exception {
        // The Kubernetes loader reads `{apiVersion: v1, ...}` as YAML (docs/inputs-kubernetes.md), but it was
        // never handed to it: without quotes around the keys, the input was of unknown kind.
        String flow = "{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n";
        Files.writeString(dir.resolve("f.yaml"), flow);
        assertEquals(Optional.of(InputKind.KUBERNETES), Detector.detect(dir.resolve("f.yaml")));
        assertEquals(Optional.of(InputKind.KUBERNETES), stdin(flow.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.of(InputKind.KUBERNETES), stdin("'apiVersion': v1\n'kind': Pod\n".getBytes(StandardCharsets.UTF_8)));
    }
}
