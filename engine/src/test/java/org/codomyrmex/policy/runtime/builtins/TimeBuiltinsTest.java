package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.f;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimeBuiltinsTest {
    @AfterEach
    void restoreClock() {
        TimeBuiltins.setClock(Clock.systemUTC());
    }

    @Test
    void goDurations() {
        assertValue(f(5400), call("duration", s("1h30m")));
        assertValue(f(90), call("duration", s("1m30s")));
        assertValue(f(1.5), call("duration", s("1.5s")));
        assertValue(f(0.3), call("duration", s("300ms")));
        assertValue(f(0.000002), call("duration", s("2us")));
        assertValue(f(0.000002), call("duration", s("2µs")));
        assertValue(f(0.000002), call("duration", s("2μs")));
        assertValue(f(0.000000005), call("duration", s("5ns")));
        assertValue(f(-120), call("duration", s("-2m")));
        assertValue(f(0), call("duration", s("0")));
        assertValue(f(1), call("duration", s("1.s")));
        assertValue(f(0.5), call("duration", s(".5s")));
        assertValue(f(3723.004), call("duration", s("1h2m3s4ms")));
        assertValue(f(30), call("duration", s(" 30s ")));
    }

    @Test
    void numbersAreSeconds() {
        assertValue(f(30), call("duration", i(30)));
        assertValue(f(0.5), call("duration", f(0.5)));
        assertNull(call("duration", f(Double.NaN)));
    }

    @Test
    void invalidDurationsGiveNull() {
        for (String bad : new String[] {"", "10", "1d", "1h 30m", "h", "1.h2", "--1s", "1S", "1hour", "1m30", ".s", "+", "0s0"}) {
            assertNull(call("duration", s(bad)));
        }
        assertNull(call("duration", s("9".repeat(400) + "h")));
        assertNull(call("duration", b(true)));
        assertNull(call("duration", NULL));
    }

    @Test
    void ageInDaysAgainstAFixedClock() {
        TimeBuiltins.setClock(Clock.fixed(Instant.parse("2024-05-11T12:00:00Z"), ZoneOffset.UTC));
        assertValue(f(10), call("age_days", s("2024-05-01T12:00:00Z")));
        assertValue(f(10.5), call("age_days", s("2024-05-01")));
        assertValue(f(10), call("age_days", s("2024-05-01T14:00:00+02:00")));
        assertValue(f(10), call("age_days", s("2024-05-01 12:00:00z")));
        assertValue(f(-1), call("age_days", s("2024-05-12T12:00:00Z")));
        double nanos = ((Value.Float) call("age_days", s("2024-05-11T11:59:59.999999999Z"))).value();
        assertEquals(1e-9, nanos * 86400, 1e-12); // one nanosecond, not rounded away
    }

    @Test
    void invalidTimestampsGiveNull() {
        for (String bad : new String[] {"", "yesterday", "2024-02-30", "2024-05-01T25:00:00Z", "2024-05-01T12:00:00",
            "2024-5-1", "1714564800", "2024-05-01T12:00:00.1234567891Z"}) {
            assertNull(call("age_days", s(bad)));
        }
        assertNull(call("age_days", i(1714564800)));
    }

    @Test
    void theDefaultClockIsTheSystemClock() {
        double age = ((Value.Float) call("age_days", s(Instant.now().toString()))).value();
        assertEquals(0, age, 0.01);
        assertThrows(NullPointerException.class, () -> TimeBuiltins.setClock(null));
    }
}
