package dev.weft.cli;

import dev.weft.tube.InputSpec;
import dev.weft.tube.NodeFailedException;
import dev.weft.tube.NodeProvider;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.NodeType;
import dev.weft.tube.Runners;
import dev.weft.tube.Tube;
import dev.weft.tube.TubeException;
import dev.weft.tube.TubeRunner;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * {@code ./weft tube}: runs, draws and lists tubes (noob's YAML format, see {@link Tube}).
 *
 * <pre>
 * ./weft tube run FILE [--n N] [--runner sync|concurrent] [--input NAME=VALUE]... [--no-progress]
 * ./weft tube diagram FILE
 * ./weft tube types
 * ./weft tube help
 * </pre>
 *
 * <ul>
 *   <li>{@code run} reads FILE with {@link Tube#read} and runs {@code N} root epochs (default 10) on the sync runner
 *       (the reference, noob's default) or the concurrent one, printing each return value as one line of JSON on
 *       standard output, in epoch order (an epoch whose return node got nothing prints no line). Each
 *       {@code --input NAME=VALUE} gives a declared input: a tube-scoped one through {@link Tube#withInput}, a
 *       process-scoped one to every epoch; VALUE is a JSON literal if it parses as one ({@code 3}, {@code true},
 *       {@code [1,2]}, {@code "quoted"}), else the string as given. Standard error gets a progress line while a run
 *       takes more than a second, and a closing summary: epochs, values, time, epochs per second, and how many
 *       times each node ran. A source that runs out ends the run early, which the summary says.</li>
 *   <li>{@code diagram} prints {@link Tube#mermaid()}.</li>
 *   <li>{@code types} lists the registered node types (names of one type together, with its signals and whether it
 *       is stateful by default), the built-in ones, and the asset types.</li>
 * </ul>
 *
 * The registry is every {@link NodeProvider} that {@link ServiceLoader} finds ({@link #loadRegistry}): on the
 * launcher's class path, Weft's own {@code NoobNodes} (noob's testing nodes) and whatever {@code WEFT_CLASSPATH}
 * adds. Exit status: 0 on success; 2 for a bad command line or a tube that cannot be read or built (no such file,
 * bad YAML, an unknown type, an undeclared or missing input); 1 when the run fails (a node threw). A failure is one
 * line on standard error starting {@code weft tube: }, never a stack trace. Not thread safe: one command at a time
 * per instance.
 */
public final class TubeCli {
    static final int DEFAULT_EPOCHS = 10;
    static final String USAGE = """
            usage: ./weft tube <command> [args]
              run FILE [--n N] [--runner sync|concurrent] [--input NAME=VALUE]... [--no-progress]
                  run N epochs (default 10) of the tube in FILE (noob's YAML); print each return value as a
                  line of JSON; a progress line and a summary (epochs/s, runs per node) go to stderr.
                  --runner: sync (default: one node at a time, the reference) or concurrent (a virtual
                  thread per ready node, epochs overlapping); --input gives a declared input (tube or
                  process scope), VALUE a JSON literal if it parses as one, else a string
              diagram FILE       the tube as a Mermaid flowchart
              types              the registered node types and asset types
              help               this text
            Node types come from NodeProvider services on the class path (Weft's NoobNodes: noob's testing
            nodes, as noob.testing.NAME and NAME); add yours with WEFT_CLASSPATH.
            """;

    private final NodeRegistry registry;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    /**
     * A CLI that resolves node types in {@code registry} and writes to {@code out} and {@code err}, with no progress
     * line (for programs and tests; {@link #main} shows progress).
     *
     * @throws NullPointerException if any is null
     */
    public TubeCli(NodeRegistry registry, PrintStream out, PrintStream err) {
        this(registry, out, err, false);
    }

    private TubeCli(NodeRegistry registry, PrintStream out, PrintStream err, boolean interactive) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.interactive = interactive;
    }

    /** Runs {@code args} with the providers' registry on standard output and error, and exits with the status. */
    public static void main(String[] args) {
        // UTF-8 whatever the platform's default: edge labels carry an arrow, values any text
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status;
        try {
            status = new TubeCli(loadRegistry(Thread.currentThread().getContextClassLoader()), out, err, true)
                    .execute(args);
        } catch (IllegalStateException e) {
            err.println("weft tube: " + e.getMessage());
            status = 2;
        }
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * A registry of every node type, asset type and tube that the {@link NodeProvider}s {@link ServiceLoader} finds
     * contribute: on the module path, those of the module graph; on the class path, those {@code loader} sees
     * ({@code null}: the system class loader).
     *
     * @throws IllegalStateException naming the provider, when one cannot be loaded or registers a name twice
     */
    public static NodeRegistry loadRegistry(ClassLoader loader) {
        NodeRegistry.Builder builder = NodeRegistry.builder();
        ServiceLoader<NodeProvider> providers = ServiceLoader.load(NodeProvider.class, loader);
        try {
            for (NodeProvider provider : providers) {
                try {
                    provider.register(builder);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("node provider " + provider.getClass().getName() + ": "
                            + e.getMessage(), e);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("could not load a NodeProvider: " + e.getMessage(), e);
        }
        return builder.build();
    }

    /**
     * Runs one command.
     *
     * @return the exit status: 0 success, 1 the run failed, 2 a bad command line or tube (message on err)
     */
    public int execute(String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (a.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        String command = a.remove(0);
        try {
            return switch (command) {
                case "help", "-h", "--help" -> {
                    out.print(USAGE);
                    yield 0;
                }
                case "run" -> run(a);
                case "diagram" -> {
                    out.print(load(oneFile(a, "diagram")).mermaid());
                    yield 0;
                }
                case "types" -> {
                    if (!a.isEmpty()) {
                        throw new Usage("types takes no arguments, got " + a);
                    }
                    types();
                    yield 0;
                }
                default -> throw new Usage("unknown command '" + command + "'");
            };
        } catch (Usage e) {
            err.println("weft tube: " + e.getMessage() + " (./weft tube help)");
            return 2;
        } catch (TubeException | BadTube e) {
            err.println("weft tube: " + oneLine(e.getMessage()));
            return 2;
        } catch (NodeFailedException e) {
            err.println("weft tube: " + oneLine(e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            // a node's factory or a runner failing outside any epoch: still one line, naming what Java said
            err.println("weft tube: " + oneLine(e.getClass().getSimpleName() + ": " + e.getMessage()));
            return 1;
        }
    }

    private int run(List<String> args) {
        String file = null;
        int n = DEFAULT_EPOCHS;
        String runnerName = "sync";
        boolean progress = interactive;
        Map<String, Object> given = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--n", "-n" -> n = epochs(value(args, ++i, arg));
                case "--runner" -> {
                    runnerName = value(args, ++i, arg);
                    if (!runnerName.equals("sync") && !runnerName.equals("concurrent")) {
                        throw new Usage("--runner is sync or concurrent, not '" + runnerName + "'");
                    }
                }
                case "--input", "-i" -> {
                    String spec = value(args, ++i, arg);
                    int eq = spec.indexOf('=');
                    if (eq <= 0) {
                        throw new Usage("--input wants NAME=VALUE, got '" + spec + "'");
                    }
                    String name = spec.substring(0, eq);
                    if (given.put(name, FlowCli.parseValue(spec.substring(eq + 1))) != null) {
                        throw new Usage("input '" + name + "' is given twice");
                    }
                }
                case "--no-progress" -> progress = false;
                default -> {
                    if (arg.startsWith("-")) {
                        throw new Usage("unknown option '" + arg + "' for run");
                    }
                    if (file != null) {
                        throw new Usage("run takes one FILE, got '" + file + "' and '" + arg + "'");
                    }
                    file = arg;
                }
            }
        }
        if (file == null) {
            throw new Usage("run needs a FILE");
        }
        Tube tube = load(file);
        Map<String, Object> tubeInput = new LinkedHashMap<>();
        Map<String, Object> processInput = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            InputSpec spec = tube.spec().inputs().get(e.getKey());
            if (spec == null) {
                throw new BadTube("tube '" + tube.id() + "' declares no input '" + e.getKey() + "' (declared: "
                        + tube.spec().inputs().keySet() + ")");
            }
            (spec.scope() == InputSpec.Scope.TUBE ? tubeInput : processInput).put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, InputSpec> e : tube.spec().inputs().entrySet()) {
            InputSpec spec = e.getValue();
            if (spec.required() && !given.containsKey(e.getKey())) {
                throw new BadTube("tube '" + tube.id() + "' needs input '" + e.getKey() + "' ("
                        + spec.scope().name().toLowerCase(Locale.ROOT) + " scope"
                        + (spec.type() != null ? ", " + spec.type() : "") + "): --input " + e.getKey() + "=VALUE");
            }
        }
        if (!tubeInput.isEmpty()) {
            tube = tube.withInput(tubeInput);
        }
        RunMeter meter = new RunMeter(tube.id(), tube.topologicalOrder(), n, progress ? err : null,
                System.console() != null);
        Runners.Options options = Runners.Options.defaults().withObserver(meter);
        List<Object> values = new ArrayList<>();
        long start = System.nanoTime();
        String ranOut = null;
        int calls = 0;
        try (TubeRunner runner = runnerName.equals("sync") ? Runners.sync(tube, options)
                : Runners.concurrent(tube, options)) {
            if (processInput.isEmpty()) {
                values.addAll(runner.run(n)); // epochs overlap in the concurrent runner
            } else {
                // process-scoped inputs go with each process call, one epoch at a time
                for (int i = 0; i < n; i++) {
                    Object value;
                    try {
                        value = runner.process(processInput);
                    } catch (NoSuchElementException e) {
                        ranOut = e.getMessage();
                        break;
                    }
                    calls++;
                    if (value != null) {
                        values.add(value);
                    }
                }
            }
        } finally {
            meter.clearProgress();
        }
        long nanos = System.nanoTime() - start;
        for (Object v : values) {
            out.println(JsonLine.of(v));
        }
        out.flush();
        err.println(meter.summary(runnerName, processInput.isEmpty() ? -1 : calls, values.size(), nanos, ranOut));
        return 0;
    }

    private void types() {
        Map<NodeType, List<String>> names = new LinkedHashMap<>(); // NodeType has identity equality
        for (String name : registry.typeNames()) {
            names.computeIfAbsent(registry.type(name).orElseThrow(), t -> new ArrayList<>()).add(name);
        }
        out.println("node types (names, signals, default state):");
        names.forEach((type, list) -> {
            List<String> sorted = new ArrayList<>(list);
            sorted.sort((x, y) -> x.length() != y.length() ? Integer.compare(x.length(), y.length())
                    : x.compareTo(y)); // the short name first
            out.println("  " + String.join(", ", sorted) + "  -> " + String.join(", ", type.signals()) + "  "
                    + (type.stateful() ? "stateful" : "stateless"));
        });
        List<String> special = new ArrayList<>(NodeRegistry.SPECIAL_TYPES);
        special.sort(null);
        out.println("built in: " + String.join(", ", special));
        List<String> assets = new ArrayList<>(registry.assetTypeNames());
        out.println("asset types: " + (assets.isEmpty() ? "(none)" : String.join(", ", assets)));
        if (!registry.tubeIds().isEmpty()) {
            out.println("tubes: " + String.join(", ", registry.tubeIds()));
        }
    }

    /** The tube in {@code file}; a missing or unreadable file is a bad tube, said in one line. */
    private Tube load(String file) {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new BadTube("no such file: " + file);
        }
        if (!Files.isRegularFile(path)) {
            throw new BadTube("not a file: " + file);
        }
        try {
            return Tube.read(path, registry);
        } catch (UncheckedIOException e) {
            throw new BadTube("cannot read " + file + ": " + e.getCause());
        }
    }

    private static String oneFile(List<String> args, String command) {
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            throw new Usage(command + " takes one FILE, got " + (args.isEmpty() ? "none" : args));
        }
        return args.get(0);
    }

    private static int epochs(String text) {
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new Usage("--n wants a whole number of epochs, got '" + text + "'");
        }
        if (n < 1) {
            throw new Usage("--n wants at least 1 epoch, got " + n);
        }
        return n;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new Usage(option + " needs a value");
        }
        return args.get(i);
    }

    /** A message on one line: YAML errors quote the offending lines. */
    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** A command line that does not parse. */
    private static final class Usage extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }

    /** A tube that cannot be read or given its inputs: the user's file, not a failure of the run. */
    private static final class BadTube extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        BadTube(String message) {
            super(message);
        }
    }
}
