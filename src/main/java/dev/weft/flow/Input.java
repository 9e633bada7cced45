package dev.weft.flow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * One piece of data in a data flow context, as DFFML's {@code Input}: a value of a {@link Definition}, where it came
 * from ({@link Origin}), the inputs it was made from ({@linkplain #parents() parents}), and a unique id.
 *
 * <p>Identity is by uid, never by value: two inputs holding equal values are different inputs, and an operation
 * runs for each (DFFML's redundancy checker keys on uids). {@link #equals} and {@link #hashCode} use the uid.
 *
 * <p>Making an input applies the definition's validate function, whose exceptions propagate. Instances are
 * immutable (the value is whatever object was given) and thread safe; {@link #ancestors()} is computed once,
 * iteratively, so lineage of any depth costs no stack.
 */
public final class Input {
    private final Object value;
    private final Definition<?> definition;
    private final List<Input> parents;
    private final Origin origin;
    private final String uid;
    /** False for an input whose definition names a validator operation, until that validator made it. */
    private final boolean validated;
    private volatile Set<Input> ancestors; // computed on first use; a benign race computes equal sets
    /** This input and its ancestors whose definition is locked: made from the parents' sets, so no walk is needed. */
    private final Set<Input> lockedLineage;

    private Input(Object value, Definition<?> definition, List<Input> parents, Origin origin, String uid) {
        this(value, definition, parents, origin, uid, definition.validator().isEmpty());
    }

    private Input(Object value, Definition<?> definition, List<Input> parents, Origin origin, String uid,
                  boolean validated) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.value = validated(definition, value);
        this.parents = List.copyOf(parents);
        this.origin = Objects.requireNonNull(origin, "origin");
        this.uid = Objects.requireNonNull(uid, "uid");
        this.validated = validated;
        Set<Input> locked = null;
        for (Input p : this.parents) {
            if (!p.lockedLineage.isEmpty()) {
                if (locked == null) {
                    locked = new LinkedHashSet<>();
                }
                locked.addAll(p.lockedLineage);
            }
        }
        if (definition.lock()) {
            if (locked == null) {
                locked = new LinkedHashSet<>();
            }
            locked.add(this);
        }
        this.lockedLineage = locked == null ? Set.of() : Collections.unmodifiableSet(locked);
    }

    @SuppressWarnings("unchecked")
    private static <T> Object validated(Definition<T> d, Object value) {
        Object converted = d.convert(value); // a spec turns maps (as read from files) into records first
        UnaryOperator<T> v = d.validate().orElse(null);
        return v == null ? converted : v.apply((T) converted);
    }

    /** A seed input: origin {@code "seed"}, no parents, a random uid. */
    public static <T> Input of(T value, Definition<? super T> definition) {
        return new Input(value, definition, List.of(), Origin.SEED, UUID.randomUUID().toString());
    }

    /** An input with an origin named by the caller (a flow may select it by that name). */
    public static <T> Input of(T value, Definition<? super T> definition, String origin) {
        return new Input(value, definition, List.of(), Origin.named(origin), UUID.randomUUID().toString());
    }

    /**
     * A seed input of a definition whose value type is not known statically (one from {@link DataFlow#definitions()}
     * or a data flow file); the value is checked only by the definition's spec and validate function.
     */
    public static Input ofUntyped(Object value, Definition<?> definition) {
        return new Input(value, definition, List.of(), Origin.SEED, UUID.randomUUID().toString());
    }

    /** An input with every field given, as the orchestrator makes operation outputs. */
    public static Input of(Object value, Definition<?> definition, List<Input> parents, Origin origin, String uid) {
        return new Input(value, definition, parents, origin, uid);
    }

    /** An input made by a validator operation: it enters the context's store at once. */
    static Input validated(Object value, Definition<?> definition, List<Input> parents, Origin origin, String uid) {
        return new Input(value, definition, parents, origin, uid, true);
    }

    /** Whether this input may enter a context as it is (see {@link Definition#withValidator(String)}). */
    public boolean isValidated() {
        return validated;
    }

    /** The value. */
    public Object value() {
        return value;
    }

    /** The value as {@code definition}'s type. */
    @SuppressWarnings("unchecked")
    public <T> T value(Definition<T> asDefinition) {
        return (T) value;
    }

    /** The definition. */
    public Definition<?> definition() {
        return definition;
    }

    /** The inputs of the parameter set that produced this one; empty for seed and user inputs. */
    public List<Input> parents() {
        return parents;
    }

    /** Where this input came from. */
    public Origin origin() {
        return origin;
    }

    /** The unique id. */
    public String uid() {
        return uid;
    }

    /**
     * Every input this one descends from (parents, their parents, …), each once, parents first.
     * Iterative and cached: a chain of any length costs no stack.
     */
    public Set<Input> ancestors() {
        Set<Input> a = ancestors;
        if (a == null) {
            Map<Input, Boolean> seen = new IdentityHashMap<>();
            List<Input> order = new ArrayList<>();
            ArrayDeque<Input> todo = new ArrayDeque<>(parents);
            while (!todo.isEmpty()) {
                Input next = todo.removeFirst();
                if (seen.put(next, Boolean.TRUE) == null) {
                    order.add(next);
                    Set<Input> known = next.ancestors; // reuse a parent's cached set instead of walking it again
                    if (known != null) {
                        for (Input k : known) {
                            if (seen.put(k, Boolean.TRUE) == null) {
                                order.add(k);
                            }
                        }
                    } else {
                        todo.addAll(next.parents);
                    }
                }
            }
            a = Collections.unmodifiableSet(new LinkedHashSet<>(order));
            ancestors = a;
        }
        return a;
    }

    /**
     * This input, if its definition is {@linkplain Definition#lock() locked}, and every locked ancestor: the inputs an
     * operation using this one must hold (DFFML's inherited locking).
     */
    Set<Input> lockedLineage() {
        return lockedLineage;
    }

    /** DFFML's exported form: {@code value}, {@code definition} (name), {@code origin}. */
    public Map<String, Object> export() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("definition", definition.name());
        m.put("origin", origin instanceof Origin.Output o ? List.of(o.instance(), o.outputKey()) : origin.toString());
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Input i && uid.equals(i.uid);
    }

    @Override
    public int hashCode() {
        return uid.hashCode();
    }

    @Override
    public String toString() {
        return "Input(" + definition.name() + "=" + value + ", from " + origin + ")";
    }
}
