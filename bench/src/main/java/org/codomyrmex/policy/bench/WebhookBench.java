package org.codomyrmex.policy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.server.PolicyStore;
import org.codomyrmex.policy.server.ServerOptions;
import org.codomyrmex.policy.server.WebhookServer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

/**
 * Latency of {@code POST /v1/admit} (an AdmissionReview of a Deployment from the corpus, whole standard
 * library) against {@code POST /bench/echo}, an endpoint added to the same server for the run that sends the
 * same review back: same listener, worker pool and body size, so the difference is the admission itself (JSON
 * in and out, loading the object, the rules), not HTTP. One client, requests alternating.
 */
final class WebhookBench {
    record Result(double admitP50, double admitP99, double echoP50, double echoP99, int requests) {
    }

    private WebhookBench() {
    }

    static Result run(int warmup, int requests) throws Exception {
        ServerOptions options = ServerOptions.builder().address("127.0.0.1").port(0).build();
        PolicyStore store = new PolicyStore(options);
        PolicyStore.Outcome loaded = store.reload();
        if (!loaded.ok()) throw new IllegalStateException("policies: " + loaded.rendered());
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            server.addEndpoint("/bench/echo", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI admit = server.baseUri().resolve("/v1/admit"), echo = server.baseUri().resolve("/bench/echo");
            String review = review();
            HttpRequest admitRequest = HttpRequest.newBuilder(admit).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review)).build();
            HttpRequest echoRequest = HttpRequest.newBuilder(echo).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review)).build();
            for (int i = 0; i < warmup; i++) {
                send(client, admitRequest);
                send(client, echoRequest);
            }
            double[] a = new double[requests], h = new double[requests];
            for (int i = 0; i < requests; i++) {
                a[i] = send(client, admitRequest);
                h[i] = send(client, echoRequest);
            }
            Arrays.sort(a);
            Arrays.sort(h);
            return new Result(pct(a, 0.50), pct(a, 0.99), pct(h, 0.50), pct(h, 0.99), requests);
        }
    }

    private static double send(HttpClient client, HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - start) / 1e6;
        if (r.statusCode() != 200) throw new IllegalStateException(request.uri() + ": " + r.statusCode() + " " + r.body());
        return ms;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** An AdmissionReview as the API server sends it, for the first Deployment of the corpus generator. */
    @SuppressWarnings("unchecked")
    static String review() throws Exception {
        String stream = Corpus.kubernetesText(Corpus.DEFAULT_SEED, 1, 1);
        Map<String, Object> object = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(stream);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("apiVersion", "admission.k8s.io/v1");
        root.put("kind", "AdmissionReview");
        ObjectNode request = root.putObject("request");
        request.put("uid", "00000000-0000-0000-0000-000000000001");
        ObjectNode kind = request.putObject("kind");
        kind.put("group", "apps");
        kind.put("version", "v1");
        kind.put("kind", String.valueOf(object.get("kind")));
        request.put("operation", "CREATE");
        request.put("namespace", String.valueOf(((Map<String, Object>) object.get("metadata")).get("namespace")));
        request.set("object", json.valueToTree(object));
        return json.writeValueAsString(root);
    }
}
