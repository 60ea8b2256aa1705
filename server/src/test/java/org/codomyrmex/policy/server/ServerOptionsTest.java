package org.codomyrmex.policy.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options that cannot work are refused when they are built, in words a user of {@code policy serve} can act on. */
class ServerOptionsTest {

    @Test
    void aPortOutsideTheTcpRangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().port(70000).build());
        assertTrue(e.getMessage().contains("0 to 65535"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().port(-1).build());
        assertDoesNotThrow(() -> ServerOptions.builder().port(0).build());
        assertDoesNotThrow(() -> ServerOptions.builder().port(65535).build());
    }

    @Test
    void aNegativeReloadIntervalIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ServerOptions.builder().reloadInterval(Duration.ofSeconds(-1)).build());
        assertTrue(e.getMessage().contains("reload interval"), e.getMessage());
    }

    /**
     * A body limit of Long.MAX_VALUE read every body as empty (the read length overflowed to 0), and a timeout of
     * Long.MAX_VALUE ms made every check an internal error ("long overflow").
     */
    @Test
    void limitsTooLargeToComputeWithAreRefused() {
        IllegalArgumentException body = assertThrows(IllegalArgumentException.class,
            () -> ServerOptions.builder().maxBodyBytes(Long.MAX_VALUE).build());
        assertTrue(body.getMessage().contains("body limit is at most"), body.getMessage());
        IllegalArgumentException time = assertThrows(IllegalArgumentException.class,
            () -> ServerOptions.builder().timeout(Duration.ofMillis(Long.MAX_VALUE)).build());
        assertTrue(time.getMessage().contains("timeout is at most a day"), time.getMessage());
        assertDoesNotThrow(() -> ServerOptions.builder().maxBodyBytes(Integer.MAX_VALUE - 8).timeout(Duration.ofDays(1)).build());
    }
}
