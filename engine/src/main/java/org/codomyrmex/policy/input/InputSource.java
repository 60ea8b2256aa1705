package org.codomyrmex.policy.input;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One thing to load: a file, a directory (OCI image layout), or standard input. {@code name} is how findings
 * name it (the path as the user gave it, or {@code -}).
 */
public record InputSource(String name, Optional<Path> path, Content content) {

    @FunctionalInterface
    public interface Content {
        byte[] read() throws IOException;
    }

    public static InputSource ofPath(String name, Path path) {
        return new InputSource(name, Optional.of(path), () -> java.nio.file.Files.readAllBytes(path));
    }

    public static InputSource ofText(String name, String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new InputSource(name, Optional.empty(), () -> bytes);
    }

    public static InputSource ofBytes(String name, byte[] bytes) {
        return new InputSource(name, Optional.empty(), () -> bytes);
    }
}
