package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;

/**
 * Port specifications as Docker, compose and Kubernetes write them. One function, {@code port}, reads them all
 * into one shape ({@code PortSpec}); a range stays one value with a first and a last port, rather than being
 * expanded into a list, so {@code port("1-65535")} costs nothing and a rule can test a whole range at once.
 *
 * <p>Compose short syntax: {@code [[HOST_IP:]HOST_PORTS:]CONTAINER_PORTS[/PROTOCOL]}, where ports are a number
 * or a range {@code a-b}; the host IP may be IPv4, IPv6 in brackets, or bare IPv6 (everything before the last
 * two colons). An empty host port ({@code "127.0.0.1::80"}) leaves the choice to the runtime. Docker requires a
 * host range to have the same length as the container range, unless the container side is a single port.
 */
final class PortBuiltins {
    static final String CATEGORY = "ports";

    private static final Pattern RANGE = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?");
    private static final Pattern IPV4 = Pattern.compile(
        "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");
    private static final Pattern ZONE = Pattern.compile("[0-9A-Za-z_.-]+");

    private PortBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "port", List.of(p("spec", Type.ANY)), Schemas.standard().type("PortSpec").orElseThrow(),
            "A port or port range as `{containerPort, containerPortEnd, hostPort, hostPortEnd, hostIP, protocol}`. "
                + "Reads numbers (`80`), Dockerfile EXPOSE forms (`\"80/udp\"`), compose short syntax "
                + "(`\"127.0.0.1:8080:80\"`, `\"8000-8010:8000-8010/tcp\"`, `\"[::1]:53:53/udp\"`), compose long "
                + "syntax maps (`target`, `published`, `host_ip`, `protocol`) and container ports maps "
                + "(`containerPort`, `hostPort`, `hostIP`, `protocol`). Protocol defaults to TCP. Null when invalid.",
            "port(\"127.0.0.1:8080:80/udp\") == {\"containerPort\": 80, \"containerPortEnd\": 80, "
                + "\"hostPort\": 8080, \"hostPortEnd\": 8080, \"hostIP\": \"127.0.0.1\", \"protocol\": \"UDP\"} "
                + "and port(\"8000-8010:80\").hostPortEnd == 8010 and port(\"80/http\") == null",
            a -> {
                Spec spec = parse(a[0]);
                return spec == null ? Values.NULL : spec.toValue();
            }));
        add.accept(fn(CATEGORY, "port_range", List.of(p("spec", Type.ANY)), Schemas.standard().type("PortRange").orElseThrow(),
            "A port range `a-b` (or a single port, as a range of one) as `{start, end}`; ports are 0 to 65535 and "
                + "the start may not exceed the end. Null when invalid.",
            "port_range(\"8000-8010\") == {\"start\": 8000, \"end\": 8010} and port_range(\"90-80\") == null",
            a -> {
                int[] r = range(a[0]);
                if (r == null) return Values.NULL;
                Map<String, Value> m = new LinkedHashMap<>();
                m.put("start", Values.integer(r[0]));
                m.put("end", Values.integer(r[1]));
                return Values.map(m);
            }));
    }

    /** A parsed port spec; {@code hostStart}/{@code hostEnd} are -1 when not published. */
    record Spec(int containerStart, int containerEnd, int hostStart, int hostEnd, String hostIP, String protocol) {
        Value toValue() {
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("containerPort", Values.integer(containerStart));
            m.put("containerPortEnd", Values.integer(containerEnd));
            m.put("hostPort", hostStart < 0 ? Values.NULL : Values.integer(hostStart));
            m.put("hostPortEnd", hostStart < 0 ? Values.NULL : Values.integer(hostEnd));
            m.put("hostIP", hostIP == null ? Values.NULL : Values.string(hostIP));
            m.put("protocol", Values.string(protocol));
            return Values.map(m);
        }
    }

    static Spec parse(Value v) {
        if (v instanceof Value.Int i) {
            return i.value() >= 1 && i.value() <= 65535 ? new Spec((int) i.value(), (int) i.value(), -1, -1, null, "TCP") : null;
        }
        if (v instanceof Value.Str s) return parseShort(s.value().strip());
        if (v instanceof Value.MapV m) {
            if (m.entries().containsKey("target")) {
                return fromParts(m.get("target"), m.get("published"), m.get("host_ip"), m.get("protocol"));
            }
            if (m.entries().containsKey("containerPort")) {
                return fromParts(m.get("containerPort"), m.get("hostPort"), m.get("hostIP"), m.get("protocol"));
            }
        }
        return null;
    }

    private static Spec parseShort(String text) {
        String protocol = "TCP";
        int slash = text.lastIndexOf('/');
        if (slash >= 0) {
            protocol = protocol(text.substring(slash + 1));
            if (protocol == null) return null;
            text = text.substring(0, slash);
        }
        String[] parts = text.split(":", -1);
        int n = parts.length;
        String container = parts[n - 1];
        String host = n >= 2 ? parts[n - 2] : "";
        String ip = n >= 3 ? String.join(":", java.util.Arrays.copyOf(parts, n - 2)) : null;
        return build(container, host, ip, protocol);
    }

    private static Spec fromParts(Value container, Value published, Value hostIP, Value protocolValue) {
        String c = portText(container);
        String h = Values.isNull(published) ? "" : portText(published);
        if (c == null || h == null) return null;
        String ip = null;
        if (!Values.isNull(hostIP)) {
            if (!(hostIP instanceof Value.Str s)) return null;
            ip = s.value().isEmpty() ? null : s.value();
        }
        String protocol = "TCP";
        if (!Values.isNull(protocolValue)) {
            protocol = protocolValue instanceof Value.Str s ? protocol(s.value()) : null;
            if (protocol == null) return null;
        }
        return build(c, h, ip, protocol);
    }

    private static String portText(Value v) {
        if (v instanceof Value.Int i) return Long.toString(i.value());
        if (v instanceof Value.Str s) return s.value().strip();
        return null;
    }

    private static Spec build(String container, String host, String ip, String protocol) {
        int[] c = range(container);
        if (c == null || c[0] == 0) return null;
        int[] h = host.isEmpty() ? null : range(host);
        if (!host.isEmpty() && h == null) return null;
        if (h != null && c[1] != c[0] && h[1] - h[0] != c[1] - c[0]) return null;
        if (ip != null) {
            if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.substring(1, ip.length() - 1);
            if (ip.isEmpty()) {
                ip = null;
            } else if (!IPV4.matches(ip) && !isIPv6(ip)) {
                return null;
            }
        }
        return new Spec(c[0], c[1], h == null ? -1 : h[0], h == null ? -1 : h[1], ip, protocol);
    }

    /** An IPv6 literal: eight hex groups, or fewer around one {@code ::}, an IPv4 tail, a {@code %zone}. */
    static boolean isIPv6(String text) {
        int percent = text.indexOf('%');
        if (percent >= 0) {
            if (!ZONE.matches(text.substring(percent + 1))) return false;
            text = text.substring(0, percent);
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return false;
        int groups = 0;
        String[] halves = gap >= 0 ? new String[] {text.substring(0, gap), text.substring(gap + 2)} : new String[] {text};
        for (int h = 0; h < halves.length; h++) {
            if (halves[h].isEmpty()) continue;
            String[] parts = halves[h].split(":", -1);
            for (int k = 0; k < parts.length; k++) {
                boolean lastOfAddress = h == halves.length - 1 && k == parts.length - 1;
                if (lastOfAddress && IPV4.matches(parts[k])) {
                    groups += 2;
                } else if (HEX_GROUP.matches(parts[k])) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        return gap >= 0 ? groups < 8 : groups == 8;
    }

    private static String protocol(String p) {
        String upper = p.toUpperCase(Locale.ROOT);
        return upper.equals("TCP") || upper.equals("UDP") || upper.equals("SCTP") ? upper : null;
    }

    /** {start, end} of a port or range, or null when invalid. */
    static int[] range(Value v) {
        if (v instanceof Value.Int i) {
            return i.value() >= 0 && i.value() <= 65535 ? new int[] {(int) i.value(), (int) i.value()} : null;
        }
        return v instanceof Value.Str s ? range(s.value().strip()) : null;
    }

    private static int[] range(String text) {
        com.google.re2j.Matcher m = RANGE.matcher(text);
        if (!m.matches()) return null;
        int start = Integer.parseInt(m.group(1));
        int end = m.group(2) == null ? start : Integer.parseInt(m.group(2));
        if (start > 65535 || end > 65535 || start > end) return null;
        return new int[] {start, end};
    }
}
