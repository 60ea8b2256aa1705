package org.codomyrmex.policy.model;

import org.codomyrmex.policy.diag.SourceFile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Stable identities for findings, for baselines and SARIF {@code partialFingerprints}. A fingerprint hashes what
 * a finding is, not where it is: the rule, the file, the resource and part, and the text of the offending line
 * with its whitespace collapsed. Lines moving (a comment added above, a block re-indented) keep it; the same
 * problem on two identical lines gets an occurrence number so both stay distinct.
 */
public final class Fingerprints {
    /** The SARIF key the fingerprints are published under. */
    public static final String SARIF_KEY = "codomyrmexPolicy/v1";

    static final int MAX_SNIPPET_LINE = 1000;

    private Fingerprints() {
    }

    /** One fingerprint per finding, in the order given (which should be the report's stable order). */
    public static List<String> of(List<Finding> findings, Function<String, Optional<SourceFile>> sources) {
        List<String> out = new ArrayList<>(findings.size());
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Optional<SourceFile>> cache = new HashMap<>();
        for (Finding f : findings) {
            Optional<SourceFile> source = cache.computeIfAbsent(f.location().file(), sources);
            String key = String.join("\u0000", f.ruleId(), normalizeFile(f.location().file()), f.resource().display(),
                f.part().map(p -> p.kind() + "/" + p.name()).orElse(""), snippet(f, source));
            int occurrence = seen.merge(key, 1, Integer::sum);
            out.add(sha256(key + "\u0000" + occurrence).substring(0, 32));
        }
        return out;
    }

    /** The offending text, whitespace collapsed; the message when the location has no text. */
    static String snippet(Finding f, Optional<SourceFile> source) {
        if (source.isEmpty() || !f.location().isKnown()) return f.message();
        SourceFile s = source.get();
        int first = f.location().line();
        int last = Math.min(Math.max(first, f.location().endLine()), first + 2);
        StringBuilder sb = new StringBuilder();
        for (int line = first; line <= last && line <= s.lineCount(); line++) {
            // A minified file is one line of megabytes: its start identifies it well enough, and copying all of it
            // for every finding ran a 256 MB heap out of memory.
            String text = s.line(line);
            sb.append((text.length() > MAX_SNIPPET_LINE ? text.substring(0, MAX_SNIPPET_LINE) : text).strip()).append('\n');
        }
        return sb.toString().replaceAll("\\s+", " ").strip();
    }

    /**
     * A file name as fingerprints see it: forward slashes, no leading ./, and a path under the working folder
     * relative to it, so {@code policy check .} and {@code policy check $PWD} (or a CI checkout in another folder)
     * give a file the same fingerprints and a baseline written one way still matches the other.
     */
    public static String normalizeFile(String file) {
        return normalizeFile(file, WORKING_DIR);
    }

    private static final java.nio.file.Path WORKING_DIR = java.nio.file.Path.of("").toAbsolutePath().normalize();

    /** As {@link #normalizeFile(String)}, with absolute paths under {@code workingDir} made relative to it. */
    public static String normalizeFile(String file, java.nio.file.Path workingDir) {
        String f = file;
        try {
            java.nio.file.Path p = java.nio.file.Path.of(file);
            if (p.isAbsolute() && p.normalize().startsWith(workingDir) && !p.normalize().equals(workingDir)) {
                f = workingDir.relativize(p.normalize()).toString();
            }
        } catch (java.nio.file.InvalidPathException e) {
            // not a path (an API name, stdin): as written
        }
        f = f.replace('\\', '/');
        while (f.startsWith("./")) f = f.substring(2);
        return f;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
