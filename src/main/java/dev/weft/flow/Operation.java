package dev.weft.flow;

import dev.weft.adapt.Cost;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an operation consumes and produces, as DFFML's {@code Operation}: named inputs and outputs, each of a
 * {@link Definition}; the {@link Stage} it runs in; conditions (boolean definitions that must hold in the context);
 * the output keys to {@code expand} (an iterable value becomes one input per element); the instance name it has in a
 * {@link DataFlow}; whether it is a validator; and how many attempts it gets ({@code retry}, in total, as DFFML counts).
 *
 * <p>Build one with {@link #builder(String)}. Instances are immutable and thread safe.
 *
 * @param name         the operation's name, which selects its implementation
 * @param inputs       parameter name to definition, in parameter order
 * @param outputs      output key to definition
 * @param stage        when it runs
 * @param conditions   definitions whose inputs must be {@code true} for it to run
 * @param expand       output keys whose (iterable) values become one input per element
 * @param instanceName its key in a data flow, or {@code null} before it is placed in one
 * @param validator    whether it validates inputs of definitions naming it
 * @param retry        attempts in total when it throws; 0 and 1 both mean one attempt
 * @param cost         what one run is expected to cost (memory held, time, CPU-bound or not), by which a run with an
 *                     optimisation goal admits it ({@link Orchestrator.Options#withGoal}); {@link Cost#none()} when
 *                     not declared. Not written to flow files.
 * @param idempotent   whether running it twice with the same inputs is harmless: then a run lost with the member it
 *                     was running on (dev.weft.cluster) is run again elsewhere; otherwise it fails naming the lost
 *                     member, so nothing runs twice. Not written to flow files.
 */
public record Operation(String name, Map<String, Definition<?>> inputs, Map<String, Definition<?>> outputs,
                        Stage stage, List<Definition<?>> conditions, List<String> expand, String instanceName,
                        boolean validator, int retry, Cost cost, boolean idempotent) {

    /**
     * Copies the collections and checks the fields.
     *
     * @throws IllegalArgumentException if an expand key is not an output, or retry is negative
     */
    public Operation {
        Objects.requireNonNull(name, "operation name");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        Objects.requireNonNull(stage, "stage");
        conditions = List.copyOf(conditions);
        expand = List.copyOf(expand);
        for (String key : expand) {
            if (!outputs.containsKey(key)) {
                throw new IllegalArgumentException("operation '" + name + "' expands output '" + key
                        + "', which is not one of its outputs " + outputs.keySet());
            }
        }
        if (retry < 0) {
            throw new IllegalArgumentException("operation '" + name + "' retry must be >= 0, got " + retry);
        }
        Objects.requireNonNull(cost, "cost");
    }

    /** A builder for an operation named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The instance name, or the operation name when it has none. */
    public String instance() {
        return instanceName != null ? instanceName : name;
    }

    /** This operation under another instance name. */
    Operation withInstanceName(String instance) {
        return new Operation(name, inputs, outputs, stage, conditions, expand, instance, validator, retry, cost,
                idempotent);
    }

    /** Builds an {@link Operation}; not thread safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, Definition<?>> inputs = new LinkedHashMap<>();
        private final Map<String, Definition<?>> outputs = new LinkedHashMap<>();
        private Stage stage = Stage.PROCESSING;
        private final List<Definition<?>> conditions = new ArrayList<>();
        private final List<String> expand = new ArrayList<>();
        private String instanceName;
        private boolean validator;
        private int retry;
        private Cost cost = Cost.none();
        private boolean idempotent;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "operation name");
        }

        /** Adds input {@code param} of definition {@code d}. */
        public Builder input(String param, Definition<?> d) {
            inputs.put(Objects.requireNonNull(param, "input name"), Objects.requireNonNull(d, "definition"));
            return this;
        }

        /** Adds output {@code key} of definition {@code d}. */
        public Builder output(String key, Definition<?> d) {
            outputs.put(Objects.requireNonNull(key, "output key"), Objects.requireNonNull(d, "definition"));
            return this;
        }

        /** Sets the stage (PROCESSING unless set). */
        public Builder stage(Stage s) {
            stage = s;
            return this;
        }

        /** Adds a condition. */
        public Builder condition(Definition<?> d) {
            conditions.add(Objects.requireNonNull(d, "condition"));
            return this;
        }

        /** Expands output {@code key}. */
        public Builder expand(String key) {
            expand.add(key);
            return this;
        }

        /** Sets the instance name. */
        public Builder instanceName(String instance) {
            instanceName = instance;
            return this;
        }

        /** Marks it a validator. */
        public Builder validator() {
            validator = true;
            return this;
        }

        /**
         * Declares what one run is expected to cost: a run with an optimisation goal admits it only while the memory
         * fits the budget (and CPU-bound runs the CPU share), and fails it at once if it can never fit.
         */
        public Builder cost(Cost c) {
            cost = Objects.requireNonNull(c, "cost");
            return this;
        }

        /**
         * Declares that running it twice with the same inputs is harmless (it reads, or writes the same result again):
         * a run lost with the cluster member it ran on is then run again on another (dev.weft.cluster); without it,
         * such a run fails naming the member, and nothing runs twice.
         */
        public Builder idempotent() {
            idempotent = true;
            return this;
        }

        /** Sets the attempts in total. */
        public Builder retry(int attempts) {
            retry = attempts;
            return this;
        }

        /** The operation. */
        public Operation build() {
            return new Operation(name, inputs, outputs, stage, conditions, expand, instanceName, validator, retry, cost,
                    idempotent);
        }
    }
}
