package org.codomyrmex.policy.input.compose;

import java.nio.file.Path;

/**
 * The directory a compose file's relative paths resolve against (its own folder, or the project_directory of
 * the include that brought it in), and the same directory as file names show it: relative to where the scan
 * was started when the scanned file was named that way, so names in findings read as the user wrote them.
 */
record BaseDirectory(Path path, Path shownAs) {

    /** The path {@code written} in a compose file, absolute and normalized. */
    Path resolve(String written) {
        return path.resolve(written).normalize();
    }

    /** The name a file at {@code written} gets in spans and messages. */
    String show(String written) {
        return shownAs.resolve(written).normalize().toString();
    }

    /** The base of a scanned file named {@code name} that lies in {@code directory}. */
    static BaseDirectory ofFile(Path directory, String name) {
        Path parent = pathOf(name).getParent();
        return new BaseDirectory(directory, parent == null ? Path.of("") : parent);
    }

    /** The base {@code written} (a project_directory) names, relative to this one. */
    BaseDirectory child(String written) {
        return new BaseDirectory(resolve(written), shownAs.resolve(written).normalize());
    }

    private static Path pathOf(String name) {
        try {
            return Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            return Path.of("");
        }
    }
}
