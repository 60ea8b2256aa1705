package org.codomyrmex.policy.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParseCacheFolderTest {

    @Test
    void theEnvironmentChoosesTheFolder() {
        assertEquals(Optional.of(Path.of("/x/c")), ParseCacheFolder.of(Map.of("POLICY_CACHE_DIR", "/x/c", "XDG_CACHE_HOME", "/y"), "/home/u"));
        assertEquals(Optional.empty(), ParseCacheFolder.of(Map.of("POLICY_CACHE_DIR", "off"), "/home/u"));
        assertEquals(Optional.empty(), ParseCacheFolder.of(Map.of("POLICY_CACHE_DIR", " "), "/home/u"));
        assertEquals(Optional.of(Path.of("/y/codomyrmex-policy")), ParseCacheFolder.of(Map.of("XDG_CACHE_HOME", "/y"), "/home/u"));
        // A relative XDG_CACHE_HOME is to be ignored, as the XDG spec says.
        assertEquals(Optional.of(Path.of("/home/u/.cache/codomyrmex-policy")), ParseCacheFolder.of(Map.of("XDG_CACHE_HOME", "rel"), "/home/u"));
        assertEquals(Optional.of(Path.of("/home/u/.cache/codomyrmex-policy")), ParseCacheFolder.of(Map.of(), "/home/u"));
        assertEquals(Optional.empty(), ParseCacheFolder.of(Map.of(), ""));
    }
}
