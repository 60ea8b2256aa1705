package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A bounded load test: a fixed number of AdmissionReviews over HTTPS from a fixed number of client threads,
 * then it stops and reports throughput and p50/p99 latency. Not part of the default test run:
 *
 * <pre>
 * ./mvnw -B -pl server -am test -Dtest=LoadTest -Dserver.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dload.requests=5000] [-Dload.clients=8] [-Dload.workers=8]
 * </pre>
 */
@Tag("load")
class LoadTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fixedRequestCountOverHttps(@TempDir Path dir) throws Exception {
        int requests = Integer.getInteger("load.requests", 2000);
        int clients = Integer.getInteger("load.clients", 8);
        int workers = Integer.getInteger("load.workers", 8);
        TestCerts certs = TestCerts.generate(dir, "EC");
        ServerOptions options = ServerOptions.builder().address("127.0.0.1").port(0).tls(certs.certificate(), certs.key())
            .workers(workers).queue(requests).build();
        PolicyStore store = new PolicyStore(options);
        assertEquals(true, store.reload().ok());
        String denied = WebhookServerTest.fixture("privileged-pod.json");
        String allowed = WebhookServerTest.fixture("compliant-pod.json");
        HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext())
            .executor(Executors.newFixedThreadPool(clients)).connectTimeout(Duration.ofSeconds(10)).build();
        // The same work without HTTP, for comparison: the check alone on one thread.
        Admission inProcess = new Admission(new Metrics(), s -> { }, false);
        byte[] deniedBytes = denied.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Admission.Checker direct = (engine, name, json) -> engine.check(name, json, org.codomyrmex.policy.model.InputKind.KUBERNETES);
        for (int i = 0; i < 500; i++) inProcess.review(deniedBytes, store.current().orElseThrow(), direct);
        long t = System.nanoTime();
        for (int i = 0; i < 1000; i++) inProcess.review(deniedBytes, store.current().orElseThrow(), direct);
        System.out.printf(Locale.ROOT, "load test: the admission check alone: %.3f ms each on one thread%n", (System.nanoTime() - t) / 1e6 / 1000);

        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            // Warm up the JIT and the connections, untimed.
            for (int i = 0; i < Math.min(200, requests); i++) send(client, server, i % 2 == 0 ? denied : allowed);

            long[] latencies = new long[requests];
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Integer>> wrong = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int first = c;
                wrong.add(pool.submit(() -> {
                    int errors = 0;
                    for (int i = first; i < requests; i += clients) {
                        boolean expectDenied = i % 2 == 0;
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = send(client, server, expectDenied ? denied : allowed);
                        latencies[i] = System.nanoTime() - t0;
                        boolean isAllowed = r.statusCode() == 200 && JSON.readTree(r.body()).at("/response/allowed").asBoolean();
                        if (r.statusCode() != 200 || isAllowed == expectDenied) errors++;
                    }
                    return errors;
                }));
            }
            int errors = 0;
            for (Future<Integer> f : wrong) errors += f.get(10, TimeUnit.MINUTES);
            long elapsed = System.nanoTime() - start;
            pool.shutdown();
            Arrays.sort(latencies);
            System.out.printf(Locale.ROOT, "load test: %d requests, %d clients, %d workers, HTTPS: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d wrong answers%n",
                requests, clients, workers, requests / (elapsed / 1e9), latencies[requests / 2] / 1e6,
                latencies[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)] / 1e6, latencies[requests - 1] / 1e6, errors);
            assertEquals(0, errors);
        }
    }

    static HttpResponse<String> send(HttpClient client, WebhookServer server, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/admit")).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
