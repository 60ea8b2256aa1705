package org.codomyrmex.policy.runtime.builtins;

import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.f;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.list;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;

class QuantityBuiltinsTest {
    @Test
    void kubernetesQuantitiesInBaseUnits() {
        assertValue(f(0.5), call("quantity", s("500m")));
        assertValue(f(1073741824), call("quantity", s("1Gi")));
        assertValue(f(1.5), call("quantity", s("1.5")));
        assertValue(f(2000), call("quantity", s("2e3")));
        assertValue(f(102400), call("quantity", s("100Ki")));
        assertValue(f(1e6), call("quantity", s("1M")));
        assertValue(f(1e18), call("quantity", s("1E")));
        assertValue(f(0.000000001), call("quantity", s("1n")));
        assertValue(f(0.000002), call("quantity", s("2u")));
        assertValue(f(1536), call("quantity", s("1.5Ki")));
        assertValue(f(500), call("quantity", s(".5k")));
        assertValue(f(-1), call("quantity", s("-1")));
        assertValue(f(0.01), call("quantity", s("1E-2")));
        assertValue(f(2), call("quantity", i(2)));
        assertValue(f(0.25), call("quantity", f(0.25)));
    }

    @Test
    void invalidQuantitiesGiveNull() {
        for (String bad : new String[] {"", "1K", "1ki", "1GB", "1 Gi", "Gi", "1.5.5", "1e", "1Mi2", "1e1000", "abc",
            "0x10", "1,5", "--1"}) {
            assertNull(call("quantity", s(bad)));
        }
        assertNull(call("quantity", f(Double.NaN)));
        assertNull(call("quantity", b(true)));
        assertNull(call("quantity", list()));
        assertNull(call("quantity", NULL));
    }

    @Test
    void cpuMillisRoundsUp() {
        assertValue(i(250), call("cpu_millis", s("250m")));
        assertValue(i(1500), call("cpu_millis", s("1.5")));
        assertValue(i(2000), call("cpu_millis", i(2)));
        assertValue(i(1), call("cpu_millis", s("0.0001")));
        assertValue(i(1), call("cpu_millis", s("100u")));
        assertNull(call("cpu_millis", s("1Ei"))); // does not fit an int in millicores
        assertNull(call("cpu_millis", s("one")));
    }

    @Test
    void bytesOfKubernetesQuantities() {
        assertValue(i(67108864), call("bytes", s("64Mi")));
        assertValue(i(128974848), call("bytes", s("128974848")));
        assertValue(i(129000000), call("bytes", s("129e6")));
        assertValue(i(129000000), call("bytes", s("129M")));
        assertValue(i(1), call("bytes", s("500m")));
        assertValue(i(1152921504606846976L), call("bytes", s("1Ei")));
        assertNull(call("bytes", s("16Ei")));
        assertNull(call("bytes", s("512mb")));
    }

    @Test
    void dockerByteSizesAreBinaryAndCaseInsensitive() {
        assertValue(i(536870912), call("docker_bytes", s("512m")));
        assertValue(i(536870912), call("docker_bytes", s("512M")));
        assertValue(i(536870912), call("docker_bytes", s("512mb")));
        assertValue(i(536870912), call("docker_bytes", s("512MiB")));
        assertValue(i(1073741824), call("docker_bytes", s("1GB")));
        assertValue(i(1536), call("docker_bytes", s("1.5k")));
        assertValue(i(100), call("docker_bytes", s("100b")));
        assertValue(i(100), call("docker_bytes", s("100")));
        assertValue(i(2048), call("docker_bytes", i(2048)));
        assertValue(i(1024), call("docker_bytes", s("1 k")));
        for (String bad : new String[] {"", "-1m", "1x", "m", "1.m", "1e3", "1mm"}) assertNull(call("docker_bytes", s(bad)));
        assertNull(call("docker_bytes", i(-1)));
        assertNull(call("docker_bytes", s("99999999p")));
    }
}
