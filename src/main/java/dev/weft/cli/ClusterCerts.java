package dev.weft.cli;

import dev.weft.cluster.Certificates;
import dev.weft.cluster.ClusterException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ./weft cluster certs}: makes a self-signed cluster CA and a certificate per member for mutual TLS, a first
 * set to try a cluster with ({@link Certificates}; for real deployments use your own CA's).
 *
 * <pre>
 * ./weft cluster certs [--dir DIR] [--members a,b,c] [--days N] [--password-file F] [--overwrite]
 * </pre>
 *
 * <ul>
 *   <li>{@code --dir}: where to write (default {@value #DEFAULT_DIR}); created if missing.</li>
 *   <li>{@code --members}: member names, comma separated (default {@value #DEFAULT_MEMBERS}); each gets
 *       {@code <member>.p12}.</li>
 *   <li>{@code --days}: how long the certificates are valid (default {@value #DEFAULT_DAYS}).</li>
 *   <li>The stores' password: the first line of {@code --password-file F}, else the environment variable
 *       {@code WEFT_CLUSTER_PASSWORD}, else a random one written to {@code DIR/password}, readable by its owner
 *       only (see {@link ClusterPassword}; the other cluster commands look for it the same way).</li>
 *   <li>{@code --overwrite}: replace files a previous run left; without it, existing files make it refuse. A
 *       {@code DIR/password} counts as one unless it is the {@code --password-file} itself: with a password from
 *       elsewhere it would be left stale (not opening the new stores, yet found first by the other commands), so
 *       {@code --overwrite} removes it.</li>
 * </ul>
 *
 * Prints a line per certificate made, the files written, and the command to run next. Exit status: 0 on success;
 * 2 for a bad command line (an unknown option, a missing value, a bad member name, number of days or password, files
 * that exist without {@code --overwrite}), one line on standard error starting {@code weft cluster certs: }; 1 when
 * making the certificates failed (keytool's output in the line). Stateless; thread safe (but two runs into one folder
 * race for its files).
 */
public final class ClusterCerts {
    static final String DEFAULT_DIR = "weft-certs";
    static final String DEFAULT_MEMBERS = "driver,worker-1,worker-2,worker-3";
    static final int DEFAULT_DAYS = 365;
    static final String USAGE = """
            usage: ./weft cluster certs [--dir DIR] [--members a,b,c] [--days N] [--password-file F] [--overwrite]
              makes a self-signed cluster CA and a certificate per member, for mutual TLS between members
              --dir DIR           where to write (default ./weft-certs)
              --members a,b,c     member names (default driver,worker-1,worker-2,worker-3): <member>.p12 each
              --days N            validity in days (default 365)
              --password-file F   the stores' password (first line); else $WEFT_CLUSTER_PASSWORD; else a random
                                  one, written to DIR/password (owner-only)
              --overwrite         replace the files of an earlier run
            Writes ca.p12 (the CA's private key: keep it offline), ca.pem, truststore.p12 (every member gets it)
            and <member>.p12 (give each member only its own). For real deployments use your own CA's
            certificates: see the README, "Beyond one machine".
            """;
    private static final String PREFIX = "weft cluster certs: ";

    private ClusterCerts() {
    }

    /** A mistake on the command line: one line, exit status 2. */
    private static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs {@code ./weft cluster certs args} (the arguments after {@code certs}), with the process's environment.
     *
     * @return the exit status: 0 done, 1 making the certificates failed, 2 a bad command line (one line on err)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with {@code env} for the environment (tests). */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(env, "env");
        Options o;
        try {
            o = parse(args);
        } catch (Usage e) {
            err.println(PREFIX + e.getMessage());
            return 2;
        }
        if (o == null) {
            out.print(USAGE);
            return 0;
        }
        char[] password;
        boolean madeUp = false;
        Path passwordFile = o.dir.resolve(ClusterPassword.FILE);
        try {
            password = o.passwordFile != null || hasEnvPassword(env)
                    ? ClusterPassword.find(o.passwordFile, env, o.dir) : null;
            List<Path> existing = new ArrayList<>(Certificates.existing(o.dir, o.members));
            madeUp = password == null;
            // DIR/password is this run's when it makes one up, and otherwise an earlier run's that would no longer
            // open the new stores (where the other commands would find it): either way it is replaced or removed
            if (Files.exists(passwordFile) && !isGivenFile(passwordFile, o)) {
                existing.add(passwordFile);
            }
            if (!existing.isEmpty() && !o.overwrite) {
                throw new IllegalArgumentException(o.dir + " already has "
                        + String.join(", ", existing.stream().map(p -> p.getFileName().toString()).toList())
                        + " from an earlier run; refusing to overwrite (another --dir, or --overwrite)");
            }
        } catch (IllegalArgumentException | ClusterException e) {
            err.println(PREFIX + e.getMessage());
            return 2;
        }
        if (madeUp) {
            password = ClusterPassword.random();
        }
        try {
            if (madeUp) {
                Files.createDirectories(o.dir);
                ClusterPassword.write(passwordFile, password, o.overwrite);
            }
            Certificates.Written files = Certificates.defaults().withOverwrite(o.overwrite)
                    .withProgress(line -> out.println(PREFIX + line))
                    .write(o.dir, o.members, password, Duration.ofDays(o.days));
            boolean removedStale = !madeUp && !isGivenFile(passwordFile, o) && Files.deleteIfExists(passwordFile);
            report(out, files, madeUp ? passwordFile : null, o);
            if (removedStale) {
                out.println("  (removed " + passwordFile.getFileName() + ": an earlier run's password, which does not"
                        + " open these stores)");
            }
            return 0;
        } catch (ClusterException | IOException e) {
            if (madeUp) {
                deleteQuietly(passwordFile);
            }
            err.println(PREFIX + (e instanceof ClusterException ? e.getMessage() : e.toString()));
            return 1;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static boolean isGivenFile(Path passwordFile, Options o) {
        return o.passwordFile != null && o.passwordFile.toAbsolutePath().normalize().equals(passwordFile);
    }

    private static boolean hasEnvPassword(Map<String, String> env) {
        String v = env.get(ClusterPassword.ENV);
        return v != null && !v.isEmpty();
    }

    private static void report(PrintStream out, Certificates.Written files, Path madeUpPassword, Options o) {
        out.println("wrote to " + files.dir() + ":");
        line(out, files.caKeyStore(), "the CA's private key: keep it offline (only needed to make more members)");
        line(out, files.caCertificate(), "the CA certificate (PEM)");
        line(out, files.trustStore(), "the CA certificate, for every member");
        files.memberKeyStores().forEach((m, p) -> line(out, p, "member " + m + "'s private key and certificate"));
        if (madeUpPassword != null) {
            line(out, madeUpPassword, "the stores' password (made up at random; readable by you only)");
        } else {
            out.println("  (password: " + (o.passwordFile != null ? "from " + o.passwordFile
                    : "from $" + ClusterPassword.ENV) + ")");
        }
        String worker = o.members.stream().filter(m -> !m.equals("driver")).findFirst().orElse(o.members.getFirst());
        out.println("next, on each member's machine (give it truststore.p12, its own <member>.p12 and the password):");
        out.println("  ./weft cluster worker --tls " + files.dir() + " --member " + worker
                + (madeUpPassword != null ? "" : " --password-file F (or $" + ClusterPassword.ENV + ")"));
    }

    private static void line(PrintStream out, Path file, String what) {
        out.printf("  %-16s %s%n", file.getFileName(), what);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the run failed anyway; the message says why
        }
    }

    private record Options(Path dir, List<String> members, int days, Path passwordFile, boolean overwrite) {
    }

    /** The options, or {@code null} for a request for help. */
    private static Options parse(String[] args) throws Usage {
        Path dir = Path.of(DEFAULT_DIR);
        String members = DEFAULT_MEMBERS;
        int days = DEFAULT_DAYS;
        Path passwordFile = null;
        boolean overwrite = false;
        for (int i = 0; i < args.length; i++) {
            String a = Objects.requireNonNull(args[i], "argument");
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h", "help" -> {
                    return null;
                }
                case "--overwrite" -> {
                    if (value != null) {
                        throw new Usage("--overwrite takes no value");
                    }
                    overwrite = true;
                }
                case "--dir", "--members", "--days", "--password-file" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw new Usage(name + " needs a value (see ./weft cluster certs --help)");
                        }
                        value = args[++i];
                    }
                    if (value.isBlank()) {
                        throw new Usage(name + " needs a non-empty value");
                    }
                    switch (name) {
                        case "--dir" -> dir = path(name, value);
                        case "--members" -> members = value;
                        case "--days" -> days = days(value);
                        default -> passwordFile = path(name, value);
                    }
                }
                default -> throw new Usage("unknown " + (a.startsWith("-") ? "option" : "argument") + " '" + a
                        + "' (options: --dir, --members, --days, --password-file, --overwrite, --help)");
            }
        }
        List<String> names = new ArrayList<>();
        for (String m : members.split(",", -1)) {
            String t = m.strip();
            if (t.isEmpty()) {
                throw new Usage("--members has an empty name in '" + members + "'");
            }
            names.add(t);
        }
        try {
            names = Certificates.checkMembers(names);
        } catch (ClusterException e) {
            throw new Usage(e.getMessage());
        }
        return new Options(dir.toAbsolutePath().normalize(), names, days, passwordFile, overwrite);
    }

    private static Path path(String option, String value) throws Usage {
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new Usage(option + " '" + value + "' is not a path: " + e.getReason());
        }
    }

    private static int days(String value) throws Usage {
        try {
            int d = Integer.parseInt(value.strip());
            if (d < 1 || d > 36_500) {
                throw new Usage("--days must be between 1 and 36500, got " + d);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new Usage("--days must be a whole number of days, got '" + value + "'");
        }
    }
}
