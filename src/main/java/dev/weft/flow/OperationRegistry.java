package dev.weft.flow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java implementations that operation names in data flow files resolve to. {@link DataFlows#fromMap} looks up
 * every operation a file names here, and only here: a file can never name a class to load, so loading a file runs
 * no code that was not registered beforehand (DFFML, by contrast, loads whatever its {@code dffml.operation} entry
 * points name).
 *
 * <p>Entries come from explicit {@link #register(String, Operation, OperationImplementation) register} calls and
 * from {@link OperationProvider}s found by {@link ServiceLoader} ({@link #load(ClassLoader)}). Every registry made
 * by a factory here starts with DFFML's built-in output operations ({@code get_single}, {@code get_multi},
 * {@code group_by}, {@code associate}, {@code associate_definition}: see {@link #withBuiltins()}), except
 * {@link #empty()}.
 *
 * <h2>The default registry</h2>
 * {@link #defaultRegistry()} is one process-wide registry, loaded on first use from the built-ins and the providers
 * the {@link ServiceLoader} finds for this module (on the class path: through the thread context class loader of the
 * thread that first asks). It is what {@link DataFlows}' methods without a registry argument and the
 * {@code ./weft flow} command use. Registering into it affects every later load in the process, so libraries
 * should prefer a provider or a registry of their own.
 *
 * <p>Thread safe: registrations and look-ups may happen concurrently; a look-up sees every registration that
 * finished before it began.
 */
public final class OperationRegistry {
    /**
     * One registered operation.
     *
     * @param name           the operation name files refer to ({@code "name"} of an operation entry)
     * @param operation      its declared shape (inputs, outputs, stage...), or {@code null} if only the
     *                       implementation is known; used by {@link DataFlows#create}. A file's own declaration of
     *                       the operation is what a loaded flow uses.
     * @param implementation the code that runs it
     */
    public record Entry(String name, Operation operation, OperationImplementation implementation) {
        /**
         * Checks the entry.
         *
         * @throws NullPointerException     if the name or implementation is null
         * @throws IllegalArgumentException if the name is blank, or the operation is named otherwise
         */
        public Entry {
            Objects.requireNonNull(name, "operation name");
            Objects.requireNonNull(implementation, () -> "implementation of operation '" + name + "'");
            if (name.isBlank()) {
                throw new IllegalArgumentException("operation name must be non-blank");
            }
            if (operation != null && !operation.name().equals(name)) {
                throw new IllegalArgumentException("entry '" + name + "' declares an operation named '"
                        + operation.name() + "'; the names must match");
            }
        }

        /** An entry for {@code operation}, under its name. */
        public static Entry of(Operation operation, OperationImplementation implementation) {
            return new Entry(operation.name(), operation, implementation);
        }
    }

    private static final Object DEFAULT_LOCK = new Object();
    private static volatile OperationRegistry defaultRegistry;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, String> registeredBy = new ConcurrentHashMap<>();

    private OperationRegistry() {
    }

    /** A registry with nothing in it, not even the built-ins. */
    public static OperationRegistry empty() {
        return new OperationRegistry();
    }

    /**
     * A registry holding only the built-ins: DFFML's output operations {@code get_single}, {@code get_multi},
     * {@code group_by}, {@code associate} and {@code associate_definition} ({@link Outputs}), and
     * {@code dffml.dataflow.run} ({@link Subflows#runDataflow()}).
     */
    public static OperationRegistry withBuiltins() {
        OperationRegistry r = new OperationRegistry();
        r.add(Entry.of(Outputs.getSingle(), Outputs.GET_SINGLE), "built-in");
        r.add(Entry.of(Subflows.runDataflow(), Subflows.RUN_DATAFLOW), "built-in");
        r.add(Entry.of(Outputs.getMulti(), Outputs.GET_MULTI), "built-in");
        r.add(Entry.of(Outputs.groupBy(), Outputs.GROUP_BY), "built-in");
        r.add(Entry.of(Outputs.associate(), Outputs.ASSOCIATE), "built-in");
        r.add(Entry.of(Outputs.associateDefinition(), Outputs.ASSOCIATE_DEFINITION), "built-in");
        return r;
    }

    /**
     * A registry holding the built-ins and every operation of every {@link OperationProvider} that
     * {@link ServiceLoader} finds: on the module path, those of the module graph; on the class path, those
     * {@code loader} sees ({@code null}: the system class loader).
     *
     * @throws FlowException if two providers (or a provider and a built-in) register the same name, naming both, or
     *                       a provider cannot be instantiated or returns a bad entry, naming it
     */
    public static OperationRegistry load(ClassLoader loader) {
        OperationRegistry r = withBuiltins();
        ServiceLoader<OperationProvider> providers = ServiceLoader.load(OperationProvider.class, loader);
        try {
            for (OperationProvider p : providers) {
                r.register(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new FlowException("could not load an OperationProvider: " + e.getMessage(), e);
        }
        return r;
    }

    /**
     * The process-wide registry, loaded once (see the class description).
     *
     * @throws FlowException if loading fails as for {@link #load(ClassLoader)}; the next call tries again
     */
    public static OperationRegistry defaultRegistry() {
        OperationRegistry r = defaultRegistry;
        if (r == null) {
            synchronized (DEFAULT_LOCK) {
                r = defaultRegistry;
                if (r == null) {
                    r = load(Thread.currentThread().getContextClassLoader());
                    defaultRegistry = r;
                }
            }
        }
        return r;
    }

    /**
     * Registers {@code implementation} under {@code name}.
     *
     * @param operation the declared shape, or {@code null}
     * @return this registry
     * @throws FlowException            if {@code name} is registered already (naming who registered it)
     * @throws IllegalArgumentException as {@link Entry}'s constructor
     */
    public OperationRegistry register(String name, Operation operation, OperationImplementation implementation) {
        add(new Entry(name, operation, implementation), "register(...)");
        return this;
    }

    /**
     * Registers {@code operation} with its implementation under the operation's name.
     *
     * @return this registry
     * @throws FlowException if the name is registered already
     */
    public OperationRegistry register(Operation operation, OperationImplementation implementation) {
        return register(operation.name(), operation, implementation);
    }

    /**
     * Registers every entry of {@code provider}.
     *
     * @return this registry
     * @throws FlowException if a name is registered already or the provider returns a null entry; entries before
     *                       the failing one stay registered
     */
    public OperationRegistry register(OperationProvider provider) {
        String by = "provider " + provider.getClass().getName();
        List<Entry> list = provider.operations();
        if (list == null) {
            throw new FlowException(by + " returned null from operations()");
        }
        for (Entry e : list) {
            if (e == null) {
                throw new FlowException(by + " returned a null entry from operations()");
            }
            add(e, by);
        }
        return this;
    }

    private void add(Entry e, String by) {
        synchronized (registeredBy) {
            String before = registeredBy.putIfAbsent(e.name(), by);
            if (before != null) {
                throw new FlowException("operation '" + e.name() + "' is registered twice: by " + before
                        + " and by " + by);
            }
            entries.put(e.name(), e);
        }
    }

    /** The entry registered under {@code name}, if any. */
    public Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * The entry registered under {@code name}.
     *
     * @param where what referred to it, for the message (for example {@code "instance 'add'"})
     * @throws FlowException naming the operation, {@code where}, and every registered name
     */
    Entry require(String name, String where) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new FlowException("operation '" + name + "' (" + where + ") is not registered; registered "
                    + "operations are " + names() + ". Register a Java implementation with "
                    + "OperationRegistry.register or an OperationProvider service");
        }
        return e;
    }

    /** The registered names, sorted; a snapshot. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
    }

    /** The registered entries, sorted by name; a snapshot. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String n : names()) {
            out.add(entries.get(n));
        }
        return out;
    }

    @Override
    public String toString() {
        return "OperationRegistry" + names();
    }
}
