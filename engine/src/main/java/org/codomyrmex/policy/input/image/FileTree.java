package org.codomyrmex.policy.input.image;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The image's final filesystem, computed the way overlay storage drivers stack layers: each layer's whiteouts
 * ({@code .wh.name}) hide a path and everything under it in the layers below, an opaque marker
 * ({@code .wh..wh..opq}) hides everything below in its directory, then the layer's own entries are added; a
 * non-directory replacing a directory hides that directory's contents.
 */
final class FileTree {
    private final TreeMap<String, LayerReader.Entry> files = new TreeMap<>();

    void apply(List<LayerReader.Entry> layer) {
        for (LayerReader.Entry e : layer) {
            if (e.type().equals("whiteout")) {
                files.remove(e.path());
                removeUnder(e.path());
            } else if (e.type().equals("opaque")) {
                removeUnder(e.path());
            }
        }
        for (LayerReader.Entry e : layer) {
            if (e.isWhiteout()) continue;
            if (!e.type().equals("dir")) removeUnder(e.path());
            files.put(e.path(), e);
        }
    }

    private void removeUnder(String dir) {
        String prefix = dir.equals("/") ? "/" : dir + "/";
        // '/' + 1 is '0': every path starting with the prefix sorts before prefix-with-'0'.
        files.subMap(prefix, true, prefix.substring(0, prefix.length() - 1) + "0", false).clear();
    }

    /** The entries of the final filesystem, sorted by path. */
    List<LayerReader.Entry> entries() {
        return new ArrayList<>(files.values());
    }
}
