package dev.weft.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Objects;

/**
 * Mutual TLS between cluster members: this member's key store (its private key and certificate chain) and the trust
 * store of the cluster's certificate authority. Every member presents its certificate and accepts only peers whose
 * certificate the trust store vouches for, so a process without a certificate from the cluster's CA cannot join
 * (Pekko Artery's {@code tls-tcp} transport with {@code require-mutual-authentication = on}).
 *
 * <p>{@code ./weft cluster certs} makes a first set ({@link Certificates}); for real deployments use certificates
 * from your own CA (see the README, "Beyond one machine"). Immutable; the {@code with…} methods return copies.
 * Thread safe.
 */
public final class Tls {
    private final Path keyStore;
    private final Path trustStore;
    private final String password;
    private final String protocol;
    private final boolean hostnameVerification;

    private Tls(Path keyStore, Path trustStore, String password, String protocol, boolean hostnameVerification) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
        this.protocol = protocol;
        this.hostnameVerification = hostnameVerification;
    }

    /**
     * TLS from a key store and a trust store (PKCS#12 or JKS) that share one password. Both are opened here, so that
     * a wrong password or a wrong file is found when the member is configured rather than at its first connection
     * (where Pekko would only log that the handshake failed): the key store must open with {@code password} and hold
     * a private key that the same password unlocks (Pekko's {@code config-ssl-engine} uses one password for the store
     * and the key), and the trust store must open with it and hold at least one trusted certificate.
     *
     * @throws ClusterException if either file does not exist, does not open with the password, or lacks what it must
     *                          hold, naming the file
     */
    public static Tls of(Path keyStore, Path trustStore, char[] password) {
        Objects.requireNonNull(password, "password");
        Path key = existing(keyStore, "key store");
        Path trust = existing(trustStore, "trust store");
        checkKeyStore(key, password);
        checkTrustStore(trust, password);
        return new Tls(key, trust, new String(password), "TLSv1.3", false);
    }

    /**
     * TLS from a folder written by {@link Certificates#create}: {@code <member>.p12} and {@code truststore.p12}.
     *
     * @throws ClusterException if either file is missing, naming the folder, the member and the command that makes them
     */
    public static Tls fromDirectory(Path dir, String member, char[] password) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(member, "member");
        Path key = dir.resolve(member + ".p12");
        Path trust = dir.resolve("truststore.p12");
        if (!Files.isRegularFile(key) || !Files.isRegularFile(trust)) {
            throw new ClusterException("TLS folder " + dir.toAbsolutePath() + " has no " + key.getFileName()
                    + " and truststore.p12 for member '" + member + "'; make them with ./weft cluster certs --dir "
                    + dir + " --members " + member + " (or Certificates.create)");
        }
        return of(key, trust, password);
    }

    private static Path existing(Path p, String what) {
        Objects.requireNonNull(p, what);
        if (!Files.isRegularFile(p)) {
            throw new ClusterException(what + " " + p.toAbsolutePath() + " does not exist or is not a file");
        }
        return p.toAbsolutePath();
    }

    private static void checkKeyStore(Path file, char[] password) {
        KeyStore ks = open(file, "key store", password);
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias) && ks.getKey(alias, password) instanceof PrivateKey) {
                    return;
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new ClusterException("key store " + file + " opens, but its private key does not unlock with the"
                    + " same password (Pekko needs one password for the store and the key)", e);
        } catch (GeneralSecurityException e) {
            throw new ClusterException("key store " + file + " cannot be read: " + e.getMessage(), e);
        }
        throw new ClusterException("key store " + file + " holds no private key: a member's key store needs its"
                + " private key and certificate chain (a trust store given as the key store?)");
    }

    private static void checkTrustStore(Path file, char[] password) {
        KeyStore ks = open(file, "trust store", password);
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isCertificateEntry(alias)) {
                    return;
                }
            }
        } catch (KeyStoreException e) {
            throw new ClusterException("trust store " + file + " cannot be read: " + e.getMessage(), e);
        }
        throw new ClusterException("trust store " + file + " holds no trusted certificate: it needs the cluster CA's"
                + " certificate (truststore.p12 from ./weft cluster certs, or your CA's)");
    }

    /** The store in {@code file} (PKCS#12 or JKS: the JDK's PKCS#12 type reads both), opened with the password. */
    private static KeyStore open(Path file, String what, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, password);
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ClusterException(what + " " + file + " does not open with the password given (wrong"
                        + " password, or a store made with another one)", e);
            }
            throw new ClusterException(what + " " + file + " cannot be read as a PKCS#12 or JKS store: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ClusterException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** These settings with another TLS protocol (default {@code TLSv1.3}). */
    public Tls withProtocol(String p) {
        return new Tls(keyStore, trustStore, password, Objects.requireNonNull(p, "protocol"), hostnameVerification);
    }

    /**
     * These settings, checking that a peer's certificate names the host it was reached at, or not (default off: members
     * find each other by address, and a cluster CA's certificates are what admits them).
     */
    public Tls withHostnameVerification(boolean on) {
        return new Tls(keyStore, trustStore, password, protocol, on);
    }

    /** This member's key store. */
    public Path keyStore() {
        return keyStore;
    }

    /** The cluster CA's trust store. */
    public Path trustStore() {
        return trustStore;
    }

    /** The TLS protocol. */
    public String protocol() {
        return protocol;
    }

    /** The Pekko configuration that turns on mutual TLS on Artery with these stores. */
    String pekkoConfig() {
        return """
                pekko.remote.artery.transport = tls-tcp
                pekko.remote.artery.ssl.config-ssl-engine {
                  key-store = %s
                  key-store-password = %s
                  key-password = %s
                  trust-store = %s
                  trust-store-password = %s
                  protocol = %s
                  require-mutual-authentication = on
                  hostname-verification = %s
                }
                """.formatted(quote(keyStore.toString()), quote(password), quote(password),
                quote(trustStore.toString()), quote(password), quote(protocol), hostnameVerification ? "on" : "off");
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return "Tls[keyStore=" + keyStore + ", trustStore=" + trustStore + ", protocol=" + protocol + "]";
    }
}
