package org.codomyrmex.policy.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How {@code policy serve} runs: where it listens, TLS, which policies and settings it loads, and its limits.
 * Build one with {@link #builder()}.
 *
 * @param address         the address to listen on ({@code 0.0.0.0} for every interface)
 * @param port            the port; 0 picks a free one (tests)
 * @param tlsCertificate  PEM certificate chain; with {@code tlsKey}, the server speaks HTTPS only
 * @param tlsKey          PEM PKCS#8 private key
 * @param policyPaths     {@code .policy} files or folders loaded next to (or instead of) the standard library
 * @param standardLibrary whether the standard library is loaded
 * @param config          the webhook settings file ({@link WebhookSettings})
 * @param policyConfig    the project's {@code .policy.yaml}: rule selection, severities, parameters, policy folders
 *                        and exceptions, as {@code policy check} applies them
 * @param audit           audit mode, whatever the settings file says
 * @param maxBodyBytes    larger request bodies are refused with 413
 * @param timeout         how long one check may take before the request fails (by the failure mode)
 * @param workers         threads serving requests
 * @param queue           requests waiting for a worker; beyond that the server answers "busy"
 * @param failOpen        on internal errors, allow (true) or deny (false, the default)
 * @param reloadInterval  how often policy and config files are looked at for changes; zero: never
 */
public record ServerOptions(String address, int port, Optional<Path> tlsCertificate, Optional<Path> tlsKey,
                            List<Path> policyPaths, boolean standardLibrary, Optional<Path> config,
                            Optional<Path> policyConfig, boolean audit,
                            long maxBodyBytes, Duration timeout, int workers, int queue, boolean failOpen,
                            Duration reloadInterval) {

    /** The largest body a Java array holds. */
    static final long MAX_BODY_BYTES = Integer.MAX_VALUE - 8;
    /** Far beyond any API server's patience; it keeps the time arithmetic (nanoseconds, twice the timeout) in range. */
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    public ServerOptions {
        policyPaths = List.copyOf(policyPaths);
        if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("give both a TLS certificate and its key, or neither");
        }
        if (workers < 1 || queue < 0 || maxBodyBytes < 1 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("workers, body limit and timeout must be positive, the queue not negative");
        }
        // Checked here, not where the socket is bound or the reload is scheduled: there they end the start with
        // the JDK's bare IllegalArgumentException instead of a usage error.
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port is a number from 0 to 65535, not " + port);
        }
        // Larger values overflowed where they are used: a body limit past the largest Java array read every body
        // as empty, and a timeout past Long.MAX_VALUE nanoseconds made every check an internal error.
        if (maxBodyBytes > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("the body limit is at most " + MAX_BODY_BYTES + " bytes, not " + maxBodyBytes);
        }
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the timeout is at most a day (" + MAX_TIMEOUT.toMillis() + " ms), not " + timeout.toMillis() + " ms");
        }
        if (reloadInterval.isNegative()) {
            throw new IllegalArgumentException("the reload interval is 0 (never) or a number of seconds, not " + reloadInterval.toSeconds());
        }
    }

    /** True when the server speaks HTTPS. */
    public boolean tls() {
        return tlsCertificate.isPresent();
    }

    /** A builder with the defaults of {@code policy serve}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ServerOptions}; every setter has the default {@code policy serve} uses. */
    public static final class Builder {
        private Optional<String> address = Optional.empty();
        private int port = 8443;
        private Optional<Path> certificate = Optional.empty();
        private Optional<Path> key = Optional.empty();
        private final List<Path> policyPaths = new ArrayList<>();
        private boolean standardLibrary = true;
        private Optional<Path> config = Optional.empty();
        private Optional<Path> policyConfig = Optional.empty();
        private boolean audit;
        private long maxBodyBytes = 3L * 1024 * 1024;
        private Duration timeout = Duration.ofSeconds(5);
        private int workers = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        private int queue = 64;
        private boolean failOpen;
        private Duration reloadInterval = Duration.ZERO;

        private Builder() {
        }

        /** Default: {@code 0.0.0.0} with TLS, {@code 127.0.0.1} without (plain HTTP is for local use). */
        public Builder address(String a) { this.address = Optional.of(a); return this; }

        /** Default 8443. */
        public Builder port(int p) { this.port = p; return this; }

        /** Serve HTTPS with this PEM certificate chain and PKCS#8 key. */
        public Builder tls(Path certificateFile, Path keyFile) {
            this.certificate = Optional.of(certificateFile);
            this.key = Optional.of(keyFile);
            return this;
        }

        /** Adds a {@code .policy} file or folder. */
        public Builder policyPath(Path p) { policyPaths.add(p); return this; }

        /** Default on. */
        public Builder standardLibrary(boolean on) { this.standardLibrary = on; return this; }

        /** The webhook settings file. */
        public Builder config(Path file) { this.config = Optional.of(file); return this; }

        /** The project's {@code .policy.yaml}. */
        public Builder policyConfig(Path file) { this.policyConfig = Optional.of(file); return this; }

        /** Default off. */
        public Builder audit(boolean on) { this.audit = on; return this; }

        /** Default 3 MiB (the Kubernetes API server's own request limit). */
        public Builder maxBodyBytes(long n) { this.maxBodyBytes = n; return this; }

        /** Default 5 s (well inside the API server's default webhook timeout of 10 s). */
        public Builder timeout(Duration d) { this.timeout = d; return this; }

        /** Default: twice the processors, at least 2. */
        public Builder workers(int n) { this.workers = n; return this; }

        /** Default 64. */
        public Builder queue(int n) { this.queue = n; return this; }

        /** Default false: fail closed. */
        public Builder failOpen(boolean on) { this.failOpen = on; return this; }

        /** Default zero: files are only re-read on {@code POST /v1/reload}. */
        public Builder reloadInterval(Duration d) { this.reloadInterval = d; return this; }

        /** The options; throws {@link IllegalArgumentException} for inconsistent ones. */
        public ServerOptions build() {
            return new ServerOptions(address.orElse(certificate.isPresent() ? "0.0.0.0" : "127.0.0.1"), port, certificate,
                key, policyPaths, standardLibrary, config, policyConfig, audit, maxBodyBytes, timeout, workers, queue, failOpen, reloadInterval);
        }
    }
}
