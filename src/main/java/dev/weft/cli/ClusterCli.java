package dev.weft.cli;

import dev.weft.cluster.Cluster;
import dev.weft.cluster.ClusterException;
import dev.weft.cluster.ClusterOptions;
import dev.weft.cluster.Tls;
import dev.weft.cluster.Worker;
import dev.weft.flow.OperationRegistry;
import dev.weft.tube.NodeRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./weft cluster ...}: members of a Weft cluster on Apache Pekko.
 * <ul>
 *   <li>{@code worker [--seed HOST:PORT]... [--host H] [--port N] [--name CLUSTER] [--concurrency N]
 *       [--memory MIB] [--tls DIR --member NAME [--password-file F]] [--lifetime DURATION] [--exit-with-stdin]
 *       [--discovery kubernetes]}: a worker offering every operation and node type its class path provides
 *       ({@link OperationRegistry#defaultRegistry()}, {@link TubeCli#loadRegistry}); prints
 *       {@code weft: worker up at ADDRESS} and runs until stopped, the lifetime ends, or (with
 *       {@code --exit-with-stdin}) its standard input closes, which is how a parent process that dies takes its
 *       workers with it.</li>
 *   <li>{@code workers [--count N] [--port N] ...}: N workers in child processes on this machine, the first a seed
 *       on {@code --port} (default 25520): the README's first command.</li>
 *   <li>{@code demo [--seed HOST:PORT] [--items N]}: a driver that joins, runs the fan-out flow on the workers and
 *       prints a table: the README's second command.</li>
 *   <li>{@code certs ...}: a cluster CA and member certificates ({@link ClusterCerts}).</li>
 * </ul>
 * Exit status: 0 on success, 1 when the cluster fails, 2 for a usage error (one line on standard error).
 */
public final class ClusterCli {
    private ClusterCli() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the command line; returns the exit status. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "worker" -> worker(WorkerArgs.parse(rest), in, out);
                case "workers" -> LocalWorkers.run(rest, out, err);
                case "demo" -> ClusterDemo.run(rest, out, err);
                case "certs" -> ClusterCerts.run(rest, out, err);
                default -> throw new UsageException("unknown cluster command '" + args[0]
                        + "' (worker, workers, demo, certs)");
            };
        } catch (UsageException e) {
            err.println("weft cluster: " + e.getMessage());
            return 2;
        } catch (ClusterException e) {
            err.println("weft cluster: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("weft cluster: interrupted");
            return 1;
        }
    }

    static final String USAGE = """
            usage: ./weft cluster worker [--seed HOST:PORT]... [--host H] [--port N] [--name CLUSTER]
                                         [--concurrency N] [--memory MIB] [--tls DIR --member NAME
                                         [--password-file F]] [--lifetime DURATION] [--exit-with-stdin]
                                         [--discovery kubernetes]
                   ./weft cluster workers [--count N] [--port N] [--lifetime DURATION]
                   ./weft cluster demo [--seed HOST:PORT] [--items N] [--ms N]
                   ./weft cluster certs [--dir DIR] [--members a,b,c] [--days N] [--password-file F] [--overwrite]
            Without --seed a worker starts a new cluster; others join it with --seed HOST:PORT of any member.
            Off loopback a member needs --tls (mutual TLS); ./weft cluster certs makes a first set.""";

    /** A command line that cannot be run. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The worker command's options. */
    record WorkerArgs(ClusterOptions options, Duration lifetime, boolean exitWithStdin) {
        static WorkerArgs parse(String[] args) {
            ClusterOptions o = ClusterOptions.defaults();
            List<String> seeds = new ArrayList<>();
            String host = "127.0.0.1";
            int port = 0;
            Path tlsDir = null;
            String member = null;
            Path passwordFile = null;
            Duration lifetime = null;
            boolean stdin = false;
            boolean kubernetes = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--seed" -> seeds.addAll(List.of(value(args, ++i, a).split(",")));
                    case "--host" -> host = value(args, ++i, a);
                    case "--port" -> port = number(args, ++i, a, 0, 65535);
                    case "--name" -> o = o.withName(value(args, ++i, a));
                    case "--concurrency" -> o = o.withConcurrency(number(args, ++i, a, 1, 1_000_000));
                    case "--memory" -> o = o.withMemory(number(args, ++i, a, 1, Integer.MAX_VALUE) * 1024L * 1024L);
                    case "--tls" -> tlsDir = Path.of(value(args, ++i, a));
                    case "--member" -> member = value(args, ++i, a);
                    case "--password-file" -> passwordFile = Path.of(value(args, ++i, a));
                    case "--lifetime" -> lifetime = duration(value(args, ++i, a), a);
                    case "--exit-with-stdin" -> stdin = true;
                    case "--discovery" -> {
                        String d = value(args, ++i, a);
                        if (!d.equals("kubernetes")) {
                            throw new UsageException("--discovery takes 'kubernetes', got '" + d + "'");
                        }
                        kubernetes = true;
                    }
                    default -> throw new UsageException("unknown worker option '" + a + "'");
                }
            }
            try {
                o = o.withAddress(host, port).withSeeds(seeds);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (tlsDir != null) {
                if (member == null) {
                    throw new UsageException("--tls needs --member NAME (the name its certificate was made for)");
                }
                char[] password;
                try {
                    password = ClusterPassword.find(passwordFile, System.getenv(), tlsDir);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                if (password == null) {
                    throw new UsageException("no TLS password: give --password-file F, set " + ClusterPassword.ENV
                            + ", or keep the password file ./weft cluster certs wrote in " + tlsDir);
                }
                o = o.withTls(Tls.fromDirectory(tlsDir, member, password));
            } else if (member != null) {
                throw new UsageException("--member names a certificate: give --tls DIR too");
            }
            if (kubernetes) {
                o = o.withKubernetesDiscovery("weft-worker");
            }
            return new WorkerArgs(o, lifetime, stdin);
        }
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    static int number(String[] args, int i, String option, int min, int max) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new UsageException(option + " must be " + min + " to " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a number, got '" + v + "'");
        }
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, or ISO-8601 ({@code PT10M}). */
    static Duration duration(String v, String option) {
        try {
            String s = v.toLowerCase(Locale.ROOT);
            if (s.matches("\\d+(ms|s|m|h)")) {
                long n = Long.parseLong(s.replaceAll("\\D", ""));
                return switch (s.replaceAll("\\d", "")) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new UsageException(option + " takes a duration such as 90s, 10m or PT10M, got '" + v + "'");
        }
    }

    private static int worker(WorkerArgs a, InputStream in, PrintStream out) throws InterruptedException {
        OperationRegistry ops = OperationRegistry.defaultRegistry();
        NodeRegistry nodes = TubeCli.loadRegistry(Thread.currentThread().getContextClassLoader());
        ClusterOptions o = a.options();
        Worker w = Worker.start(o, ops, nodes);
        // closed by whichever comes first: the lifetime, the end of standard input, or the system terminating
        Runnable leave = w::close;
        try {
            out.println("weft: worker up at " + w.address() + "; offers " + ops.names().size() + " operations and "
                    + nodes.typeNames().size() + " node types; concurrency " + o.concurrency());
            out.flush();
            Thread stopper = null;
            if (a.lifetime() != null) {
                stopper = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(a.lifetime()); // the worker's own lifetime, not test synchronisation
                        out.println("weft: worker lifetime " + a.lifetime() + " ended; leaving");
                        leave.run();
                    } catch (InterruptedException e) {
                        // stopped otherwise first
                    }
                });
            }
            if (a.exitWithStdin()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        while (in.read() >= 0) {
                            // a parent writes nothing; end of input means it is gone
                        }
                    } catch (IOException e) {
                        // closed: the same
                    }
                    out.println("weft: standard input closed; leaving");
                    leave.run();
                });
            }
            w.awaitTermination();
            if (stopper != null) {
                stopper.interrupt();
            }
        } finally {
            leave.run();
        }
        return 0;
    }
}
