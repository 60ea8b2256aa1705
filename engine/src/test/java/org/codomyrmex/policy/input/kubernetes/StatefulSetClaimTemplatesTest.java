package org.codomyrmex.policy.input.kubernetes;

import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.input.kubernetes.KubeTesting.get;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.only;
import static org.codomyrmex.policy.input.kubernetes.KubeTesting.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A StatefulSet's pods mount the volumes its volumeClaimTemplates make, which the pod template does not list. */
class StatefulSetClaimTemplatesTest {
    static final String STATEFUL_SET = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: shop}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers:
                - name: db
                  image: postgres:16
                  volumeMounts:
                    - {name: data, mountPath: /var/lib/postgresql/data}
                    - {name: missing, mountPath: /x}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                accessModes: [ReadWriteOnce]
                resources: {requests: {storage: 1Gi}}
        """;

    @Test
    void claimTemplateMountsArePersistentVolumeClaimsAndUnknownNamesStillReported() {
        LoadResult r = KubeTesting.load("db.yaml", STATEFUL_SET);
        Document d = only(r);
        Value mounts = get(get(d.view("containers"), 0), "mounts");
        Value data = get(mounts, 0);
        assertEquals("persistentVolumeClaim", str(get(data, "type")));
        assertEquals("data", str(get(data, "source")));
        assertEquals(Boolean.FALSE, ((Value.Bool) get(data, "hostPath")).value());
        String problems = KubeTesting.headlines(r.diagnostics());
        assertTrue(problems.contains("'missing'"), problems);
        assertTrue(!problems.contains("'data'"), problems);
    }
}
