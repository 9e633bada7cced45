package dev.weft.event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * caffe2's per-device function tables as an object: which {@link EventBackend} serves each {@link DeviceType}, and
 * the wait matrix of {@link WaitFunction}s by (waiter device, event device).
 *
 * <p>A new registry holds the CPU backend and the (CPU, CPU) wait. {@link #standard()} is the one process-wide
 * registry that {@link Event#create(DeviceType, EventOptions)} and {@link Event#cpu()} use: the CPU backend plus every
 * backend {@link ServiceLoader} finds, loaded on first use. Code that wants isolation (tests, a second GPU stack)
 * makes its own registry and creates events through {@link #create(DeviceType, EventOptions)}; each event keeps the
 * registry it came from for its waits.
 *
 * <h2>Errors</h2>
 * Registering a second backend for a device, or a second wait function for a pair, throws
 * {@link IllegalStateException} naming both (caffe2 silently let the last registration win). Creating an event of a
 * device with no backend throws {@link IllegalArgumentException} naming the device and the registered ones; a wait
 * between devices with no wait function throws {@link UnsupportedOperationException} naming both devices.
 *
 * <p>Thread safety: all methods may be called from any thread; registration is atomic (a backend and its wait
 * functions appear together or not at all), and lookups never block.
 */
public final class EventRegistry {
    private final ConcurrentHashMap<DeviceType, EventBackend<?>> backends = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<WaitFunction.Pair, WaitFunction> waits = new ConcurrentHashMap<>();
    private final ReentrantLock registering = new ReentrantLock();

    /** A registry with the CPU backend and the (CPU, CPU) wait. */
    public EventRegistry() {
        register(HostEventBackend.CPU);
    }

    /** The process-wide registry: see the class description. */
    public static EventRegistry standard() {
        return Standard.INSTANCE;
    }

    private static final class Standard {
        static final EventRegistry INSTANCE = new EventRegistry();

        static {
            INSTANCE.registerServices(Thread.currentThread().getContextClassLoader());
        }
    }

    /**
     * Registers every {@link EventBackend} that {@link ServiceLoader} finds through {@code loader} (with
     * {@code null}, the system class loader) and, in a module, every one the module graph provides.
     *
     * @return the devices registered
     * @throws IllegalStateException if one of them has a backend here already; those found before it stay registered
     */
    public List<DeviceType> registerServices(ClassLoader loader) {
        List<DeviceType> added = new ArrayList<>();
        for (EventBackend<?> backend : ServiceLoader.load(EventBackend.class, loader)) {
            register(backend);
            added.add(backend.device());
        }
        return added;
    }

    /**
     * Registers {@code backend} for its device, with its {@linkplain EventBackend#waitFunctions() wait functions}.
     *
     * @return this registry
     * @throws IllegalStateException if the device has a backend already, or one of the wait pairs a function
     */
    public EventRegistry register(EventBackend<?> backend) {
        Objects.requireNonNull(backend, "backend");
        DeviceType device = Objects.requireNonNull(backend.device(), () -> backend + ".device()");
        Map<WaitFunction.Pair, WaitFunction> newWaits = Map.copyOf(backend.waitFunctions());
        registering.lock();
        try {
            EventBackend<?> existing = backends.get(device);
            if (existing != null) {
                throw new IllegalStateException("device " + device + " already has an event backend (" + existing
                        + "); cannot register " + backend + " for it too");
            }
            for (WaitFunction.Pair p : newWaits.keySet()) {
                checkFree(p);
            }
            backends.put(device, backend);
            waits.putAll(newWaits);
        } finally {
            registering.unlock();
        }
        return this;
    }

    /**
     * Registers how {@code waiter} waits for events of {@code eventDevice}.
     *
     * @return this registry
     * @throws IllegalStateException if that pair has a wait function already
     */
    public EventRegistry registerWait(DeviceType waiter, DeviceType eventDevice, WaitFunction function) {
        Objects.requireNonNull(function, "wait function");
        WaitFunction.Pair pair = new WaitFunction.Pair(waiter, eventDevice);
        registering.lock();
        try {
            checkFree(pair);
            waits.put(pair, function);
        } finally {
            registering.unlock();
        }
        return this;
    }

    private void checkFree(WaitFunction.Pair p) {
        if (waits.containsKey(p)) {
            throw new IllegalStateException("a wait function for waiter " + p.waiter() + " on events of "
                    + p.event() + " is registered already");
        }
    }

    /** The devices with a backend, sorted by name. */
    public Set<DeviceType> devices() {
        Set<DeviceType> sorted = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
        sorted.addAll(backends.keySet());
        return sorted;
    }

    /** Whether {@code device} has a backend here. */
    public boolean supports(DeviceType device) {
        return backends.containsKey(device);
    }

    /**
     * The backend of {@code device}.
     *
     * @throws IllegalArgumentException if it has none, naming the device and those that have one
     */
    public EventBackend<?> backend(DeviceType device) {
        Objects.requireNonNull(device, "device");
        EventBackend<?> b = backends.get(device);
        if (b == null) {
            throw new IllegalArgumentException("no event backend registered for device " + device
                    + "; registered devices: " + devices());
        }
        return b;
    }

    /**
     * The wait function for the pair.
     *
     * @throws UnsupportedOperationException if none is registered, naming both devices
     */
    public WaitFunction waitFunction(DeviceType waiter, DeviceType eventDevice) {
        WaitFunction f = waits.get(new WaitFunction.Pair(waiter, eventDevice));
        if (f == null) {
            throw new UnsupportedOperationException("no wait function for waiter device " + waiter
                    + " on an event of device " + eventDevice + "; registered pairs: " + pairs());
        }
        return f;
    }

    private List<String> pairs() {
        Map<String, Boolean> names = new HashMap<>();
        for (WaitFunction.Pair p : waits.keySet()) {
            names.put("(" + p.waiter() + ", " + p.event() + ")", true);
        }
        return names.keySet().stream().sorted().toList();
    }

    /**
     * A new INITIALIZED event of {@code device}, created by its backend.
     *
     * @throws IllegalArgumentException if the device has no backend here
     */
    public Event create(DeviceType device, EventOptions options) {
        Objects.requireNonNull(options, "options");
        return new Event(device, options, backend(device), this);
    }

    @Override
    public String toString() {
        return "EventRegistry" + devices();
    }
}
