package dev.weft.tube;

import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How a {@code type} name in a tube makes its nodes: registered in a {@link NodeRegistry}, never a class loaded by
 * name. Four kinds:
 * <ul>
 *   <li>{@link #function(NodeFunction)} and its typed forms ({@link #function(String, Fn1)} …): a function of the
 *       slots; params are passed as if they were slots (a partial application). Stateless by default.</li>
 *   <li>{@link #object(Function)}: an object made from the params whose public {@code process} method is called;
 *       its parameters are the slots (by name where compiled with {@code -parameters}, else by position; a parameter
 *       of type {@link Epoch} or {@link Args} is injected), and its public no-argument {@code init}/{@code deinit}
 *       (or {@code close}) methods are the lifecycle. Stateful by default.</li>
 *   <li>{@link #source(Function)}: an iterator made from the params, one element per epoch; when it is exhausted
 *       the run ends. Always stateful; no slots.</li>
 *   <li>{@link #node(Function)}: a {@link Node} made from the params. Stateful by default.</li>
 * </ul>
 * A type emits one signal, {@code value}, unless {@link #withSignals} names others. Immutable.
 */
public final class NodeType {
    /** A function of a node's {@link Args}. */
    @FunctionalInterface
    public interface NodeFunction {
        /** Computes the value to emit (or a {@link Signals}, or {@link Node#NO_EVENT}). */
        Object apply(Args args) throws Exception;
    }

    /** A function of one slot. */
    @FunctionalInterface
    public interface Fn1<A, R> {
        /** Computes the value. */
        R apply(A a) throws Exception;
    }

    /** A function of two slots. */
    @FunctionalInterface
    public interface Fn2<A, B, R> {
        /** Computes the value. */
        R apply(A a, B b) throws Exception;
    }

    /** A function of three slots. */
    @FunctionalInterface
    public interface Fn3<A, B, C, R> {
        /** Computes the value. */
        R apply(A a, B b, C c) throws Exception;
    }

    enum Kind { FUNCTION, OBJECT, SOURCE, NODE }

    final Kind kind;
    private final Function<Params, ? extends Node> factory;
    private final List<String> signals;
    private final boolean stateful;
    /** The slots a function takes, when known (typed functions, reflected methods); null when any. */
    private final List<String> slots;
    /** Slots that may be missing: the node runs without them when their signal emits nothing. */
    private final Set<String> optional;

    private NodeType(Kind kind, Function<Params, ? extends Node> factory, List<String> signals, boolean stateful,
            List<String> slots) {
        this(kind, factory, signals, stateful, slots, Set.of());
    }

    private NodeType(Kind kind, Function<Params, ? extends Node> factory, List<String> signals, boolean stateful,
            List<String> slots, Set<String> optional) {
        this.kind = kind;
        this.factory = factory;
        this.signals = signals;
        this.stateful = stateful;
        this.slots = slots;
        this.optional = optional;
    }

    /** A stateless node computing {@code fn} of its args (slots and params). */
    public static NodeType function(NodeFunction fn) {
        Objects.requireNonNull(fn, "fn");
        return new NodeType(Kind.FUNCTION, params -> fn::apply, List.of("value"), false, null);
    }

    /** A stateless node of one named slot. */
    @SuppressWarnings("unchecked")
    public static <A, R> NodeType function(String slot, Fn1<A, R> fn) {
        Objects.requireNonNull(fn, "fn");
        return new NodeType(Kind.FUNCTION, params -> args -> fn.apply((A) args.get(slot)), List.of("value"), false,
                List.of(slot));
    }

    /** A stateless node of two named slots. */
    @SuppressWarnings("unchecked")
    public static <A, B, R> NodeType function(String slot1, String slot2, Fn2<A, B, R> fn) {
        Objects.requireNonNull(fn, "fn");
        return new NodeType(Kind.FUNCTION, params -> args -> fn.apply((A) args.get(slot1), (B) args.get(slot2)),
                List.of("value"), false, List.of(slot1, slot2));
    }

    /** A stateless node of three named slots. */
    @SuppressWarnings("unchecked")
    public static <A, B, C, R> NodeType function(String slot1, String slot2, String slot3, Fn3<A, B, C, R> fn) {
        Objects.requireNonNull(fn, "fn");
        return new NodeType(Kind.FUNCTION, params -> args -> fn.apply((A) args.get(slot1), (B) args.get(slot2),
                (C) args.get(slot3)), List.of("value"), false, List.of(slot1, slot2, slot3));
    }

    /** A stateful node whose object (made from the params) has a public {@code process} method. */
    public static NodeType object(Function<Params, ?> make) {
        Objects.requireNonNull(make, "make");
        return new NodeType(Kind.OBJECT, params -> ReflectedNode.of(make.apply(params), params.owner()),
                List.of("value"), true, null);
    }

    /** A source: an iterator made from the params gives one value per epoch; exhausted, it ends the run. */
    public static NodeType source(Function<Params, ? extends Iterator<?>> make) {
        Objects.requireNonNull(make, "make");
        return new NodeType(Kind.SOURCE, params -> new SourceNode(make.apply(params), params.owner()),
                List.of("value"), true, List.of());
    }

    /** A node made from the params. */
    public static NodeType node(Function<Params, ? extends Node> make) {
        Objects.requireNonNull(make, "make");
        return new NodeType(Kind.NODE, make, List.of("value"), true, null);
    }

    /** With these signals instead of {@code value}. */
    public NodeType withSignals(String... signals) {
        if (signals.length == 0) {
            throw new IllegalArgumentException("a node type needs at least one signal");
        }
        List<String> list = List.of(signals);
        if (list.stream().distinct().count() != list.size()) {
            throw new IllegalArgumentException("signals " + list + " repeat a name");
        }
        return new NodeType(kind, factory, list, stateful, slots, optional);
    }

    /** Stateful (runs in epoch order, never overlapping) or stateless by default; a tube's node may override. */
    public NodeType withStateful(boolean stateful) {
        if (kind == Kind.SOURCE && !stateful) {
            throw new IllegalArgumentException("a source is always stateful: its values come in epoch order");
        }
        return new NodeType(kind, factory, signals, stateful, slots, optional);
    }

    /**
     * With optional slots (noob's parameters with defaults): a node still runs when the signal feeding one of these
     * emitted nothing, and {@link Args#has} says whether it came. Other slots are required: a missing one means the
     * node does not run that epoch.
     */
    public NodeType withOptionalSlots(String... slots) {
        Set<String> set = new LinkedHashSet<>(optional);
        set.addAll(List.of(slots));
        return new NodeType(kind, factory, signals, stateful, this.slots, Set.copyOf(set));
    }

    /** The optional slots. */
    public Set<String> optionalSlots() {
        return optional;
    }

    /** The signals it emits. */
    public List<String> signals() {
        return signals;
    }

    /** Whether nodes of this type are stateful unless the tube says otherwise. */
    public boolean stateful() {
        return stateful;
    }

    /** The slots it takes when known (typed functions, sources), else empty. */
    List<String> knownSlots() {
        return slots;
    }

    boolean paramsAsArgs() {
        return kind == Kind.FUNCTION;
    }

    Node make(Params params) {
        Node n = factory.apply(params);
        if (n == null) {
            throw new IllegalStateException(params.owner() + ": its type's factory returned null");
        }
        return n;
    }

    @Override
    public String toString() {
        return "NodeType[" + kind.name().toLowerCase(Locale.ROOT) + ", signals=" + signals
                + ", stateful=" + stateful + "]";
    }

    /** A source node: one element per call; exhausted, it tells the runner the run is over. */
    static final class SourceNode implements Node {
        private final Iterator<?> it;
        private final String owner;

        SourceNode(Iterator<?> it, String owner) {
            this.it = Objects.requireNonNull(it, () -> owner + ": its source factory returned no iterator");
            this.owner = owner;
        }

        @Override
        public Object process(Args args) {
            if (!it.hasNext()) {
                throw new SourceExhausted(owner);
            }
            return it.next();
        }

        @Override
        public void deinit() throws Exception {
            if (it instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    /** Thrown by a source node when its iterator is exhausted: the run ends there (not a failure). */
    static final class SourceExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SourceExhausted(String owner) {
            super(owner + " is exhausted", null, false, false);
        }
    }

    /** An object node: its public process method, called by reflection. */
    static final class ReflectedNode implements Node {
        private final Object target;
        private final Method process;
        private final Method init;
        private final Method deinit;
        private final String[] names;
        private final int[] positions;
        private final Class<?>[] types;
        private final String owner;

        private ReflectedNode(Object target, Method process, Method init, Method deinit, String owner) {
            this.target = target;
            this.process = process;
            this.init = init;
            this.deinit = deinit;
            this.owner = owner;
            Parameter[] ps = process.getParameters();
            names = new String[ps.length];
            positions = new int[ps.length];
            types = new Class<?>[ps.length];
            int pos = 0;
            for (int i = 0; i < ps.length; i++) {
                types[i] = ps[i].getType();
                if (types[i] == Epoch.class || types[i] == Args.class) {
                    positions[i] = -1;
                    continue;
                }
                names[i] = ps[i].isNamePresent() ? ps[i].getName() : null;
                positions[i] = pos++;
            }
        }

        static ReflectedNode of(Object target, String owner) {
            Objects.requireNonNull(target, () -> owner + ": its object factory returned null");
            Class<?> c = target.getClass();
            List<Method> found = new ArrayList<>();
            for (Method m : c.getMethods()) {
                if (m.getName().equals("process") && !Modifier.isStatic(m.getModifiers()) && !m.isBridge()) {
                    found.add(m);
                }
            }
            if (found.size() != 1) {
                throw new IllegalArgumentException(owner + ": " + c.getName() + " must have exactly one public "
                        + "'process' method, it has " + found.size());
            }
            Method process = accessible(found.getFirst(), owner);
            return new ReflectedNode(target, process, noArg(c, "init", owner), deinitOf(c, owner), owner);
        }

        private static Method noArg(Class<?> c, String name, String owner) {
            try {
                return accessible(c.getMethod(name), owner);
            } catch (NoSuchMethodException e) {
                return null;
            }
        }

        private static Method deinitOf(Class<?> c, String owner) {
            Method m = noArg(c, "deinit", owner);
            return m != null ? m : noArg(c, "close", owner);
        }

        private static Method accessible(Method m, String owner) {
            try {
                m.setAccessible(true);
            } catch (InaccessibleObjectException | SecurityException e) {
                // a public method of a public class in an exported package is callable anyway; anything else
                // fails when called, with IllegalAccessException named below
            }
            return m;
        }

        /** The slot names its process method takes, or null where names were not compiled in. */
        List<String> slotNames() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                if (positions[i] >= 0) {
                    if (names[i] == null) {
                        return null;
                    }
                    out.add(names[i]);
                }
            }
            return out;
        }

        @Override
        public Object process(Args args) throws Exception {
            Object[] values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                if (types[i] == Epoch.class) {
                    values[i] = args.epoch();
                } else if (types[i] == Args.class) {
                    values[i] = args;
                } else if (names[i] != null && args.has(names[i])) {
                    values[i] = args.named().get(names[i]);
                } else if (positions[i] < args.positional().size()) {
                    values[i] = args.positional().get(positions[i]);
                } else if (names[i] != null) {
                    values[i] = null;
                } else {
                    throw new IllegalArgumentException(owner + ": no value for parameter " + i + " of " + process);
                }
            }
            return invoke(process, values);
        }

        @Override
        public void init() throws Exception {
            if (init != null) {
                invoke(init);
            }
        }

        @Override
        public void deinit() throws Exception {
            if (deinit != null) {
                invoke(deinit);
            }
        }

        private Object invoke(Method m, Object... values) throws Exception {
            try {
                return m.invoke(target, values);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception x) {
                    throw x;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(owner + ": arguments " + Arrays.toString(values) + " do not fit "
                        + m + ": " + e.getMessage(), e);
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException(owner + ": cannot call " + m + " (open its package to dev.weft, "
                        + "or make the class public): " + e.getMessage(), e);
            }
        }
    }
}
