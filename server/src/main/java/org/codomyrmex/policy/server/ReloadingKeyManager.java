package org.codomyrmex.policy.server;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's certificate and key, read again when their files change: cert-manager and similar tools rotate a
 * webhook's certificate in place, and the API server stops trusting the old one. Each TLS handshake asks this
 * key manager for the certificate, so a new one is served from the next connection on. A pair that cannot be
 * used (unreadable, key of another certificate, half-written) is refused and the old pair stays.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private record Loaded(X509ExtendedKeyManager keys, X509Certificate leaf, String stamp) {
    }

    private final Path certificate;
    private final Path key;
    private volatile Loaded current;

    ReloadingKeyManager(Path certificate, Path key) throws Pem.PemException {
        this.certificate = certificate;
        this.key = key;
        this.current = load();
    }

    /** The certificate served now. */
    X509Certificate leaf() {
        return current.leaf();
    }

    /**
     * Reads the pair again when either file changed since it was last read; true when a new pair is served.
     *
     * @throws Pem.PemException when the files changed but cannot be used (the old pair is still served)
     */
    boolean reloadIfChanged() throws Pem.PemException {
        if (stamp().equals(current.stamp())) return false;
        current = load();
        return true;
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(certificate) + "/" + Files.size(certificate) + "|"
                + Files.getLastModifiedTime(key) + "/" + Files.size(key);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private Loaded load() throws Pem.PemException {
        String stamp = stamp();
        List<Certificate> chain = Pem.certificates(certificate);
        PrivateKey privateKey = Pem.privateKey(key);
        if (!Pem.belongTogether(privateKey, chain.get(0).getPublicKey())) {
            throw new Pem.PemException("cannot use " + key + " with " + certificate + ": the key does not belong to the first certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("webhook", privateKey, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            X509ExtendedKeyManager keys = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
            return new Loaded(keys, (X509Certificate) chain.get(0), stamp);
        } catch (GeneralSecurityException | IOException | ClassCastException e) {
            throw new Pem.PemException("cannot use " + key + " with " + certificate + ": " + e.getMessage());
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current.keys().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return current.keys().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.keys().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current.keys().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current.keys().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return current.keys().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.keys().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.keys().getPrivateKey(alias);
    }
}
