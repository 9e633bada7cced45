package dev.weft.flow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A data flow, as DFFML's {@code DataFlow}: operation instances, the seed inputs every context starts with, per-
 * instance configurations, the {@link InputFlow} of each instance (where its inputs come from), and the
 * implementations of the operations by name.
 *
 * {@snippet :
 * var flow = DataFlow.builder()
 *         .operation(parseLine, parse)            // Operation plus its OperationImplementation
 *         .operation(add, addImpl)
 *         .operation(Outputs.getSingle("get_single"), Outputs.GET_SINGLE)
 *         .seed(Input.of(List.of("result"), Outputs.GET_SINGLE_SPEC))
 *         .build();                               // automatic flow: DFFML's auto-flow rule
 * }
 *
 * <h2>Automatic flow</h2>
 * Unless flows are given, each instance's input takes its sources from DFFML's rule: if any operation outputs a
 * definition equal to the input's, the sources are exactly those outputs ({@code {producer: outputKey}}), and seed
 * inputs of that definition are ignored; otherwise the source is {@code "seed"}. Conditions follow the same rule,
 * each on its own (DFFML resets the list to {@code ["seed"]} for every unproduced condition, so that only one is
 * checked; Weft keeps every condition).
 *
 * <h2>Checks</h2>
 * {@link Builder#build()} rejects, with {@link FlowException} naming the instance and the reference: a flow for an
 * unknown instance or input, an input with no sources, an output source naming an unknown instance or an output key
 * that instance does not have, and an expand key that is not an output. Implementations are looked up when a run
 * starts.
 *
 * <p>Instances are immutable and thread safe.
 */
public final class DataFlow {
    private final Map<String, Operation> operations;
    private final List<Input> seed;
    private final Map<String, Object> configs;
    private final Map<String, InputFlow> flow;
    private final Map<String, OperationImplementation> implementations;
    private final Map<String, List<Definition<?>>> forward;
    private final Map<String, Definition<?>> definitions;
    /** Stage, then origin, to the instances an input of that origin may wake (DFFML's by_origin). */
    private final Map<Stage, Map<Origin, List<Operation>>> byOrigin;

    private DataFlow(Map<String, Operation> operations, List<Input> seed, Map<String, Object> configs,
                     Map<String, InputFlow> explicitFlow, Map<String, OperationImplementation> implementations,
                     Map<String, List<Definition<?>>> forward) {
        this.operations = Collections.unmodifiableMap(new LinkedHashMap<>(operations));
        this.seed = List.copyOf(seed);
        this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
        this.implementations = Collections.unmodifiableMap(new LinkedHashMap<>(implementations));
        Map<String, List<Definition<?>>> book = new LinkedHashMap<>();
        forward.forEach((instance, defs) -> {
            if (!operations.containsKey(instance)) {
                throw new FlowException("forward names instance '" + instance + "', which is not an operation of the "
                        + "data flow " + operations.keySet());
            }
            book.put(instance, List.copyOf(defs));
        });
        this.forward = Collections.unmodifiableMap(book);
        this.flow = Collections.unmodifiableMap(explicitFlow.isEmpty() ? autoFlow(this.operations)
                : new LinkedHashMap<>(explicitFlow));
        check();
        this.definitions = Collections.unmodifiableMap(collectDefinitions());
        checkValidators();
        checkStartable();
        this.byOrigin = index();
    }

    /** A data flow of {@code operations} with the automatic flow, keyed by instance (or operation) name. */
    public static DataFlow auto(Operation... operations) {
        Builder b = builder();
        for (Operation op : operations) {
            b.operation(op);
        }
        return b.build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Instance name to operation (each with its instance name set), in insertion order. */
    public Map<String, Operation> operations() {
        return operations;
    }

    /** The inputs every context starts with (the same objects, so the same uids, in every context). */
    public List<Input> seed() {
        return seed;
    }

    /** Instance name to its configuration. */
    public Map<String, Object> configs() {
        return configs;
    }

    /** Instance name to its input flow (given, or automatic). */
    public Map<String, InputFlow> flow() {
        return flow;
    }

    /** Operation name to implementation. */
    public Map<String, OperationImplementation> implementations() {
        return implementations;
    }

    /**
     * This data flow with the implementation of operations named {@code name} replaced: how a placement runs some
     * operations elsewhere (dev.weft.cluster puts remote stubs here) without touching the flow's shape.
     *
     * @throws FlowException if no operation of the flow is named {@code name}
     */
    public DataFlow withImplementation(String name, OperationImplementation implementation) {
        Objects.requireNonNull(implementation, () -> "implementation of " + name);
        if (operations.values().stream().noneMatch(op -> op.name().equals(name))) {
            throw new FlowException("no operation of the data flow is named '" + name + "'; its operations are "
                    + operations.values().stream().map(Operation::name).distinct().toList());
        }
        Map<String, OperationImplementation> impls = new LinkedHashMap<>(implementations);
        impls.put(name, implementation);
        return new DataFlow(operations, seed, configs, flow, impls, forward);
    }

    /**
     * DFFML's forward book: instance name to the definitions whose inputs in the parent context are handed to the
     * subflow that instance runs (see {@link Subflows}).
     */
    public Map<String, List<Definition<?>>> forward() {
        return forward;
    }

    /** Every definition the seed, the operations' inputs, outputs and conditions use, by name. */
    public Map<String, Definition<?>> definitions() {
        return definitions;
    }

    /** The instances of {@code stage} that an input of {@code origin} may give a new parameter set. */
    List<Operation> listening(Stage stage, Origin origin) {
        return byOrigin.get(stage).getOrDefault(origin, List.of());
    }

    /** The operations of {@code stage}, in insertion order. */
    List<Operation> ofStage(Stage stage) {
        List<Operation> out = new ArrayList<>();
        for (Operation op : operations.values()) {
            if (op.stage() == stage) {
                out.add(op);
            }
        }
        return out;
    }

    private static Map<String, InputFlow> autoFlow(Map<String, Operation> ops) {
        // producers by output definition first: one pass, so a flow of n operations is wired in O(n), not O(n^2)
        Map<Definition<?>, List<InputFlow.Source>> producers = new HashMap<>();
        for (Operation producer : ops.values()) {
            producer.outputs().forEach((key, out) -> producers.computeIfAbsent(out, d -> new ArrayList<>())
                    .add(InputFlow.Source.output(producer.instance(), key)));
        }
        Map<String, InputFlow> flows = new LinkedHashMap<>();
        for (Operation op : ops.values()) {
            Map<String, List<InputFlow.Source>> inputs = new LinkedHashMap<>();
            op.inputs().forEach((param, d) -> inputs.put(param, producersOf(producers, d)));
            List<InputFlow.Source> conditions = new ArrayList<>();
            for (Definition<?> c : op.conditions()) {
                conditions.addAll(producersOf(producers, c));
            }
            flows.put(op.instance(), new InputFlow(inputs, conditions));
        }
        return flows;
    }

    private static List<InputFlow.Source> producersOf(Map<Definition<?>, List<InputFlow.Source>> producers,
                                                      Definition<?> d) {
        List<InputFlow.Source> sources = producers.get(d);
        return sources == null ? List.of(InputFlow.Source.seed()) : sources;
    }

    private void check() {
        for (String instance : flow.keySet()) {
            if (!operations.containsKey(instance)) {
                throw new FlowException("flow given for instance '" + instance + "', which is not an operation of "
                        + "the data flow " + operations.keySet());
            }
        }
        for (Operation op : operations.values()) {
            InputFlow f = flow.get(op.instance());
            if (f == null) {
                if (op.inputs().isEmpty() && op.conditions().isEmpty()) {
                    continue;
                }
                throw new FlowException("no flow for instance '" + op.instance() + "', which has inputs "
                        + op.inputs().keySet());
            }
            for (String param : f.inputs().keySet()) {
                if (!op.inputs().containsKey(param)) {
                    throw new FlowException("flow of instance '" + op.instance() + "' names input '" + param
                            + "', which the operation does not have; its inputs are " + op.inputs().keySet());
                }
            }
            for (String param : op.inputs().keySet()) {
                List<InputFlow.Source> sources = f.inputs().get(param);
                if (sources == null || sources.isEmpty()) {
                    throw new FlowException("input '" + param + "' of instance '" + op.instance()
                            + "' has no source in the flow");
                }
                sources.forEach(s -> checkSource(op.instance() + ".inputs." + param, s));
            }
            f.conditions().forEach(s -> checkSource(op.instance() + ".conditions", s));
        }
    }

    private void checkSource(String where, InputFlow.Source source) {
        List<Origin> origins = source instanceof InputFlow.Source.Lineage l ? l.chain() : List.of(source.origin());
        for (Origin o : origins) {
            if (o instanceof Origin.Output out) {
                Operation producer = operations.get(out.instance());
                if (producer == null) {
                    throw new FlowException("while resolving " + where + ": no operation instance '" + out.instance()
                            + "' in the data flow " + operations.keySet());
                }
                if (!producer.outputs().containsKey(out.outputKey())) {
                    throw new FlowException("while resolving " + where + ": instance '" + out.instance()
                            + "' has no output '" + out.outputKey() + "'; its outputs are "
                            + producer.outputs().keySet());
                }
            }
        }
    }

    /**
     * Rejects processing operations that can never run: every source of one of their inputs is an output of
     * operations that themselves can never run (a cycle with no way in), and the input has no default. Inputs with a
     * named origin ({@code "seed"} or a user name) can always be given, so they count as reachable.
     */
    private void checkStartable() {
        Set<String> startable = new HashSet<>();
        for (Operation op : operations.values()) {
            if (op.validator()) {
                startable.add(op.instance()); // run by the orchestrator on every input that needs validation
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Operation op : operations.values()) {
                if (startable.contains(op.instance()) || op.stage() != Stage.PROCESSING) {
                    continue;
                }
                InputFlow f = flow.get(op.instance());
                boolean all = true;
                for (Map.Entry<String, Definition<?>> in : op.inputs().entrySet()) {
                    boolean reachable = in.getValue().hasDefault();
                    for (InputFlow.Source src : f == null ? List.<InputFlow.Source>of() : f.inputs().get(in.getKey())) {
                        Origin o = src.origin();
                        reachable |= !(o instanceof Origin.Output out) || startable.contains(out.instance());
                    }
                    all &= reachable;
                }
                if (all) {
                    startable.add(op.instance());
                    grew = true;
                }
            }
        }
        List<String> stuck = new ArrayList<>();
        for (Operation op : operations.values()) {
            if (op.stage() == Stage.PROCESSING && !op.validator() && !startable.contains(op.instance())) {
                stuck.add(op.instance());
            }
        }
        if (!stuck.isEmpty()) {
            throw new FlowException("operations " + stuck + " can never run: each of them waits for outputs of "
                    + "operations in that list (a cycle no seed input, user input or default can start)");
        }
    }

    /** Every validator a definition names must be a validator operation with one input (DFFML's ValidatorMissing). */
    private void checkValidators() {
        for (Definition<?> d : definitions.values()) {
            String v = d.validator().orElse(null);
            if (v == null) {
                continue;
            }
            Operation op = operations.get(v);
            if (op == null || !op.validator()) {
                throw new FlowException("definition '" + d.name() + "' is validated by '" + v + "', which is not a "
                        + "validator operation of the data flow (DFFML's ValidatorMissing); validators: "
                        + operations.values().stream().filter(Operation::validator).map(Operation::instance).toList());
            }
            if (op.inputs().size() != 1) {
                throw new FlowException("validator '" + v + "' of definition '" + d.name() + "' must have exactly one "
                        + "input, has " + op.inputs().keySet());
            }
        }
    }

    private Map<String, Definition<?>> collectDefinitions() {
        Map<String, Definition<?>> defs = new LinkedHashMap<>();
        for (Input i : seed) {
            defs.putIfAbsent(i.definition().name(), i.definition());
        }
        for (Operation op : operations.values()) {
            op.inputs().values().forEach(d -> defs.putIfAbsent(d.name(), d));
            op.outputs().values().forEach(d -> defs.putIfAbsent(d.name(), d));
            op.conditions().forEach(d -> defs.putIfAbsent(d.name(), d));
        }
        forward.values().forEach(list -> list.forEach(d -> defs.putIfAbsent(d.name(), d)));
        return defs;
    }

    private Map<Stage, Map<Origin, List<Operation>>> index() {
        Map<Stage, Map<Origin, List<Operation>>> idx = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            idx.put(s, new HashMap<>());
        }
        for (Operation op : operations.values()) {
            InputFlow f = flow.get(op.instance());
            if (f == null) {
                continue;
            }
            List<InputFlow.Source> all = new ArrayList<>(f.conditions());
            f.inputs().values().forEach(all::addAll);
            for (InputFlow.Source s : all) {
                List<Operation> list = idx.get(op.stage()).computeIfAbsent(s.origin(), o -> new ArrayList<>());
                if (!list.contains(op)) {
                    list.add(op);
                }
            }
        }
        Map<Stage, Map<Origin, List<Operation>>> frozen = new EnumMap<>(Stage.class);
        idx.forEach((stage, m) -> {
            Map<Origin, List<Operation>> copy = new HashMap<>();
            m.forEach((o, l) -> copy.put(o, List.copyOf(l)));
            frozen.put(stage, Collections.unmodifiableMap(copy));
        });
        return Collections.unmodifiableMap(frozen);
    }

    @Override
    public String toString() {
        if (operations.size() <= 8) {
            return "DataFlow" + operations.keySet();
        }
        List<String> first = new ArrayList<>(operations.keySet()).subList(0, 8);
        return "DataFlow" + first.toString().replace("]", ", … " + (operations.size() - 8) + " more]");
    }

    /** Builds a {@link DataFlow}; not thread safe. */
    public static final class Builder {
        private final Map<String, Operation> operations = new LinkedHashMap<>();
        private final List<Input> seed = new ArrayList<>();
        private final Map<String, Object> configs = new LinkedHashMap<>();
        private final Map<String, InputFlow> flow = new LinkedHashMap<>();
        private final Map<String, OperationImplementation> implementations = new LinkedHashMap<>();
        private final Map<String, List<Definition<?>>> forward = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Forwards the parent context's inputs of {@code definitions} to the subflow that instance {@code instance}
         * runs (DFFML's {@code forward}); see {@link Subflows}.
         */
        public Builder forward(String instance, Definition<?>... definitions) {
            forward.computeIfAbsent(Objects.requireNonNull(instance, "instance name"), k -> new ArrayList<>())
                    .addAll(List.of(definitions));
            return this;
        }

        /**
         * Adds {@code op} under its instance name (or its name).
         *
         * @throws FlowException if that instance name is taken
         */
        public Builder operation(Operation op) {
            return operation(op.instance(), op);
        }

        /** Adds {@code op} under its instance name, with its implementation. */
        public Builder operation(Operation op, OperationImplementation implementation) {
            implementation(op.name(), implementation);
            return operation(op);
        }

        /**
         * Adds {@code op} as instance {@code instance}.
         *
         * @throws FlowException if the instance name is taken
         */
        public Builder operation(String instance, Operation op) {
            Objects.requireNonNull(instance, "instance name");
            if (operations.containsKey(instance)) {
                throw new FlowException("operation instance '" + instance + "' is in the data flow twice");
            }
            operations.put(instance, op.withInstanceName(instance));
            return this;
        }

        /** Sets the implementation of operations named {@code name}. */
        public Builder implementation(String name, OperationImplementation implementation) {
            implementations.put(Objects.requireNonNull(name, "operation name"),
                    Objects.requireNonNull(implementation, () -> "implementation of " + name));
            return this;
        }

        /** Adds seed inputs. */
        public Builder seed(Input... inputs) {
            for (Input i : inputs) {
                seed.add(Objects.requireNonNull(i, "seed input"));
            }
            return this;
        }

        /** Sets instance {@code instance}'s configuration. */
        public Builder config(String instance, Object config) {
            configs.put(Objects.requireNonNull(instance, "instance name"), config);
            return this;
        }

        /** Gives instance {@code instance} an explicit flow; with any flow given, none is automatic. */
        public Builder flow(String instance, InputFlow inputFlow) {
            flow.put(Objects.requireNonNull(instance, "instance name"), Objects.requireNonNull(inputFlow, "flow"));
            return this;
        }

        /**
         * The data flow.
         *
         * @throws FlowException naming what is wrong; see {@link DataFlow}
         */
        public DataFlow build() {
            return new DataFlow(operations, seed, configs, flow, implementations, forward);
        }
    }
}
