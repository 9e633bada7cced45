package dev.weft.cluster;

import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.scope.TaskFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes a first set of certificates for mutual TLS between cluster members ({@link Tls}): a self-signed cluster
 * certificate authority and, for each member, a key pair with a certificate the CA signed. What {@code ./weft cluster
 * certs} runs. For real deployments, use certificates from your organisation's CA instead (see the README, "Beyond
 * one machine"): {@link Tls#of} takes any PKCS#12 or JKS stores.
 *
 * <p>{@link #create} writes into a folder:
 * <ul>
 *   <li>{@code ca.p12}: the CA's private key and certificate. Whoever holds it can make members: <b>keep it offline</b>
 *       (off the machines that run members, out of container images and Kubernetes Secrets); it is needed only to
 *       make more member certificates.</li>
 *   <li>{@code ca.pem}: the CA certificate (PEM), to inspect or to import elsewhere.</li>
 *   <li>{@code truststore.p12}: the CA certificate only; every member gets it.</li>
 *   <li>{@code <member>.p12}: one per member, its private key and certificate chain (its certificate, then the CA's),
 *       the subject {@code CN=<member>} and subject alternative names {@code DNS:localhost}, {@code IP:127.0.0.1},
 *       {@code DNS:<member>} and any {@linkplain #withSubjectAlternativeNames extra ones}; usable for both ends of a
 *       connection (extended key usage serverAuth and clientAuth).</li>
 * </ul>
 * Every store is PKCS#12 under the one password given (Pekko's {@code config-ssl-engine} uses one password for the
 * store and the key); the key stores are readable by their owner only where the file system has POSIX permissions.
 * Keys are EC P-256 with SHA256withECDSA signatures, which TLS 1.3 and Pekko's default cipher suites
 * ({@code TLS_AES_128_GCM_SHA256}, {@code TLS_AES_256_GCM_SHA384}) accept with either key type.
 *
 * <p>The JDK has no public API that signs a certificate, so this runs the JDK's own {@code keytool}
 * ({@code java.home/bin/keytool}): one process for the CA, three per member (key pair, request, signature), members
 * side by side; each process is bounded by a {@linkplain #withTimeout timeout} and gets the password through its
 * environment, never its command line. Everything is made in a staging folder inside the target and moved into place
 * only when all of it succeeded, so a failure leaves no half-made set behind; existing files are never replaced unless
 * {@linkplain #withOverwrite asked}.
 *
 * <p>Instances are immutable options ({@code with…} methods return copies) and thread safe.
 */
public final class Certificates {
    /** The CA's key store file name. */
    public static final String CA_KEY_STORE = "ca.p12";
    /** The CA certificate file name (PEM). */
    public static final String CA_CERTIFICATE = "ca.pem";
    /** The trust store file name. */
    public static final String TRUST_STORE = "truststore.p12";

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final Pattern EXTRA_NAME = Pattern.compile("(?i)(dns|ip):[A-Za-z0-9.:*-]+");
    private static final Set<String> RESERVED = Set.of("ca", "truststore");
    private static final String PASSWORD_ENV = "WEFT_KEYTOOL_PASSWORD";
    private static final String CA_ALIAS = "weft-cluster-ca";
    private static final Certificates DEFAULTS =
            new Certificates(false, List.of(), Duration.ofSeconds(60), line -> { });

    private final boolean overwrite;
    private final List<String> extraNames;
    private final Duration timeout;
    private final Consumer<String> progress;

    private Certificates(boolean overwrite, List<String> extraNames, Duration timeout, Consumer<String> progress) {
        this.overwrite = overwrite;
        this.extraNames = extraNames;
        this.timeout = timeout;
        this.progress = progress;
    }

    /**
     * The files one {@link #create} wrote, as absolute paths.
     *
     * @param dir          the folder
     * @param caKeyStore   {@code ca.p12}: the CA's private key (keep it offline)
     * @param caCertificate {@code ca.pem}
     * @param trustStore   {@code truststore.p12}
     * @param memberKeyStores member name to its {@code <member>.p12}, in the order given
     */
    public record Written(Path dir, Path caKeyStore, Path caCertificate, Path trustStore,
                        Map<String, Path> memberKeyStores) {
        /** Copies the map (unmodifiable, order kept). */
        public Written {
            memberKeyStores = Collections.unmodifiableMap(new LinkedHashMap<>(memberKeyStores));
        }

        /** Every file, the CA's first. */
        public List<Path> all() {
            List<Path> all = new ArrayList<>(List.of(caKeyStore, caCertificate, trustStore));
            all.addAll(memberKeyStores.values());
            return List.copyOf(all);
        }
    }

    /** The default options: no overwriting, no extra names, a 60 s bound per keytool process, no progress lines. */
    public static Certificates defaults() {
        return DEFAULTS;
    }

    /**
     * Writes a CA and a certificate for each of {@code members} into {@code dir} (created if missing), with the
     * {@linkplain #defaults() default options}.
     *
     * @param members  member names: letters, digits, dashes and dots (a DNS name), none named {@code ca} or
     *                 {@code truststore}, no two alike ignoring case
     * @param password for every store, at least 6 characters (keytool's minimum)
     * @param validity how long the certificates are valid, at least a day (rounded up to whole days)
     * @throws ClusterException for a bad name, password or validity, a file that already exists, or a keytool run
     *                          that failed or timed out (with keytool's output)
     */
    public static Written create(Path dir, List<String> members, char[] password, Duration validity) {
        return DEFAULTS.write(dir, members, password, validity);
    }

    /** These options, replacing existing files ({@code true}) or refusing to (default {@code false}). */
    public Certificates withOverwrite(boolean on) {
        return new Certificates(on, extraNames, timeout, progress);
    }

    /**
     * These options, adding {@code names} to every member's subject alternative names: each {@code dns:NAME} or
     * {@code ip:ADDRESS} (a wildcard such as {@code dns:*.weft-workers.weft.svc.cluster.local} is allowed). Matters only
     * with {@linkplain Tls#withHostnameVerification hostname verification} on.
     *
     * @throws IllegalArgumentException for a name of another form
     */
    public Certificates withSubjectAlternativeNames(List<String> names) {
        List<String> copy = List.copyOf(names);
        for (String n : copy) {
            if (!EXTRA_NAME.matcher(n).matches()) {
                throw new IllegalArgumentException(
                        "subject alternative name must be dns:NAME or ip:ADDRESS, got '" + n + "'");
            }
        }
        return new Certificates(overwrite, copy, timeout, progress);
    }

    /**
     * These options, bounding each keytool process by {@code t} (default 60 s); one that runs longer is killed.
     *
     * @throws IllegalArgumentException if {@code t} is not positive
     */
    public Certificates withTimeout(Duration t) {
        if (t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("keytool timeout must be positive, got " + t);
        }
        return new Certificates(overwrite, extraNames, t, progress);
    }

    /**
     * These options, calling {@code lines} with a line when the CA and when each member is done (members are made side
     * by side: it may be called from several threads at once).
     */
    public Certificates withProgress(Consumer<String> lines) {
        return new Certificates(overwrite, extraNames, timeout, Objects.requireNonNull(lines, "progress"));
    }

    /**
     * Writes a CA and a certificate for each of {@code members} into {@code dir} with these options; see
     * {@link #create}.
     *
     * @throws ClusterException as {@link #create} says
     */
    public Written write(Path dir, List<String> members, char[] password, Duration validity) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(validity, "validity");
        List<String> names = checkMembers(members);
        if (password.length < 6) {
            throw new ClusterException("the certificate password must have at least 6 characters (keytool's minimum)");
        }
        if (validity.compareTo(Duration.ofDays(1)) < 0) {
            throw new ClusterException("certificate validity must be at least a day, got " + validity);
        }
        long days = (validity.toSeconds() + 86_399) / 86_400;
        Path target = dir.toAbsolutePath().normalize();
        Map<String, Path> finals = targets(target, names);
        if (!overwrite) {
            List<String> existing = existing(target, names).stream().map(p -> p.getFileName().toString()).toList();
            if (!existing.isEmpty()) {
                throw new ClusterException("certificate folder " + target + " already has " + String.join(", ", existing)
                        + "; refusing to overwrite (choose another folder, or ask to overwrite: --overwrite)");
            }
        }
        Path staging;
        try {
            Files.createDirectories(target);
            staging = Files.createTempDirectory(target, ".weft-certs-");
        } catch (IOException e) {
            throw new ClusterException("cannot write certificates into " + target + ": " + e, e);
        }
        try {
            String pass = new String(password);
            X509Certificate ca = makeCa(staging, pass, days);
            progress.accept("CA: " + ca.getSubjectX500Principal().getName() + ", valid " + days + " days");
            writeTrust(staging, ca, password);
            makeMembers(staging, names, pass, days, ca);
            for (var f : finals.entrySet()) {
                move(staging.resolve(f.getKey()), f.getValue());
            }
            Map<String, Path> memberFiles = new LinkedHashMap<>();
            names.forEach(m -> memberFiles.put(m, finals.get(m + ".p12")));
            return new Written(target, finals.get(CA_KEY_STORE), finals.get(CA_CERTIFICATE), finals.get(TRUST_STORE),
                    memberFiles);
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * The files {@link #create} would write into {@code dir} for {@code members} that already exist (and that it would
     * refuse to replace unless asked), the CA's first: for a caller that checks before it asks.
     *
     * @throws ClusterException for a bad member name, as {@link #checkMembers} says
     */
    public static List<Path> existing(Path dir, List<String> members) {
        Objects.requireNonNull(dir, "dir");
        return targets(dir.toAbsolutePath().normalize(), checkMembers(members)).values().stream()
                .filter(Files::exists).toList();
    }

    /** File name to path, every file a set for {@code names} has, the CA's first. */
    private static Map<String, Path> targets(Path target, List<String> names) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String f : List.of(CA_KEY_STORE, CA_CERTIFICATE, TRUST_STORE)) {
            files.put(f, target.resolve(f));
        }
        for (String m : names) {
            files.put(m + ".p12", target.resolve(m + ".p12"));
        }
        return files;
    }

    /**
     * Checks member names as {@link #create} does: each a host-name-like name (letters, digits, dashes and dots,
     * labels starting and ending with a letter or digit, as a DNS name, since it becomes one of the certificate's
     * names), none {@code ca} or {@code truststore} (their files are the CA's), no two alike ignoring case (file
     * systems may ignore it), at least one.
     *
     * @return the names, copied
     * @throws ClusterException naming the first bad name
     */
    public static List<String> checkMembers(List<String> members) {
        Objects.requireNonNull(members, "members");
        if (members.isEmpty()) {
            throw new ClusterException("no members to make certificates for");
        }
        Set<String> seen = new HashSet<>();
        for (String m : members) {
            if (m == null || !validMember(m)) {
                throw new ClusterException("member name '" + m + "' is not a host-name-like name: letters, digits,"
                        + " dashes and dots, starting and ending with a letter or digit, at most 253 characters");
            }
            String lower = m.toLowerCase(Locale.ROOT);
            if (RESERVED.contains(lower)) {
                throw new ClusterException("member name '" + m + "' is taken by the CA's files (" + CA_KEY_STORE
                        + ", " + TRUST_STORE + "); choose another");
            }
            if (!seen.add(lower)) {
                throw new ClusterException("member name '" + m + "' is given twice");
            }
        }
        return List.copyOf(members);
    }

    /** Whether {@code name} is a member name {@link #create} accepts. */
    static boolean validMember(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.length() > 63 || !LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private X509Certificate makeCa(Path staging, String pass, long days) {
        // A random unit in the name tells two CAs apart in error messages and in a trust store holding both.
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        String dname = "CN=Weft cluster CA, OU=" + HexFormat.of().formatHex(id);
        keytool("the CA", staging, pass, "-genkeypair", "-alias", CA_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", dname, "-startdate", "-1H", "-validity", Long.toString(days),
                "-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign",
                "-keystore", CA_KEY_STORE, "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV);
        KeyStore store = load(staging.resolve(CA_KEY_STORE), pass.toCharArray());
        try {
            X509Certificate ca = (X509Certificate) store.getCertificate(CA_ALIAS);
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(ca.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.writeString(staging.resolve(CA_CERTIFICATE), pem, StandardCharsets.US_ASCII);
            ownerOnly(staging.resolve(CA_KEY_STORE));
            return ca;
        } catch (GeneralSecurityException e) {
            throw new ClusterException("cannot read the CA certificate keytool made: " + e, e);
        } catch (IOException e) {
            throw new ClusterException("cannot write " + CA_CERTIFICATE + ": " + e, e);
        }
    }

    /** The trust store: the CA certificate alone, written with the JDK's KeyStore API (no process needed). */
    private static void writeTrust(Path staging, X509Certificate ca, char[] password) {
        try (OutputStream out = Files.newOutputStream(staging.resolve(TRUST_STORE))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(CA_ALIAS, ca);
            trust.store(out, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new ClusterException("cannot write " + TRUST_STORE + ": " + e, e);
        }
    }

    private void makeMembers(Path staging, List<String> names, String pass, long days, X509Certificate ca) {
        int parallel = Math.max(1, Math.min(names.size(), Runtime.getRuntime().availableProcessors()));
        try (var scope = Scope.open(ScopeOptions.named("certificates").withMaxConcurrency(parallel))) {
            for (String m : names) {
                scope.fork("member " + m, () -> {
                    makeMember(staging, m, pass, days, ca);
                    return null;
                });
            }
            scope.join();
        } catch (TaskFailedException e) {
            if (e.getCause() instanceof ClusterException c) {
                throw c;
            }
            throw new ClusterException("making member certificates failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while making member certificates", e);
        }
    }

    private void makeMember(Path staging, String m, String pass, long days, X509Certificate ca) {
        String store = m + ".p12";
        String what = "member '" + m + "'";
        keytool(what, staging, pass, "-genkeypair", "-alias", m, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=" + m + ", O=Weft cluster", "-startdate", "-1H",
                "-validity", Long.toString(days), "-keystore", store, "-storetype", "PKCS12",
                "-storepass:env", PASSWORD_ENV);
        keytool(what, staging, pass, "-certreq", "-alias", m, "-sigalg", "SHA256withECDSA", "-keystore", store,
                "-storepass:env", PASSWORD_ENV, "-file", m + ".csr");
        List<String> sans = new ArrayList<>(List.of("dns:localhost", "ip:127.0.0.1", "dns:" + m));
        sans.addAll(extraNames);
        keytool(what, staging, pass, "-gencert", "-alias", CA_ALIAS, "-keystore", CA_KEY_STORE,
                "-storepass:env", PASSWORD_ENV, "-sigalg", "SHA256withECDSA", "-infile", m + ".csr",
                "-outfile", m + ".crt", "-rfc", "-startdate", "-1H", "-validity", Long.toString(days),
                "-ext", "san=" + String.join(",", sans), "-ext", "ku:c=digitalSignature",
                "-ext", "eku=serverAuth,clientAuth");
        // keytool -importcert would need the CA as a trusted entry in the member's store first (and an extra process
        // to delete it again); the JDK's KeyStore API puts the chain on the key entry directly.
        Path file = staging.resolve(store);
        char[] pw = pass.toCharArray();
        KeyStore ks = load(file, pw);
        try (InputStream in = Files.newInputStream(staging.resolve(m + ".crt"))) {
            X509Certificate signed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            signed.verify(ca.getPublicKey());
            if (!signed.getPublicKey().equals(ks.getCertificate(m).getPublicKey())) {
                throw new ClusterException("keytool signed another key than " + what + "'s");
            }
            PrivateKey key = (PrivateKey) ks.getKey(m, pw);
            ks.setKeyEntry(m, key, pw, new Certificate[] {signed, ca});
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, pw);
            }
            ownerOnly(file);
            progress.accept(what + ": " + store + " (" + signed.getSubjectX500Principal().getName() + ", names "
                    + String.join(", ", sans) + ")");
        } catch (GeneralSecurityException | IOException e) {
            throw new ClusterException("cannot put " + what + "'s signed certificate into " + store + ": " + e, e);
        }
    }

    private static KeyStore load(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new ClusterException("cannot read " + file.getFileName() + " that keytool made: " + e, e);
        }
    }

    /**
     * Runs {@code java.home/bin/keytool args} in {@code cwd}, the password in its environment, bounded by the
     * timeout; its output (stdout and stderr, to a file so that a stuck process cannot block the reader) goes into the
     * exception when it fails.
     */
    private void keytool(String what, Path cwd, String pass, String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new ClusterException("cannot make certificates: no keytool at " + keytool
                    + " (the JDK's keytool is needed; run on a full JDK)");
        }
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        // keytool runs briefly: the first JIT tier and the serial collector start it faster
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Duser.language=en"));
        command.addAll(List.of(args));
        Path log;
        try {
            log = Files.createTempFile(cwd, "keytool-", ".log");
        } catch (IOException e) {
            throw new ClusterException("cannot make certificates in " + cwd + ": " + e, e);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put(PASSWORD_ENV, pass);
        Process p = null;
        try {
            p = pb.start();
            p.getOutputStream().close(); // keytool must never wait for a person at a prompt
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new ClusterException("keytool " + args[0] + " for " + what + " did not finish within "
                        + timeout + " and was killed; its output: " + output(log));
            }
            if (p.exitValue() != 0) {
                throw new ClusterException("keytool " + args[0] + " for " + what + " failed (exit " + p.exitValue()
                        + "): " + output(log));
            }
        } catch (IOException e) {
            throw new ClusterException("cannot run " + keytool + " for " + what + ": " + e, e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while keytool made certificates for " + what, e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // the staging folder goes as a whole anyway
            }
        }
    }

    private static String output(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip().replace('\n', ' ');
            return s.isEmpty() ? "(none)" : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private void move(Path from, Path to) {
        try {
            if (overwrite) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(from, to);
            }
        } catch (AtomicMoveNotSupportedException e) {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e2) {
                throw new ClusterException("cannot write " + to + ": " + e2, e2);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ClusterException(to + " appeared while certificates were being made; refusing to overwrite it");
        } catch (IOException e) {
            throw new ClusterException("cannot write " + to + ": " + e, e);
        }
    }

    /** Owner read and write only, where the file system has POSIX permissions: the file holds a private key. */
    private static void ownerOnly(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
            Files.setPosixFilePermissions(file, rw);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: what is left is a dot folder of this run's own files, never one the caller had
        }
    }

    @Override
    public String toString() {
        return "Certificates[overwrite=" + overwrite + ", extraNames=" + extraNames + ", timeout=" + timeout + "]";
    }
}
