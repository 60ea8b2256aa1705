package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.types.Schemas;
import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.f;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.list;
import static org.codomyrmex.policy.runtime.builtins.Calls.map;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PortBuiltinsTest {
    private static Value spec(int container, int containerEnd, Integer host, Integer hostEnd, String ip, String protocol) {
        return map("containerPort", i(container), "containerPortEnd", i(containerEnd),
            "hostPort", host == null ? NULL : i(host), "hostPortEnd", hostEnd == null ? NULL : i(hostEnd),
            "hostIP", ip == null ? NULL : s(ip), "protocol", s(protocol));
    }

    @Test
    void singlePorts() {
        assertValue(spec(80, 80, null, null, null, "TCP"), call("port", i(80)));
        assertValue(spec(8080, 8080, null, null, null, "TCP"), call("port", s("8080")));
        assertValue(spec(80, 80, null, null, null, "TCP"), call("port", s("80/tcp")));
        assertValue(spec(53, 53, null, null, null, "UDP"), call("port", s("53/UDP")));
        assertValue(spec(80, 80, 8080, 8080, null, "TCP"), call("port", s("8080:80")));
        assertValue(spec(80, 80, 8080, 8080, "127.0.0.1", "UDP"), call("port", s("127.0.0.1:8080:80/udp")));
        assertValue(spec(80, 80, null, null, "127.0.0.1", "TCP"), call("port", s("127.0.0.1::80")));
        assertValue(spec(9999, 9999, 9999, 9999, null, "SCTP"), call("port", s("9999:9999/sctp")));
    }

    @Test
    void ipv6HostAddresses() {
        assertValue(spec(6001, 6001, 6001, 6001, "::1", "TCP"), call("port", s("[::1]:6001:6001")));
        assertValue(spec(6000, 6000, 6000, 6000, "::1", "TCP"), call("port", s("::1:6000:6000")));
        assertValue(spec(80, 80, 80, 80, "fe80::1%eth0", "TCP"), call("port", s("[fe80::1%eth0]:80:80")));
    }

    @Test
    void ipv6LiteralsAreValidatedByTheirGroups() {
        for (String ok : new String[] {"::", "::1", "1::", "fe80::1", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1",
            "2001:db8::8a2e:370:7334", "fe80::1%eth0"}) {
            org.junit.jupiter.api.Assertions.assertTrue(PortBuiltins.isIPv6(ok), ok);
        }
        for (String bad : new String[] {"1:2", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "g::1", ":1", "1:",
            "::1%", "1.2.3.4::1", ""}) {
            org.junit.jupiter.api.Assertions.assertFalse(PortBuiltins.isIPv6(bad), bad);
        }
    }

    @Test
    void rangesStayOneValue() {
        assertValue(spec(3000, 3005, null, null, null, "TCP"), call("port", s("3000-3005")));
        assertValue(spec(8080, 8081, 9090, 9091, null, "TCP"), call("port", s("9090-9091:8080-8081")));
        assertValue(spec(80, 80, 8000, 9000, null, "TCP"), call("port", s("8000-9000:80")));
        assertValue(spec(5000, 5010, 5000, 5010, "127.0.0.1", "TCP"), call("port", s("127.0.0.1:5000-5010:5000-5010")));
        assertNull(call("port", s("9090-9092:8080-8081"))); // lengths differ
        assertNull(call("port", s("80:8080-8081"))); // one host port for a container range
    }

    @Test
    void composeLongSyntaxAndContainerPortMaps() {
        assertValue(spec(80, 80, 8080, 8080, "127.0.0.1", "UDP"),
            call("port", map("target", i(80), "published", s("8080"), "host_ip", s("127.0.0.1"), "protocol", s("udp"),
                "mode", s("host"))));
        assertValue(spec(80, 80, 8000, 8010, null, "TCP"), call("port", map("target", i(80), "published", s("8000-8010"))));
        assertValue(spec(80, 80, null, null, null, "TCP"), call("port", map("target", i(80))));
        assertValue(spec(443, 443, 8443, 8443, "0.0.0.0", "TCP"),
            call("port", map("containerPort", i(443), "hostPort", i(8443), "hostIP", s("0.0.0.0"), "protocol", s("TCP"),
                "name", s("https"))));
        assertNull(call("port", map("target", s("http"))));
        assertNull(call("port", map("target", i(80), "protocol", s("http"))));
        assertNull(call("port", map("target", i(80), "host_ip", i(1))));
        assertNull(call("port", map("name", s("web"))));
    }

    @Test
    void invalidPortsGiveNull() {
        for (String bad : new String[] {"", "0", "65536", "80/http", "80/", "http", "-80", "80-", "90-80", "a:80",
            "300.0.0.1:80:80", "host:8080:80", "1:2:3:4", "8080:80:", "80 80", "1234567"}) {
            assertNull(call("port", s(bad)));
        }
        assertNull(call("port", i(0)));
        assertNull(call("port", i(70000)));
        assertNull(call("port", f(80.0)));
        assertNull(call("port", list(i(80))));
        assertNull(call("port", NULL));
    }

    @Test
    void portRange() {
        assertValue(map("start", i(8000), "end", i(8010)), call("port_range", s("8000-8010")));
        assertValue(map("start", i(80), "end", i(80)), call("port_range", s("80")));
        assertValue(map("start", i(0), "end", i(65535)), call("port_range", s("0-65535")));
        assertValue(map("start", i(443), "end", i(443)), call("port_range", i(443)));
        for (String bad : new String[] {"90-80", "1-65536", "a-b", "", "80-", "1-2-3"}) assertNull(call("port_range", s(bad)));
        assertNull(call("port_range", i(-1)));
        assertNull(call("port_range", NULL));
    }

    @Test
    void resultsConformToTheirSchemas() {
        assertEquals(Schemas.standard().type("PortSpec").orElseThrow().fields().keySet(),
            ((Value.MapV) call("port", s("80"))).entries().keySet());
        assertEquals(Schemas.standard().type("PortRange").orElseThrow().fields().keySet(),
            ((Value.MapV) call("port_range", s("80"))).entries().keySet());
    }
}
