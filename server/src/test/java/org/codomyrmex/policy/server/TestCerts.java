package org.codomyrmex.policy.server;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made at test time with the JDK's {@code keytool}, written as the PEM
 * files the server reads (certificate, PKCS#8 key), and a client SSL context that trusts only it.
 */
record TestCerts(Path certificate, Path key, SSLContext clientContext) {

    static TestCerts generate(Path dir, String keyAlgorithm) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve("webhook.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = keyAlgorithm.equals("EC")
            ? List.of(keytool, "-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1")
            : List.of(keytool, "-genkeypair", "-alias", "webhook", "-keyalg", "RSA", "-keysize", "2048");
        Process p = new ProcessBuilder(concat(command, List.of("-dname", "CN=policy-webhook.test",
            "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", store.toString(),
            "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")))
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("keytool failed: " + output);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("webhook", "changeit".toCharArray());
        Certificate cert = ks.getCertificate("webhook");
        Path certFile = dir.resolve("tls.crt");
        Path keyFile = dir.resolve("tls.key");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // getEncoded() of a private key is PKCS#8

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("webhook", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new TestCerts(certFile, keyFile, client);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
