package org.codomyrmex.policy.server;

import org.codomyrmex.policy.diag.IoReason;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS from the PEM files Kubernetes tooling produces (cert-manager, {@code openssl}): an X.509 certificate chain
 * and an unencrypted PKCS#8 private key (RSA, EC or Ed25519), read with the JDK alone.
 */
public final class Pem {
    private static final Pattern PKCS8 = Pattern.compile(
        "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {
    }

    /** Thrown when a certificate or key cannot be used; the message says which file and why. */
    public static final class PemException extends Exception {
        PemException(String message) {
            super(message);
        }
    }

    /** An SSL context serving {@code certificate} (leaf first, then intermediates) with {@code key}. */
    public static SSLContext sslContext(Path certificate, Path key) throws PemException {
        return sslContext(new ReloadingKeyManager(certificate, key));
    }

    /** An SSL context serving what {@code keys} holds, a new pair from the handshake after it changes. */
    static SSLContext sslContext(ReloadingKeyManager keys) throws PemException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[] {keys}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot set up TLS: " + e.getMessage());
        }
    }

    /** True when data signed with {@code key} verifies with {@code publicKey}. */
    static boolean belongTogether(PrivateKey key, java.security.PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, EdDSA
        };
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm()) && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] probe = "policy serve key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The certificates of a PEM file, in file order. */
    public static List<Certificate> certificates(Path file) throws PemException {
        byte[] bytes = read(file);
        try {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(bytes)));
            if (certs.isEmpty()) throw new PemException(file + " holds no certificate");
            return certs;
        } catch (GeneralSecurityException e) {
            throw new PemException(file + " is not a PEM X.509 certificate: " + e.getMessage());
        }
    }

    /** The private key of a PEM file holding one unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}). */
    public static PrivateKey privateKey(Path file) throws PemException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                ? "; it is a PKCS#1/SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`"
                : text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "; it is encrypted: give an unencrypted key" : "";
            throw new PemException(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new PemException(file + ": the key is not valid base64");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm: try the next one
            }
        }
        throw new PemException(file + ": the key is neither RSA, EC nor Ed25519");
    }

    private static byte[] read(Path file) throws PemException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PemException("cannot read " + file + ": " + IoReason.of(e));
        }
    }
}
