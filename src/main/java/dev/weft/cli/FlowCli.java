package dev.weft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.DataFlows;
import dev.weft.flow.Definition;
import dev.weft.flow.DefinitionNotInContextException;
import dev.weft.flow.FlowException;
import dev.weft.flow.FlowFormat;
import dev.weft.flow.Input;
import dev.weft.flow.InputFlow;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationException;
import dev.weft.flow.OperationRegistry;
import dev.weft.adapt.Goal;
import dev.weft.adapt.Limits;
import dev.weft.flow.Orchestrator;
import dev.weft.flow.Origin;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serial;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@code ./weft flow}: runs, draws and converts data flow files (DFFML's format, see {@link DataFlows}).
 *
 * <pre>
 * ./weft flow run FILE [--goal speed|memory|balanced] [--memory-budget MIB] [--max-contexts N]
 *                      [--context NAME] [--input VALUE=DEFINITION]... [--context NAME [--input ...]...]...
 * ./weft flow diagram [--simple] FILE
 * ./weft flow export [--yaml] [--linked] FILE
 * ./weft flow operations
 * </pre>
 *
 * <ul>
 *   <li>{@code run} loads FILE ({@code .json}, {@code .yaml} or {@code .yml}), resolving its operations in the
 *       {@linkplain OperationRegistry#defaultRegistry() default registry}, and runs it with
 *       {@link Orchestrator#withDefaults()}. Each {@code --context NAME} starts a context; the {@code --input}s that
 *       follow it belong to it. Inputs before any {@code --context} belong to a context named {@code default}. An
 *       input is {@code VALUE=DEFINITION} (split at the last {@code =}): VALUE is a JSON literal if it parses as one
 *       ({@code 42}, {@code true}, {@code [1,2]}, {@code "quoted"}), else the string as given; DEFINITION names a
 *       definition of the flow. It prints one JSON object, context name to that context's results, in the order the
 *       contexts finished. {@code --goal} runs it with that optimisation goal ({@code dev.weft.adapt.Goal}), within
 *       the machine's limits, a {@code --memory-budget} in MiB and a ceiling of {@code --max-contexts}, and prints
 *       each move of the limit on standard error as it happens: the live view of why it moved.</li>
 *   <li>{@code diagram} prints {@link DataFlows#mermaid(DataFlow, boolean)}; it needs every operation registered,
 *       as loading does.</li>
 *   <li>{@code export} prints the flow as DFFML's JSON (or YAML), optionally linked: a format converter.</li>
 *   <li>{@code operations} lists the registered operation names.</li>
 * </ul>
 *
 * Exit status: 0 on success, 1 when the flow cannot be loaded or fails, 2 for a usage error; a failure is one line
 * on standard error. When an output operation finds no input of a definition it was asked for (DFFML's
 * {@code DefinitionNotInContext}), the line says which definition, in which context, which operations produce it,
 * and what the flow starts from: the usual cause is that no input reached those operations. Not thread safe: one
 * command at a time per instance.
 */
public final class FlowCli {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    static final String USAGE = """
            usage: ./weft flow <command> [args]
              run FILE [--context NAME] [--input VALUE=DEFINITION]...   run a data flow file, print results as JSON
                  each --context starts a context that the following --inputs belong to (else: "default");
                  VALUE is a JSON literal if it parses as one, else a string
                  --goal speed|memory|balanced  adapt how many contexts run at once (moves printed on stderr)
                  --memory-budget MIB  the run's memory budget (with --goal); --max-contexts N  the ceiling
              diagram [--simple] FILE        the flow as a Mermaid graph (as DFFML's dataflow diagram)
              export [--yaml] [--linked] FILE the flow in DFFML's dict format, as JSON (or YAML)
              operations                     the registered operation names
            FILE is .json, .yaml or .yml in DFFML's data flow format; operations resolve only through registered
            Java implementations (OperationProvider services on the class path).
            """;

    private final OperationRegistry registry;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * A CLI that resolves operations in {@code registry} and writes to {@code out} and {@code err}.
     *
     * @throws NullPointerException if any is null
     */
    public FlowCli(OperationRegistry registry, PrintStream out, PrintStream err) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /** Runs {@code args} with the default registry on standard output and error, and exits with the status. */
    public static void main(String[] args) {
        int status;
        try {
            status = new FlowCli(OperationRegistry.defaultRegistry(), System.out, System.err).execute(args);
        } catch (FlowException e) {
            System.err.println("weft flow: " + e.getMessage());
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs one command.
     *
     * @return the exit status: 0 success, 1 the flow could not be loaded or failed (message on err), 2 usage
     */
    public int execute(String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (a.isEmpty() || a.get(0).equals("help") || a.get(0).equals("-h") || a.get(0).equals("--help")) {
            (a.isEmpty() ? err : out).print(USAGE);
            return a.isEmpty() ? 2 : 0;
        }
        String command = a.remove(0);
        try {
            return switch (command) {
                case "run" -> run(a);
                case "diagram" -> diagram(a);
                case "export" -> export(a);
                case "operations" -> {
                    if (!a.isEmpty()) {
                        throw new Usage("operations takes no arguments, got " + a);
                    }
                    registry.names().forEach(out::println);
                    yield 0;
                }
                default -> throw new Usage("unknown command '" + command + "'");
            };
        } catch (Usage e) {
            err.println("weft flow: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (NoSuchFileException e) {
            err.println("weft flow: no such file: " + e.getFile());
            return 1;
        } catch (IOException e) {
            err.println("weft flow: cannot read: " + e);
            return 1;
        } catch (OperationException e) {
            Throwable cause = e.getCause();
            boolean said = cause == null || String.valueOf(e.getMessage()).contains(String.valueOf(cause));
            err.println("weft flow: " + e.getMessage() + (said ? "" : "\n  caused by: " + cause));
            return 1;
        } catch (FlowException e) {
            err.println("weft flow: " + e.getMessage());
            return 1;
        }
    }

    /** A positive whole number given to {@code option}, else a usage error naming it. */
    private static long positive(String value, String option) {
        try {
            long n = Long.parseLong(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what was wrong
        }
        throw new Usage(option + " wants a positive whole number, got '" + value + "'");
    }

    private int run(List<String> args) throws IOException {
        String file = null;
        Map<String, List<String[]>> contexts = new LinkedHashMap<>();
        String current = null;
        Goal goal = null;
        long budgetMib = 0;
        int maxContexts = Integer.MAX_VALUE;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--goal" -> {
                    String g = value(args, ++i, "--goal");
                    try {
                        goal = Goal.valueOf(g.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new Usage("--goal wants speed, memory or balanced, got '" + g + "'");
                    }
                }
                case "--memory-budget" -> budgetMib = positive(value(args, ++i, "--memory-budget"),
                        "--memory-budget");
                case "--max-contexts" -> maxContexts = (int) Math.min(Integer.MAX_VALUE,
                        positive(value(args, ++i, "--max-contexts"), "--max-contexts"));
                case "--context" -> {
                    current = value(args, ++i, "--context");
                    if (contexts.containsKey(current)) {
                        throw new Usage("context '" + current + "' is given twice");
                    }
                    contexts.put(current, new ArrayList<>());
                }
                case "--input" -> {
                    String spec = value(args, ++i, "--input");
                    int eq = spec.lastIndexOf('=');
                    if (eq <= 0 || eq == spec.length() - 1) {
                        throw new Usage("--input wants VALUE=DEFINITION, got '" + spec + "'");
                    }
                    if (current == null) {
                        current = "default";
                        contexts.put(current, new ArrayList<>());
                    }
                    contexts.get(current).add(new String[] {spec.substring(0, eq), spec.substring(eq + 1)});
                }
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
        DataFlow flow = load(file);
        Map<String, List<Input>> inputs = new LinkedHashMap<>();
        contexts.forEach((name, specs) -> {
            List<Input> list = new ArrayList<>();
            for (String[] s : specs) {
                Definition<?> d = flow.definitions().get(s[1]);
                if (d == null) {
                    throw new FlowException("--input " + s[0] + "=" + s[1] + " (context '" + name + "'): the flow "
                            + "has no definition '" + s[1] + "'; its definitions are " + flow.definitions().keySet());
                }
                list.add(Input.of(parseValue(s[0]), d, List.of(), Origin.SEED,
                        UUID.randomUUID().toString()));
            }
            inputs.put(name, list);
        });
        if (inputs.isEmpty()) {
            inputs.put("default", List.of()); // the seed alone, as DFFML runs a flow given no inputs
        }
        if (goal == null && budgetMib > 0) {
            throw new Usage("--memory-budget needs a --goal (memory or balanced)");
        }
        Orchestrator.Options options = Orchestrator.Options.defaults().withMaxContexts(maxContexts);
        if (goal != null) {
            Limits limits = Limits.fromMachine();
            if (budgetMib > 0) {
                limits = limits.withMemoryBudget(budgetMib * 1024 * 1024);
            }
            long start = System.nanoTime();
            options = options.withGoal(goal).withLimits(limits).withDecisions(d -> err.printf(java.util.Locale.ROOT,
                    "weft flow: %6.3f s: limit %d -> %d (%s; %d in flight, %d queued): %s%n",
                    (d.atNanos() - start) / 1e9, d.previous(), d.limit(), d.reason(), d.inFlight(), d.queued(),
                    d.detail()));
        }
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            for (ContextResult r : Orchestrator.of(options).run(flow, inputs)) {
                results.put(r.context(), r.results());
            }
        } catch (OperationException e) {
            if (e.getCause() instanceof DefinitionNotInContextException missing) {
                throw new FlowException(nothingToOutput(flow, missing), e);
            }
            throw e;
        }
        out.println(json(results));
        return 0;
    }

    /**
     * Why an output operation found nothing, in the flow's terms: which definition, which context, the operations
     * that produce it (the likely cause: no input reached them, or their conditions did not hold), and the
     * definitions the flow starts from upstream of them, which {@code --input} gives.
     */
    static String nothingToOutput(DataFlow flow, DefinitionNotInContextException missing) {
        String wanted = missing.definition();
        StringBuilder b = new StringBuilder(missing.instance() + " found no '" + wanted + "' in context '"
                + missing.context() + "': ");
        List<String> producers = new ArrayList<>();
        boolean conditional = false;
        for (Operation op : flow.operations().values()) {
            if (op.outputs().values().stream().anyMatch(d -> d.name().equals(wanted))) {
                producers.add(op.instance());
                conditional |= !op.conditions().isEmpty();
            }
        }
        if (producers.isEmpty()) {
            return b.append("no operation of this flow produces it, and no input gave it (--input VALUE=")
                    .append(wanted).append(")").toString();
        }
        boolean one = producers.size() == 1;
        b.append("no input reached ").append(String.join(" or ", producers))
                .append(one ? ", which produces it" : ", which produce it");
        if (conditional) {
            b.append(one ? ", or its conditions did not hold" : ", or their conditions did not hold");
        }
        List<String> starts = startingDefinitions(flow, producers);
        if (!starts.isEmpty()) {
            List<String> options = new ArrayList<>();
            starts.forEach(d -> options.add("--input VALUE=" + d));
            b.append("; this flow starts from ").append(String.join(", ", starts))
                    .append(" (").append(String.join(", ", options)).append(")");
        }
        return b.toString();
    }

    /**
     * The definitions that the operations upstream of {@code instances} (and they) take from a named origin such as
     * {@code "seed"}, without a default and not in the flow's seed: what a run has to be given to reach them.
     * Conditions are left out: which condition a named source belongs to is not always known.
     */
    private static List<String> startingDefinitions(DataFlow flow, List<String> instances) {
        Set<String> seeded = new HashSet<>();
        flow.seed().forEach(i -> seeded.add(i.definition().name()));
        Set<String> starts = new LinkedHashSet<>();
        Set<String> visited = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(instances);
        while (!todo.isEmpty()) {
            String instance = todo.poll();
            Operation op = flow.operations().get(instance);
            InputFlow f = flow.flow().get(instance);
            if (!visited.add(instance) || op == null || f == null) {
                continue;
            }
            f.inputs().forEach((param, sources) -> {
                Definition<?> d = op.inputs().get(param);
                for (InputFlow.Source source : sources) {
                    if (source.origin() instanceof Origin.Output o) {
                        todo.add(o.instance());
                    } else if (source instanceof InputFlow.Source.AlternateDefinitions a) {
                        starts.addAll(a.definitions());
                    } else if (d != null && !d.hasDefault()) {
                        starts.add(d.name());
                    }
                }
            });
        }
        starts.removeAll(seeded);
        return List.copyOf(starts);
    }

    private int diagram(List<String> args) throws IOException {
        boolean simple = false;
        String file = null;
        for (String arg : args) {
            if (arg.equals("--simple")) {
                simple = true;
            } else if (arg.startsWith("-")) {
                throw new Usage("unknown option '" + arg + "' for diagram");
            } else if (file != null) {
                throw new Usage("diagram takes one FILE, got '" + file + "' and '" + arg + "'");
            } else {
                file = arg;
            }
        }
        if (file == null) {
            throw new Usage("diagram needs a FILE");
        }
        out.print(DataFlows.mermaid(load(file), simple));
        return 0;
    }

    private int export(List<String> args) throws IOException {
        boolean yaml = false;
        boolean linked = false;
        String file = null;
        for (String arg : args) {
            switch (arg) {
                case "--yaml" -> yaml = true;
                case "--linked" -> linked = true;
                default -> {
                    if (arg.startsWith("-")) {
                        throw new Usage("unknown option '" + arg + "' for export");
                    }
                    if (file != null) {
                        throw new Usage("export takes one FILE, got '" + file + "' and '" + arg + "'");
                    }
                    file = arg;
                }
            }
        }
        if (file == null) {
            throw new Usage("export needs a FILE");
        }
        DataFlow flow = load(file);
        String text = DataFlows.write(flow, yaml ? FlowFormat.YAML : FlowFormat.JSON, linked);
        out.print(text.endsWith("\n") ? text : text + "\n");
        return 0;
    }

    /** The flow in {@code file}; a name that is neither JSON nor YAML fails as the flow could not be loaded. */
    private DataFlow load(String file) throws IOException {
        try {
            return DataFlows.read(Path.of(file), registry);
        } catch (IllegalArgumentException e) {
            throw new FlowException(e.getMessage(), e);
        }
    }

    /** VALUE of {@code --input}: a JSON literal if it parses as one, else the string itself. */
    static Object parseValue(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new FlowException("the results cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new Usage(option + " needs a value");
        }
        return args.get(i);
    }

    /** A command line that does not parse. */
    private static final class Usage extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }
}
