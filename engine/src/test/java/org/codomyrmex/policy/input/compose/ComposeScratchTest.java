package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Values;
import org.junit.jupiter.api.Test;

import java.util.Map;

class ComposeScratchTest {
    @Test
    void dump() {
        for (String[] files : new String[][] {{"webapp/compose.yaml"}, {"webapp/compose.yaml", "webapp/compose.override.yaml"},
            {"extends/compose.yaml"}, {"syntax/ports.yaml"}, {"syntax/volumes.yaml"}, {"syntax/options.yaml"},
            {"errors/required.yaml"}, {"errors/bad-interpolation.yaml"}, {"errors/invalid.yaml"}, {"errors/not-a-mapping.yaml"},
            {"errors/services-list.yaml"}, {"errors/extends-unknown.yaml"}, {"errors/extends-cycle.yaml"}, {"errors/misc.yaml"}}) {
            LoadResult r = ComposeFixtures.load(Map.of("HOME", "/home/tester", "EMPTY", "", "COMPOSE_PROFILES", "debug"), files);
            System.out.println("=== " + String.join(" ", files));
            System.out.print(ComposeFixtures.dump(r));
            for (Document d : r.documents()) {
                System.out.println(org.codomyrmex.policy.testing.SchemaConformance.violations(d));
                for (String v : new String[] {"project", "services", "containers", "networks", "volumes", "secrets", "configs"}) {
                    System.out.println(v + ": " + Values.literal(d.view(v)));
                }
            }
        }
    }
}
