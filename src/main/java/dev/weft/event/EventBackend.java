package dev.weft.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The service provider interface behind {@link Event}: one implementation per {@link DeviceType}, holding what
 * caffe2 keeps in its per-device function tables (create, record, wait, finish, query, error message, set finished,
 * reset, set callback). {@link Event} checks its arguments, then calls the backend of its device with the per-event
 * state that {@link #create} returned.
 *
 * <p>Backends are registered in an {@link EventRegistry}, programmatically or through {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/dev.weft.event.EventBackend}, or {@code provides} it in a module).
 *
 * <h2>Contract</h2>
 * Every method may be called from many threads at once for the same state and must keep caffe2's transitions (see
 * {@link EventStatus}): a terminal status and its message never change until {@link #reset}. Actions before the call
 * that made the event terminal must happen-before {@link #query} returning that status, {@link #finish} returning,
 * and the callbacks running. Throw {@link IllegalStateException} for transitions the device forbids, naming
 * {@code event}. Callbacks must never run while the backend holds a lock a callback could need.
 *
 * @param <S> the backend's per-event state
 */
public interface EventBackend<S> {

    /** The device this backend serves. */
    DeviceType device();

    /** Makes the state of a new event, {@link EventStatus#INITIALIZED INITIALIZED}. */
    S create(EventOptions options);

    /**
     * Records the device work the event marks: INITIALIZED to SCHEDULED, or to FAILED when {@code errorMessage} is
     * given; a no-op if already terminal.
     *
     * @throws IllegalStateException if the event is SCHEDULED already, or the device forbids recording now
     */
    void record(S state, Event event, String errorMessage);

    /**
     * Blocks until the device work is done, then leaves the event terminal (a device backend may find out here).
     *
     * @throws InterruptedException if interrupted while blocked
     */
    void finish(S state) throws InterruptedException;

    /**
     * Like {@link #finish(Object)}, for at most {@code timeout}.
     *
     * @return whether the event is terminal
     * @throws InterruptedException if interrupted while blocked
     */
    boolean finish(S state, Duration timeout) throws InterruptedException;

    /** The status now, without blocking (a device backend may poll its device here). */
    EventStatus query(S state);

    /** The error message if FAILED, else {@code null}. */
    String errorMessage(S state);

    /** The first exception a failure kept, if FAILED with one, else {@code null}. */
    default Throwable exception(S state) {
        return null;
    }

    /** When {@link #exception} was kept, else {@code null}. */
    default Instant exceptionTime(S state) {
        return null;
    }

    /**
     * Marks the event finished: SUCCESS when {@code errorMessage} and {@code exception} are both null, else FAILED
     * with the message ({@code exception.toString()} when only an exception is given).
     *
     * @throws IllegalStateException when the device forbids it now (the CPU backend: if it already succeeded)
     */
    void setFinished(S state, Event event, String errorMessage, Throwable exception);

    /**
     * Back to INITIALIZED, clearing the message, the exception and pending callbacks.
     *
     * @throws IllegalStateException if the device forbids it now (the CPU backend: while SCHEDULED)
     */
    void reset(S state, Event event);

    /** Whether {@link #setCallback} is supported; false by default. */
    default boolean supportsCallback() {
        return false;
    }

    /**
     * Registers {@code callback} to run once when the event becomes terminal, or at once if it is.
     *
     * @throws UnsupportedOperationException by default
     */
    default void setCallback(S state, Event event, Consumer<? super Event> callback) {
        throw new UnsupportedOperationException("events of device " + device() + " do not support callbacks");
    }

    /**
     * The wait-matrix cells this backend supplies, registered with it: usually those where its device is the waiter
     * or the event's device, paired with devices it knows. None by default.
     */
    default Map<WaitFunction.Pair, WaitFunction> waitFunctions() {
        return Map.of();
    }

    /**
     * A backend with the CPU event's semantics for another host-side device (caffe2 reuses the CPU functions for
     * MKLDNN and IDEEP): callbacks supported, waits block the calling thread. Its wait functions cover (d, d),
     * (CPU, d) and (d, CPU).
     */
    static EventBackend<?> host(DeviceType device) {
        return new HostEventBackend(device);
    }
}
