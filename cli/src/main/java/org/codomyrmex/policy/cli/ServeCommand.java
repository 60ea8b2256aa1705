package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.server.Pem;
import org.codomyrmex.policy.server.PolicyStore;
import org.codomyrmex.policy.server.ServerOptions;
import org.codomyrmex.policy.server.WebhookServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code policy serve}: the Kubernetes admission webhook and JSON API (docs/webhook.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the checks over HTTP(S): a Kubernetes validating admission webhook (POST /v1/admit), "
        + "a JSON API (POST /v1/check), /healthz, /readyz and /metrics.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  policy serve --tls-cert tls.crt --tls-key tls.key --config webhook.yaml",
        "  policy serve --tls-cert tls.crt --tls-key tls.key --policy-config .policy.yaml",
        "  policy serve --port 8080 --audit             plain HTTP on 127.0.0.1",
        "  policy serve -p rules/ --reload-interval 10  re-read changed policies",
        "",
        "Stops on SIGTERM or Ctrl-C after the requests in flight.",
        "Exit 2 when the policies, the config or the certificate cannot be used,",
        "or the port cannot be bound."})
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = 8443;

    @Option(names = "--address", paramLabel = "ADDR", description = "Address to listen on (default: 0.0.0.0 with TLS, 127.0.0.1 without).")
    String address;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain; with --tls-key, serve HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --tls-cert.")
    Path tlsKey;

    @Option(names = {"-p", "--policy"}, paramLabel = "PATH", description = "A .policy file or a folder of them; repeatable.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-stdlib", description = "Do not load the standard library.")
    boolean noStdlib;

    @Option(names = "--config", paramLabel = "FILE", description = "Webhook settings: enforce, audit, exemptions, disabledRules, severities, parameters (these three win over --policy-config).")
    Path config;

    @Option(names = "--policy-config", paramLabel = "FILE", description = "The project's .policy.yaml, as policy check reads it: "
        + "rule selection, severities, enforcement, parameters, policy folders and exceptions apply to admission too.")
    Path policyConfig;

    @Option(names = "--audit", description = "Never deny; report what would be denied as warnings, audit annotations and log lines.")
    boolean audit;

    @CommandLine.ArgGroup(exclusive = true)
    FailureMode failureMode;

    static final class FailureMode {
        @Option(names = "--fail-closed", description = "Deny when a request cannot be checked (default).")
        boolean closed;

        @Option(names = "--fail-open", description = "Allow when a request cannot be checked.")
        boolean open;
    }

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "Refuse larger request bodies with 413 (default: 3145728).")
    long maxBodyBytes = 3L * 1024 * 1024;

    @Option(names = "--timeout", paramLabel = "MS", description = "Milliseconds one check may take (default: ${DEFAULT-VALUE}).")
    long timeoutMillis = 5000;

    @Option(names = "--workers", paramLabel = "N", description = "Threads serving requests (default: twice the processors).")
    Integer workers;

    @Option(names = "--queue", paramLabel = "N", description = "Requests that may wait for a worker before the server answers busy (default: ${DEFAULT-VALUE}).")
    int queue = 64;

    @Option(names = "--reload-interval", paramLabel = "SECONDS", description = "Look for changed policy and config files this often; 0: only on POST /v1/reload from loopback (default: ${DEFAULT-VALUE}).")
    long reloadSeconds = 0;

    @Override
    public Integer call() throws InterruptedException {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give both --tls-cert and --tls-key, or neither");
        }
        ServerOptions.Builder b = ServerOptions.builder().port(port).standardLibrary(!noStdlib).audit(audit)
            .failOpen(failureMode != null && failureMode.open).maxBodyBytes(maxBodyBytes)
            .timeout(Duration.ofMillis(timeoutMillis)).queue(queue).reloadInterval(Duration.ofSeconds(reloadSeconds));
        if (address != null) b.address(address);
        if (tlsCert != null) b.tls(tlsCert, tlsKey);
        if (config != null) b.config(config);
        if (policyConfig != null) b.policyConfig(policyConfig);
        if (workers != null) b.workers(workers);
        policies.forEach(b::policyPath);
        ServerOptions options;
        try {
            options = b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintStream log = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        PrintStream auditOut = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PolicyStore store = new PolicyStore(options);
        PolicyStore.Outcome first = store.reload();
        if (!first.ok()) {
            log.print(first.rendered());
            log.println("policy serve: not started: the policies or the config have errors");
            return 2;
        }
        log.print(first.rendered()); // the warnings, if any
        WebhookServer server;
        try {
            server = WebhookServer.start(options, store, log, auditOut::println);
        } catch (Pem.PemException e) {
            log.println("policy serve: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            log.println("policy serve: cannot listen on " + options.address() + ":" + options.port() + ": " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.println("policy serve: stopping");
            server.close();
            stopped.countDown();
        }, "policy-serve-shutdown"));
        stopped.await();
        return 0;
    }
}
