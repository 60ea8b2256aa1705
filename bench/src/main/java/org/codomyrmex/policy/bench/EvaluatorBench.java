package org.codomyrmex.policy.bench;

import dev.cel.runtime.CelRuntime;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.runtime.CompiledPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ten admission checks over the same parsed workloads, in our language, in CEL and in plain Java. Parsing is
 * outside the timing for all three; CEL is even given its input already converted to Java maps. Each operation
 * evaluates all ten checks on every workload of the corpus.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EvaluatorBench {
    @Param("1000")
    public int documents;

    private List<Document> workloads;
    private List<Value> pods;
    private List<Map<String, Object>> celInputs;
    private CompiledPolicy policy;
    private List<CelRuntime.Program> cel;

    @Setup
    @SuppressWarnings("unchecked")
    public void setup() {
        workloads = new ArrayList<>();
        pods = new ArrayList<>();
        celInputs = new ArrayList<>();
        for (Document d : Fixtures.kubernetesDocuments(Fixtures.corpus(documents))) {
            Value pod = d.view("pod");
            if (!(pod instanceof Value.MapV)) continue;
            workloads.add(d);
            pods.add(pod);
            celInputs.add(Map.of("pod", AdmissionChecks.toJava(pod)));
        }
        PolicyEngine engine = AdmissionChecks.engine();
        policy = engine.compiledPolicy();
        cel = AdmissionChecks.celPrograms();
        long ours = ours(), inCel = cel(), inJava = java();
        if (ours != inCel || ours != inJava || ours == 0) {
            throw new IllegalStateException("the three versions disagree: ours " + ours + ", CEL " + inCel + ", Java " + inJava);
        }
    }

    /** How many workloads (documents with a pod) each operation checks. */
    public int workloadCount() {
        return workloads.size();
    }

    @Benchmark
    public long ours() {
        long n = 0;
        for (Document d : workloads) n += policy.evaluate(d, PolicyEngine.DEFAULT_STEP_LIMIT).findings().size();
        return n;
    }

    @Benchmark
    public long cel() {
        long n = 0;
        for (Map<String, Object> in : celInputs) n += AdmissionChecks.celCount(cel, in);
        return n;
    }

    @Benchmark
    public long java() {
        long n = 0;
        for (Value pod : pods) n += AdmissionChecks.javaCount(pod);
        return n;
    }
}
