package org.codomyrmex.policy.suppress;

import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.model.Finding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Stable identities for findings, for baselines and SARIF {@code partialFingerprints}: {@link Report#fingerprint}
 * (rule, file, resource and part, message; not the line or column, so lines moving keep it). When the same
 * problem appears twice in one file (two identical lines), the second and later ones get an occurrence number
 * mixed in, so every finding of a run has its own fingerprint and the first keeps the public one.
 */
public final class Fingerprints {
    /** The SARIF key the fingerprints are published under. */
    public static final String SARIF_KEY = "codomyrmexPolicy/v1";

    private Fingerprints() {
    }

    /** One fingerprint per finding, in the order given (which should be the report's stable order). */
    public static List<String> of(List<Finding> findings) {
        List<String> out = new ArrayList<>(findings.size());
        Map<String, Integer> seen = new HashMap<>();
        for (Finding f : findings) {
            String base = Report.fingerprint(f);
            int occurrence = seen.merge(base, 1, Integer::sum);
            out.add(occurrence == 1 ? base : sha256(base + "#" + occurrence).substring(0, 32));
        }
        return out;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
