package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.codomyrmex.policy.api.CheckOptions;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.runtime.Budget;
import org.codomyrmex.policy.runtime.Cancellation;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code policy serve}: the engine over HTTP(S) on the JDK's HTTP server.
 *
 * <ul>
 *   <li>{@code POST /v1/admit}: Kubernetes AdmissionReview v1 (validating), see {@link Admission};</li>
 *   <li>{@code POST /v1/check}: {@code {"kind": "kubernetes", "documents": [{"name", "content"}]}} in, the JSON
 *       report out;</li>
 *   <li>{@code POST /v1/reload}: re-reads policies, settings and project config (from loopback only);</li>
 *   <li>{@code GET /healthz}, {@code /readyz}, {@code /metrics} (Prometheus text).</li>
 * </ul>
 *
 * Bodies over the limit get 413; each check runs under the timeout; a bounded pool serves requests and answers
 * "busy" beyond it. Start with {@link #start}; {@link #close()} stops accepting and lets requests finish.
 */
public final class WebhookServer implements AutoCloseable {
    /** The paths the webhook serves; any other path is answered 404 (and counted as "other"). */
    private static final java.util.Set<String> ENDPOINTS =
        java.util.Set.of("/v1/admit", "/v1/check", "/v1/reload", "/healthz", "/readyz", "/metrics");
    private final ServerOptions options;
    private final PolicyStore store;
    private final PrintStream log;
    private final HttpServer http;
    private final WorkerPool pool;
    private final ThreadPoolExecutor checks;
    private final AtomicLong cancelledChecks = new AtomicLong();
    private final ScheduledExecutorService watcher;
    private final Metrics metrics = new Metrics();
    private final Admission admission;
    private volatile boolean stopping;
    private final Optional<ReloadingKeyManager> keys;

    private WebhookServer(ServerOptions options, PolicyStore store, PrintStream log, Consumer<String> auditLog,
                          Optional<ReloadingKeyManager> tls, Optional<SSLContext> context) throws IOException {
        this.options = options;
        this.store = store;
        this.log = log;
        this.admission = new Admission(metrics, auditLog, log::println, options.failOpen());
        this.keys = tls;
        limitRequestTimes(options);
        InetSocketAddress address = new InetSocketAddress(options.address(), options.port());
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(context.orElseThrow()));
            http = https;
        } else {
            http = HttpServer.create(address, 128);
        }
        pool = new WorkerPool(options.workers(), options.queue());
        checks = new ThreadPoolExecutor(options.workers(), options.workers(), 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), WorkerPool.named("policy-check"));
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        metrics.gauge("policy_engine_generation", () -> store.current().map(PolicyStore.Loaded::generation).orElse(0L));
        metrics.gauge("policy_engine_rules", () -> store.current().map(l -> (long) l.engine().rules().size()).orElse(0L));
        metrics.gauge("policy_requests_queued", () -> pool.queued());
        metrics.gauge("policy_workers_busy", () -> pool.active());
        watcher = Executors.newSingleThreadScheduledExecutor(WorkerPool.named("policy-reload"));
        if (!options.reloadInterval().isZero()) {
            long every = options.reloadInterval().toMillis();
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts serving with the store's current generation (load it first with {@link PolicyStore#reload()}).
     *
     * @param log      server events (start, reloads, failures)
     * @param auditLog one JSON line per admission request with findings
     * @throws Pem.PemException when the certificate or key cannot be used
     * @throws IOException      when the address cannot be bound
     */
    public static WebhookServer start(ServerOptions options, PolicyStore store, PrintStream log, Consumer<String> auditLog)
        throws IOException, Pem.PemException {
        if (store.current().isEmpty()) throw new IllegalStateException("load the policies before starting the server");
        Optional<ReloadingKeyManager> tls = options.tls()
            ? Optional.of(new ReloadingKeyManager(options.tlsCertificate().get(), options.tlsKey().get()))
            : Optional.empty();
        Optional<SSLContext> context = tls.isPresent() ? Optional.of(Pem.sslContext(tls.get())) : Optional.empty();
        WebhookServer server = new WebhookServer(options, store, log, auditLog, tls, context);
        server.http.start();
        PolicyStore.Loaded loaded = store.current().get();
        log.println("policy serve: listening on " + server.baseUri() + " with " + loaded.engine().rules().size()
            + " rules; deny at " + loaded.settings().enforce().id() + " and above" + (loaded.settings().audit() ? " (audit mode: never denies)" : "")
            + "; fail " + (options.failOpen() ? "open" : "closed")
            + loaded.config().file().map(f -> "; project config " + f + " with " + loaded.admissionExceptions().size() + " exceptions for admission").orElse(""));
        return server;
    }

    /**
     * Serves one more endpoint on this server's listener and worker pool, beside the webhook's own; a path the
     * webhook already serves cannot be taken. The benchmark suite adds an echo here as the baseline for
     * {@code /v1/admit}, so both are measured through the same HTTP stack.
     */
    public void addEndpoint(String path, com.sun.net.httpserver.HttpHandler handler) {
        if (path.equals("/") || ENDPOINTS.contains(path)) {
            throw new IllegalArgumentException(path + " is served by the webhook");
        }
        http.createContext(path, handler);
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code https://127.0.0.1:8443} and the like. */
    public URI baseUri() {
        String host = options.address().equals("0.0.0.0") ? "127.0.0.1" : options.address();
        return URI.create((options.tls() ? "https" : "http") + "://" + host + ":" + port());
    }

    /** The server's metrics. */
    public Metrics metrics() {
        return metrics;
    }

    /** Stops accepting requests, lets those in flight finish (up to the timeout), and stops the threads. */
    @Override
    public void close() {
        stopping = true;
        watcher.shutdownNow();
        http.stop((int) Math.max(1, Math.min(10, options.timeout().toSeconds())));
        pool.shutdown();
        checks.shutdownNow();
    }

    /**
     * The JDK server reads its settings once, from system properties; set them (when the user has not) before
     * the first server is created: request and response time limits, so a client that sends slowly is cut off,
     * and TCP_NODELAY, without which the separately written headers and body of each answer wait on delayed
     * ACKs (about 40 ms a request).
     */
    private static void limitRequestTimes(ServerOptions options) {
        String seconds = Long.toString(Math.max(10, options.timeout().toSeconds() * 2));
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", seconds);
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) System.setProperty("sun.net.httpserver.maxRspTime", seconds);
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private void reloadIfChanged() {
        try {
            if (store.changedOnDisk()) reload("files changed");
        } catch (RuntimeException e) {
            log.println("policy serve: reload failed: " + e);
        }
        reloadCertificate();
    }

    /** Serves the certificate and key files again when they changed; a pair that cannot be used is logged and skipped. */
    private void reloadCertificate() {
        if (keys.isEmpty()) return;
        try {
            if (keys.get().reloadIfChanged()) {
                java.security.cert.X509Certificate leaf = keys.get().leaf();
                log.println("policy serve: serving a new TLS certificate: " + leaf.getSubjectX500Principal().getName()
                    + ", valid until " + leaf.getNotAfter().toInstant());
            }
        } catch (Pem.PemException e) {
            log.println("policy serve: the TLS certificate files changed but cannot be used, still serving the old pair: " + e.getMessage());
            metrics.error("certificate_reload_failed");
        }
    }


    private PolicyStore.Outcome reload(String why) {
        PolicyStore.Outcome outcome = store.reload();
        metrics.reload(outcome.ok());
        if (outcome.ok()) {
            log.println("policy serve: reloaded (" + why + "): generation " + outcome.loaded().get().generation() + ", "
                + outcome.loaded().get().engine().rules().size() + " rules");
            log.print(outcome.rendered()); // the warnings, if any
        } else {
            log.println("policy serve: reload (" + why + ") failed; still serving generation "
                + store.current().map(PolicyStore.Loaded::generation).orElse(0L) + ":\n" + outcome.rendered());
        }
        return outcome;
    }

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        String route = ENDPOINTS.contains(path) ? path : "other";
        int status = 500;
        try {
            status = route(exchange, route);
        } catch (IOException e) {
            metrics.error("io"); // the client went away; nothing to answer
        } catch (RuntimeException e) {
            metrics.error("internal");
            log.println("policy serve: internal error on " + path + ": " + e);
            status = trySend(exchange, Admission.error(500, "internal error"));
        } finally {
            metrics.request(route, status, System.nanoTime() - started);
            exchange.close();
        }
    }

    private int route(HttpExchange exchange, String route) throws IOException {
        String method = exchange.getRequestMethod();
        switch (route) {
            case "/healthz":
                return sendText(exchange, 200, "ok\n", "text/plain; charset=utf-8");
            case "/readyz":
                boolean ready = !stopping && store.current().isPresent();
                return sendText(exchange, ready ? 200 : 503, ready ? "ready\n" : "not ready\n", "text/plain; charset=utf-8");
            case "/metrics":
                return sendText(exchange, 200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
            case "other":
                return send(exchange, Admission.error(404, "no such endpoint; see docs/webhook.md"));
            default:
                break;
        }
        if (!method.equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            return send(exchange, Admission.error(405, route + " takes POST"));
        }
        if (route.equals("/v1/reload")) {
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                return send(exchange, Admission.error(403, "reload is allowed from loopback only"));
            }
            PolicyStore.Outcome outcome = reload("POST /v1/reload");
            reloadCertificate();
            ObjectNode body = Admission.MAPPER.createObjectNode();
            body.put("reloaded", outcome.ok());
            body.put("generation", store.current().map(PolicyStore.Loaded::generation).orElse(0L));
            if (!outcome.ok()) body.put("errors", outcome.rendered());
            return send(exchange, new Admission.Answer(outcome.ok() ? 200 : 422, body));
        }
        Optional<byte[]> body = readBody(exchange);
        if (body.isEmpty()) {
            metrics.error("too_large");
            return send(exchange, Admission.error(413, "the body is larger than " + options.maxBodyBytes() + " bytes"));
        }
        if (WorkerPool.shedding()) {
            if (route.equals("/v1/admit")) return send(exchange, admission.unavailable(body.get(), "the server is busy"));
            metrics.error("overload");
            return send(exchange, Admission.error(503, "the server is busy; retry later"));
        }
        PolicyStore.Loaded loaded = store.current().orElseThrow();
        if (route.equals("/v1/admit")) {
            return send(exchange, admission.review(body.get(), loaded,
                (engine, name, json) -> withTimeout(stop -> engine.check(List.of(InputSource.ofText(name, json)),
                    CheckOptions.defaults().withKind(Optional.of(InputKind.KUBERNETES)).withCancellation(stop)))));
        }
        return send(exchange, checkApi(body.get(), loaded.engine()));
    }

    /** {@code POST /v1/check}: documents in, the JSON report out. */
    private Admission.Answer checkApi(byte[] body, PolicyEngine engine) {
        JsonNode request;
        try {
            request = Admission.MAPPER.readTree(body);
        } catch (IOException e) {
            metrics.error("bad_request");
            return Admission.error(400, "the body is not JSON");
        }
        if (request == null || !request.path("documents").isArray()) {
            metrics.error("bad_request");
            return Admission.error(400, "expected {\"documents\": [{\"name\": ..., \"content\": ...}], \"kind\": optional}");
        }
        Optional<InputKind> kind = Optional.empty();
        if (request.has("kind")) {
            kind = InputKind.parse(request.path("kind").asText());
            if (kind.isEmpty()) {
                metrics.error("bad_request");
                return Admission.error(400, "kind is one of kubernetes, compose, dockerfile, image");
            }
        }
        List<InputSource> sources = new ArrayList<>();
        int i = 0;
        for (JsonNode d : request.path("documents")) {
            i++;
            if (!d.path("content").isTextual()) {
                metrics.error("bad_request");
                return Admission.error(400, "document " + i + " has no \"content\" string");
            }
            JsonNode given = d.path("name");
            String name = given.isMissingNode() || given.isNull() ? "document-" + i : given.asText();
            // The name stands for a file in the report, and loaders make paths of it (a NUL ended the check with
            // an internal error); a number or object was read as "", a file named nothing.
            if (!given.isMissingNode() && !given.isNull() && (!given.isTextual() || name.isBlank() || hasControlCharacter(name))) {
                metrics.error("bad_request");
                return Admission.error(400, "document " + i + " has a \"name\" that is not a file name: give a non-empty "
                    + "string without control characters, or leave it out");
            }
            InputSource source = InputSource.ofText(name, d.path("content").asText());
            // Compose files name other files (env_file, extends, build contexts) that the loader reads from disk;
            // over the network that would let a caller read the server's files, so compose is refused here.
            if (Inputs.kindOf(source, kind).orElse(null) == InputKind.COMPOSE) {
                metrics.error("bad_request");
                return Admission.error(400, "document " + i + " is a compose file; compose files refer to other files on "
                    + "disk and are not checked over the network: use `policy check` where the files are");
            }
            sources.add(source);
        }
        Optional<InputKind> k = kind;
        try {
            Report report = withTimeout(stop -> engine.check(sources, CheckOptions.defaults().withKind(k).withCancellation(stop)));
            return new Admission.Answer(200, Admission.MAPPER.readTree(report.toJson()));
        } catch (TimeoutException e) {
            metrics.error("timeout");
            return Admission.error(503, "the check took longer than " + options.timeout().toMillis() + " ms");
        } catch (Exception e) {
            metrics.error("internal");
            log.println("policy serve: internal error in /v1/check: " + e);
            return Admission.error(500, "internal error");
        }
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    /**
     * Runs a check on the check pool; a check that ends after the deadline counts as timed out too. A check past
     * its deadline is cancelled, so it stops at its next checkpoint instead of holding a worker until its step
     * budget runs out.
     */
    private Report withTimeout(Function<Cancellation, Report> check) throws Exception {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        Cancellation stop = Cancellation.create();
        Future<Report> future = checks.submit(() -> {
            try {
                return check.apply(stop);
            } catch (Budget.Interrupted e) {
                cancelledChecks.incrementAndGet();
                throw e;
            }
        });
        try {
            Report report = future.get(options.timeout().toNanos(), TimeUnit.NANOSECONDS);
            if (System.nanoTime() - deadline > 0) throw new TimeoutException();
            return report;
        } catch (TimeoutException e) {
            stop.cancel();
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Budget.Interrupted) throw new TimeoutException(); // cancelled at the deadline
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Checks cancelled at their deadline, for tests: each stopped instead of running to its step budget. */
    long cancelledChecks() {
        return cancelledChecks.get();
    }

    /** The body, or empty when it is over the limit (by its declared length, or by what arrives). */
    private Optional<byte[]> readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        InputStream in = exchange.getRequestBody();
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                length = Long.MAX_VALUE;
            }
            if (length > options.maxBodyBytes()) {
                refuse(exchange, in);
                return Optional.empty();
            }
        }
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxBodyBytes() + 1));
        if (bytes.length > options.maxBodyBytes()) {
            refuse(exchange, in);
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /**
     * Before answering 413: closing a connection with unread data in it resets it, and the client may never see
     * the answer. Read and drop a bounded amount so a client a little over the limit gets a clean 413; beyond
     * that the connection is closed anyway.
     */
    private static void refuse(HttpExchange exchange, InputStream in) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        long budget = 8L * 1024 * 1024;
        byte[] sink = new byte[64 * 1024];
        while (budget > 0) {
            int n = in.read(sink, 0, (int) Math.min(sink.length, budget));
            if (n < 0) break;
            budget -= n;
        }
    }

    private int send(HttpExchange exchange, Admission.Answer answer) throws IOException {
        return sendText(exchange, answer.status(), Admission.write(answer.body()) + "\n", "application/json");
    }

    private int trySend(HttpExchange exchange, Admission.Answer answer) {
        try {
            return send(exchange, answer);
        } catch (IOException | RuntimeException e) {
            return answer.status(); // headers may already be out; the connection is closed below
        }
    }

    private static int sendText(HttpExchange exchange, int status, String text, String contentType) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            // A HEAD answer has no body: the JDK server refuses one (an IOException, counted as an I/O error
            // with status 500) and warns about a length; a probe asking HEAD /healthz gets the headers only.
            exchange.sendResponseHeaders(status, -1);
            exchange.getResponseBody().close();
            return status;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }
}
