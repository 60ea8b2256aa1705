package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reloading policies while serving, the worker pool's overload answer, and PEM handling. */
class ReloadAndLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RULE = """
        package team

        rule TEAM-001 "Containers named debug" {
          severity critical
          threat kubernetes-security
          for c in containers
          where c.name == "%s"
          report "container {c.name} is not allowed" at c.name
        }
        """;

    static boolean allowed(HttpClient client, WebhookServer server) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/admit"))
            .POST(HttpRequest.BodyPublishers.ofString(WebhookServerTest.fixture("privileged-pod.json"))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).at("/response/allowed").asBoolean();
    }

    @Test
    void reloadSwapsPoliciesAndKeepsTheOldOnesWhenTheNewAreBroken(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("team.policy");
        Files.writeString(policy, RULE.formatted("nothing"));
        ServerOptions options = ServerOptions.builder().port(0).standardLibrary(false).policyPath(dir).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(log, true, StandardCharsets.UTF_8), s -> { })) {
            assertTrue(allowed(client, server));

            Files.writeString(policy, RULE.formatted("shell"));
            HttpResponse<String> reloaded = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertEquals(2, JSON.readTree(reloaded.body()).get("generation").asInt());
            assertFalse(allowed(client, server), "the new rule denies the pod's shell container");

            Files.writeString(policy, RULE.formatted("shell").replace("c.name ==", "c.nmae =="));
            HttpResponse<String> broken = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(422, broken.statusCode());
            JsonNode body = JSON.readTree(broken.body());
            assertEquals(2, body.get("generation").asInt(), "the working generation stays");
            assertTrue(body.get("errors").asText().contains("team.policy:7:"), body.toString());
            assertFalse(allowed(client, server), "still served by generation 2");
            assertEquals(1, server.metrics().counter("policy_reloads_total", "result", "failed"));
        }
    }

    @Test
    void reloadsDoNotDropRequestsInFlight(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("team.policy");
        Files.writeString(policy, RULE.formatted("shell"));
        ServerOptions options = ServerOptions.builder().port(0).standardLibrary(false).policyPath(dir).workers(4).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.List<java.util.concurrent.Future<Integer>> answered = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                answered.add(senders.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 40; i++) {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/admit"))
                            .POST(HttpRequest.BodyPublishers.ofString(WebhookServerTest.fixture("privileged-pod.json"))).build(),
                            HttpResponse.BodyHandlers.ofString());
                        JsonNode response = JSON.readTree(r.body()).get("response");
                        // Either generation's answer is fine; a dropped or broken answer is not.
                        if (r.statusCode() == 200 && response.get("uid").asText().equals("705ab4f5-6393-11e8-b7cc-42010a800002")) ok++;
                    }
                    return ok;
                }));
            }
            for (int i = 0; i < 6; i++) {
                Files.writeString(policy, RULE.formatted(i % 2 == 0 ? "nothing" : "shell"));
                assertTrue(store.reload().ok());
            }
            int total = 0;
            for (java.util.concurrent.Future<Integer> f : answered) total += f.get(60, TimeUnit.SECONDS);
            senders.shutdown();
            assertEquals(160, total);
            assertEquals(7, store.current().orElseThrow().generation());
        }
    }

    @Test
    void fileWatcherReloadsChangedPolicies(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("team.policy");
        Files.writeString(policy, RULE.formatted("nothing"));
        ServerOptions options = ServerOptions.builder().port(0).standardLibrary(false).policyPath(dir)
            .reloadInterval(Duration.ofMillis(100)).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        HttpClient client = HttpClient.newHttpClient();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            assertTrue(allowed(client, server));
            replaceAtOnce(policy, RULE.formatted("shell"));
            Poll.until(Duration.ofSeconds(20), () -> store.current().orElseThrow().generation() >= 2);
            assertEquals(2, store.current().orElseThrow().generation());
            assertFalse(allowed(client, server));
        }
    }

    /**
     * Replaces {@code file} by a rename, already dated ahead of now (coarse file clocks): the watcher, looking every
     * 100 ms, sees one change. Written in place and then dated, it could see the file empty or half written (and
     * load that), or the write and then the new date as two changes (a third generation).
     */
    static void replaceAtOnce(Path file, String text) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.setLastModifiedTime(next, FileTime.from(Instant.now().plusSeconds(5)));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void checksOverTheTimeoutFollowTheFailureMode(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("team.policy"), RULE.formatted("shell"));
        // A timeout of one nanosecond: no check can finish in time.
        for (boolean failOpen : new boolean[] {false, true}) {
            ServerOptions options = ServerOptions.builder().port(0).standardLibrary(false).policyPath(dir)
                .timeout(Duration.ofNanos(1)).failOpen(failOpen).build();
            PolicyStore store = new PolicyStore(options);
            assertTrue(store.reload().ok());
            try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/admit"))
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookServerTest.fixture("compliant-pod.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
                JsonNode response = JSON.readTree(r.body()).get("response");
                assertEquals(failOpen, response.get("allowed").asBoolean(), r.body());
                String said = failOpen ? response.at("/warnings/0").asText() : response.at("/status/message").asText();
                assertTrue(said.contains("the check took longer than the timeout"), r.body());
                assertEquals(1, server.metrics().counter("policy_errors_total", "kind", "timeout"));
            }
        }
    }

    /** Each innermost step reads the entropy of a 40 KB annotation: 10^6 of them take a minute, far past the timeout. */
    static final String SLOW_RULE = """
        package slow

        rule SLOW-001 "Slow" {
          severity low
          threat kubernetes-security
          let xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
          let blob = resource.metadata.annotations["blob"]
          where (count a in xs: (count b in xs: (count c in xs: (count d in xs: (count e in xs: (count f in xs:
            entropy(blob) > 9.0) > 0) > 0) > 0) > 0) > 0) > 0
          report "slow" at resource.metadata.name
        }
        """;

    @Test
    void aCheckPastItsDeadlineStopsInsteadOfHoldingAWorker(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slow.policy"), SLOW_RULE);
        ServerOptions options = ServerOptions.builder().port(0).standardLibrary(false).policyPath(dir)
            .timeout(Duration.ofMillis(300)).workers(1).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok(), store.reload().rendered());
        // A million cheap steps rather than ten thousand dear ones: minutes uncancelled, yet a checkpoint (every 256
        // steps) comes within milliseconds even on a loaded machine, where the dear ones took seconds apart.
        String blob = "ab".repeat(20_000);
        String review = """
            {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1", "operation": "CREATE",
             "kind": {"group": "", "version": "v1", "kind": "Pod"}, "namespace": "default", "userInfo": {"username": "u"},
             "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"blob": "%s"}},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}
            """.formatted(blob);
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(new ByteArrayOutputStream()), s -> { })) {
            long start = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/admit"))
                .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.body().contains("the check took longer than the timeout"), r.body());
            // Told to stop at the deadline, the check ends at its next checkpoint, not seconds later at its step budget.
            while (server.cancelledChecks() == 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)) Thread.sleep(20);
            assertEquals(1, server.cancelledChecks());
        }
    }

    /**
     * --policy on a ConfigMap volume, as the kubelet writes it: team.policy links to ..data/team.policy, the real
     * file is in ..<timestamp>/. Both were loaded, so every rule was "defined twice" and the server did not start.
     */
    @Test
    void aPolicyFolderMountedFromAConfigMapLoadsEachFileOnce(@TempDir Path dir) throws Exception {
        Path volume = Files.createDirectories(dir.resolve("rules"));
        Path version = Files.createDirectories(volume.resolve("..2026_11_29_10_00_00.123456789"));
        Files.writeString(version.resolve("team.policy"), RULE.formatted("shell"));
        Files.createSymbolicLink(volume.resolve("..data"), volume.relativize(version));
        Files.createSymbolicLink(volume.resolve("team.policy"), Path.of("..data/team.policy"));
        PolicyStore store = new PolicyStore(ServerOptions.builder().port(0).standardLibrary(false).policyPath(volume).build());
        PolicyStore.Outcome outcome = store.reload();
        assertTrue(outcome.ok(), outcome.rendered());
        assertEquals(List.of("TEAM-001"), store.current().orElseThrow().engine().rules().stream().map(r -> r.id()).toList());
    }

    @Test
    void brokenPoliciesStopTheFirstLoad(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.policy"), "package x\nrule X-1 {");
        PolicyStore store = new PolicyStore(ServerOptions.builder().policyPath(dir).build());
        PolicyStore.Outcome outcome = store.reload();
        assertFalse(outcome.ok());
        assertTrue(outcome.rendered().contains("bad.policy:2:"), outcome.rendered());
        assertTrue(store.current().isEmpty());
        assertThrows(IllegalStateException.class, () -> WebhookServer.start(ServerOptions.builder().port(0).build(), store,
            new PrintStream(new ByteArrayOutputStream()), s -> { }));
    }

    @Test
    void aFullPoolShedsTheNextRequest() throws Exception {
        WorkerPool pool = new WorkerPool(1, 0);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        pool.execute(() -> {
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        AtomicBoolean shed = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(() -> {
            shed.set(WorkerPool.shedding());
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(shed.get(), "the second exchange runs in shedding mode");
        release.countDown();
        pool.shutdown();
        assertFalse(WorkerPool.shedding(), "the flag never leaks to other threads");
    }

    @Test
    void pemKeysRsaAndClearErrors(@TempDir Path dir) throws Exception {
        TestCerts rsa = TestCerts.generate(dir, "RSA");
        assertTrue(Pem.privateKey(rsa.key()) instanceof RSAPrivateKey);
        assertEquals(1, Pem.certificates(rsa.certificate()).size());

        Path pkcs1 = dir.resolve("rsa1.key");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.privateKey(pkcs1));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
        Pem.PemException notCert = assertThrows(Pem.PemException.class, () -> Pem.certificates(rsa.key()));
        assertTrue(notCert.getMessage().contains("is not a PEM X.509 certificate") || notCert.getMessage().contains("holds no certificate"),
            notCert.getMessage());

        Path other = Files.createDirectories(dir.resolve("other"));
        TestCerts ec = TestCerts.generate(other, "EC");
        Pem.PemException mismatch = assertThrows(Pem.PemException.class, () -> Pem.sslContext(rsa.certificate(), ec.key()));
        assertTrue(mismatch.getMessage().endsWith("the key does not belong to the first certificate"), mismatch.getMessage());
        Path ec2 = Files.createDirectories(dir.resolve("ec2"));
        TestCerts another = TestCerts.generate(ec2, "EC");
        assertThrows(Pem.PemException.class, () -> Pem.sslContext(another.certificate(), ec.key()));
        Pem.sslContext(ec.certificate(), ec.key());
    }

    /**
     * The watcher compared the files with the generation in use, so a broken edit was re-read and its errors
     * logged (and counted as a failed reload) at every interval until it was fixed.
     */
    @Test
    void aBrokenEditIsReloadedOnceNotAtEveryLook(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("webhook.yaml"), "enforce: high\n");
        PolicyStore store = new PolicyStore(ServerOptions.builder().standardLibrary(false).policyPath(writeRule(dir)).config(config).build());
        assertTrue(store.reload().ok());
        assertFalse(store.changedOnDisk());
        // The store knows a file by its size and modification time (in milliseconds, on a clock that may tick
        // coarser): an edit of the same size within the same tick is not seen. Date each edit apart.
        Files.writeString(config, "enforce: hgih\n");
        Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(store.changedOnDisk());
        assertFalse(store.reload().ok());
        assertFalse(store.changedOnDisk(), "the same broken file again is no change");
        Files.writeString(config, "enforce: medium\n");
        Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(10)));
        assertTrue(store.changedOnDisk());
        assertTrue(store.reload().ok());
        assertEquals(2, store.current().orElseThrow().generation());
    }

    private static Path writeRule(Path dir) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("team.policy"), RULE.formatted("shell"));
        return rules;
    }

    /** A missing file was reported by its path alone: "cannot read tls.crt: tls.crt". */
    @Test
    void missingFilesAreSaidToBeMissing(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("tls.crt");
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.certificates(missing));
        assertEquals("cannot read " + missing + ": no such file", e.getMessage());
        PolicyStore store = new PolicyStore(ServerOptions.builder().config(dir.resolve("webhook.yaml")).build());
        PolicyStore.Outcome outcome = store.reload();
        assertFalse(outcome.ok());
        assertTrue(outcome.rendered().contains("cannot read the webhook config: no such file"), outcome.rendered());
    }

    /**
     * A rotated certificate (cert-manager writes new files in place) is served from the next connection on; a
     * pair that does not match is refused and the old one stays.
     */
    @Test
    void aRotatedCertificateIsServedWithoutARestart(@TempDir Path dir) throws Exception {
        TestCerts first = TestCerts.generate(dir, "EC");
        TestCerts second = TestCerts.generate(Files.createDirectories(dir.resolve("next")), "EC");
        TestCerts third = TestCerts.generate(Files.createDirectories(dir.resolve("other")), "EC");
        ServerOptions options = ServerOptions.builder().address("127.0.0.1").port(0).tls(first.certificate(), first.key())
            .reloadInterval(Duration.ofMillis(100)).build();
        PolicyStore store = new PolicyStore(options);
        assertTrue(store.reload().ok());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (WebhookServer server = WebhookServer.start(options, store, new PrintStream(log, true, StandardCharsets.UTF_8), s -> { })) {
            assertEquals(serial(first), servedSerial(server));
            assertFalse(serial(first).equals(serial(second)), "two certificates, two serial numbers");
            // A key that belongs to another certificate: refused, the first pair is still served.
            Files.copy(third.key(), first.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(first.key(), FileTime.from(Instant.now().plusSeconds(5)));
            awaitLog(log, "cannot be used, still serving the old pair");
            assertEquals(serial(first), servedSerial(server));
            // The rotated pair: served from the next handshake on.
            Files.copy(second.certificate(), first.certificate(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.key(), first.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(first.certificate(), FileTime.from(Instant.now().plusSeconds(10)));
            Files.setLastModifiedTime(first.key(), FileTime.from(Instant.now().plusSeconds(10)));
            awaitLog(log, "serving a new TLS certificate");
            assertEquals(serial(second), servedSerial(server));
        }
    }

    private static java.math.BigInteger serial(TestCerts certs) throws Exception {
        return ((java.security.cert.X509Certificate) Pem.certificates(certs.certificate()).get(0)).getSerialNumber();
    }

    /** The serial number of the certificate a new TLS connection to the server is given. */
    private static java.math.BigInteger servedSerial(WebhookServer server) throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static void awaitLog(ByteArrayOutputStream log, String text) throws InterruptedException {
        if (Poll.until(Duration.ofSeconds(20), () -> log.toString(StandardCharsets.UTF_8).contains(text))) return;
        throw new AssertionError("the log never said \"" + text + "\": " + log.toString(StandardCharsets.UTF_8));
    }
}
