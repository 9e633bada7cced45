package dev.weft.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Marks the completion of some work on a device, as caffe2's {@code Event} does: any thread can {@link #query()} it,
 * block on it ({@link #await()}, {@link #finish()}), or register callbacks ({@link #onComplete(Consumer)}).
 *
 * {@snippet :
 * Event done = Event.cpu();
 * done.onComplete(e -> log.info("copied: {}", e.query()));
 * done.record();                                  // INITIALIZED -> SCHEDULED: the work is under way
 * Thread.ofVirtual().start(() -> {
 *     copy();
 *     done.setFinished();                         // SCHEDULED -> SUCCESS, runs the callback on this thread
 * });
 * done.await();                                   // any thread; a virtual thread parks without pinning
 * }
 *
 * <h2>States</h2>
 * See {@link EventStatus}. The rules of caffe2's CPU event, which every operation checks at once:
 * <ul>
 *   <li>{@link #record()}: INITIALIZED to SCHEDULED; throws {@link IllegalStateException} on a SCHEDULED event
 *       ("record called twice"); does nothing on a finished one (the asynchronous part may finish first).
 *       {@link #record(String)} goes straight to FAILED. Recording with another device than the event's throws
 *       {@link IllegalArgumentException} naming both.</li>
 *   <li>{@link #setFinished()} and its failing forms: from INITIALIZED or SCHEDULED to SUCCESS or FAILED. The first
 *       failure wins: on a FAILED event a later call is ignored with a warning in the log (caffe2's external
 *       cancellation); on a SUCCESS event it throws {@link IllegalStateException}.</li>
 *   <li>{@link #reset()}: back to INITIALIZED, clearing the message, the exception and pending callbacks. Unlike
 *       caffe2 it throws {@link IllegalStateException} while SCHEDULED: there, a reset under a thread blocked in
 *       Finish could lose that thread's wake-up. Threads blocked in {@link #await()} and futures from
 *       {@link #toCompletableFuture()} survive a reset from INITIALIZED and complete with the next completion.</li>
 * </ul>
 * Other devices' backends may be stricter (a CUDA event refuses {@code setFinished} once recorded).
 *
 * <h2>Callbacks</h2>
 * {@link #onComplete(Consumer)} registers any number; each runs exactly once per completion: those registered before
 * it run on the completing thread, in registration order, after the terminal status is visible; one registered on a
 * finished event runs at once on the registering thread (possibly while the completing thread still runs earlier
 * ones). This includes failures reached by {@link #record(String)}, where caffe2 runs none. A throwing callback is
 * logged and never stops the others. No callback runs while Weft holds a lock the callback could need.
 *
 * <h2>Memory effects</h2>
 * Actions of a thread before the call that makes the event terminal happen-before actions after
 * {@link #query()} returns that status, after {@link #await()} or {@link #finish()} returns, and in callbacks.
 *
 * <h2>Devices</h2>
 * Each event belongs to a {@link DeviceType} whose {@link EventBackend} (found in an {@link EventRegistry}) does the
 * device's part; {@link #waitOn(Event)} dispatches on the pair (this event's device, the other event's device).
 *
 * <p>Thread safety: every method may be called from any thread at any time. An event that is the completion of
 * something else ({@link EventSource#event()}, {@code Task.event()}) is read-only: {@code record}, {@code setFinished}
 * and {@code reset} throw {@link IllegalStateException}.
 */
public final class Event {
    private final DeviceType device;
    private final EventOptions options;
    private final EventBackend<Object> backend;
    private final Object state;
    /** The registry for waits; null means {@link EventRegistry#standard()}, looked up only when needed. */
    private final EventRegistry registry;
    /** Non-null for a read-only event: the source that alone completes it. */
    private final EventSource source;

    @SuppressWarnings("unchecked")
    Event(DeviceType device, EventOptions options, EventBackend<?> backend, EventRegistry registry) {
        this(device, options, backend, registry, null);
    }

    @SuppressWarnings("unchecked")
    Event(DeviceType device, EventOptions options, EventBackend<?> backend, EventRegistry registry,
          EventSource source) {
        this.device = Objects.requireNonNull(device, "device");
        this.options = options;
        this.backend = (EventBackend<Object>) backend;
        this.state = Objects.requireNonNull(this.backend.create(options),
                () -> backend + ".create returned null");
        this.registry = registry;
        this.source = source;
    }

    /** A new INITIALIZED CPU event. */
    public static Event cpu() {
        return new Event(DeviceType.CPU, EventOptions.defaults(), HostEventBackend.CPU, null);
    }

    /** A new INITIALIZED CPU event with options (a name for messages). */
    public static Event cpu(EventOptions options) {
        return new Event(DeviceType.CPU, Objects.requireNonNull(options, "options"), HostEventBackend.CPU, null);
    }

    /**
     * A new INITIALIZED event of {@code device}, from the {@linkplain EventRegistry#standard() standard registry}.
     *
     * @throws IllegalArgumentException if no backend is registered for the device, naming it
     */
    public static Event create(DeviceType device, EventOptions options) {
        return EventRegistry.standard().create(device, options);
    }

    /** {@link #create(DeviceType, EventOptions)} with default options. */
    public static Event create(DeviceType device) {
        return create(device, EventOptions.defaults());
    }

    /** The device this event belongs to. */
    public DeviceType device() {
        return device;
    }

    /** The options it was created with. */
    public EventOptions options() {
        return options;
    }

    /** The backend's per-event state, for the backend's wait functions (a CUDA backend's stream and handle). */
    public Object backendState() {
        return state;
    }

    // ---- record and finish: the writing side ----

    /**
     * Records the work this event marks, from this event's own device: INITIALIZED to SCHEDULED.
     *
     * @throws IllegalStateException if it is SCHEDULED already, or the event is read-only
     */
    public void record() {
        writable("record");
        backend.record(state, this, null);
    }

    /**
     * Records the work from {@code recorder}'s side, which must be this event's device (caffe2's
     * {@code Record(recorder_type, ...)}).
     *
     * @throws IllegalArgumentException if {@code recorder} is another device, naming both
     * @throws IllegalStateException    as {@link #record()}
     */
    public void record(DeviceType recorder) {
        checkRecorder(recorder);
        record();
    }

    /**
     * Records that the work failed before it started: INITIALIZED to FAILED with {@code errorMessage}; callbacks
     * run. A no-op if the event is finished already.
     *
     * @throws IllegalStateException if it is SCHEDULED, or the event is read-only
     * @throws NullPointerException  if {@code errorMessage} is null
     */
    public void record(String errorMessage) {
        Objects.requireNonNull(errorMessage, "errorMessage (use record() when there is no error)");
        writable("record");
        backend.record(state, this, errorMessage);
    }

    /** {@link #record(String)} from {@code recorder}'s side; see {@link #record(DeviceType)}. */
    public void record(DeviceType recorder, String errorMessage) {
        checkRecorder(recorder);
        record(errorMessage);
    }

    private void checkRecorder(DeviceType recorder) {
        Objects.requireNonNull(recorder, "recorder device");
        if (!recorder.equals(device)) {
            throw new IllegalArgumentException("event " + describe() + " belongs to device " + device
                    + " but was recorded by device " + recorder + "; record it from " + device);
        }
    }

    /**
     * Marks the work done: SUCCESS, and the callbacks run on this thread.
     *
     * @throws IllegalStateException if it already succeeded, or the event is read-only (on a FAILED event this is
     *                               ignored, with a warning in the log)
     */
    public void setFinished() {
        writable("setFinished");
        backend.setFinished(state, this, null, null);
    }

    /**
     * Marks the work failed with {@code errorMessage}: FAILED, and the callbacks run on this thread. If the event
     * failed already, the first message stays and this call is logged as a warning.
     *
     * @throws IllegalStateException if it already succeeded, or the event is read-only
     * @throws NullPointerException  if {@code errorMessage} is null (use {@link #setFinished()} for success)
     */
    public void setFinished(String errorMessage) {
        Objects.requireNonNull(errorMessage, "errorMessage (use setFinished() for success)");
        writable("setFinished");
        backend.setFinished(state, this, errorMessage, null);
    }

    /**
     * Marks the work failed with {@code exception}: FAILED with {@code exception.toString()} as its message, and the
     * exception kept for {@link #exception()} and {@link #rethrow()}, with the time. The first exception is kept
     * even if a message-only failure came first (as caffe2's {@code SetFinishedWithException}).
     *
     * @throws IllegalStateException if it already succeeded, or the event is read-only
     * @throws NullPointerException  if {@code exception} is null
     */
    public void setFinished(Throwable exception) {
        Objects.requireNonNull(exception, "exception (use setFinished() for success)");
        writable("setFinished");
        backend.setFinished(state, this, null, exception);
    }

    /**
     * Back to INITIALIZED: see the class description.
     *
     * @throws IllegalStateException while SCHEDULED, or if the event is read-only
     */
    public void reset() {
        writable("reset");
        backend.reset(state, this);
    }

    private void writable(String what) {
        if (source != null) {
            throw new IllegalStateException(what + " on event " + describe() + ", which is read-only: only its "
                    + "source completes it");
        }
    }

    // ---- waiting ----

    /**
     * Blocks until the device work is done, and returns the terminal status (caffe2's {@code Finish}). A virtual
     * thread parks without pinning its carrier.
     *
     * @throws InterruptedException if interrupted while blocked
     */
    public EventStatus finish() throws InterruptedException {
        backend.finish(state);
        return query();
    }

    /**
     * Blocks until the event is SUCCESS or FAILED; never throws for a failure (see {@link #rethrow()}).
     *
     * @throws InterruptedException if interrupted while blocked
     */
    public void await() throws InterruptedException {
        backend.finish(state);
    }

    /**
     * Blocks until the event is finished or {@code timeout} passed.
     *
     * @return whether it finished
     * @throws InterruptedException if interrupted while blocked
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return backend.finish(state, timeout);
    }

    /**
     * Makes work on this event's device wait for {@code other}, through the wait function registered for (this
     * device, other's device): for (CPU, CPU) the calling thread blocks until {@code other} is finished.
     *
     * @throws UnsupportedOperationException if no wait function is registered for the pair, naming both devices
     * @throws InterruptedException          if interrupted while blocked
     */
    public void waitOn(Event other) throws InterruptedException {
        Objects.requireNonNull(other, "event to wait on");
        registry().waitFunction(device, other.device).await(this, other);
    }

    /**
     * Makes plain code of {@code waiterDevice} wait for {@code event} (caffe2's {@code event.Wait(type, ctx)}), using
     * the registry {@code event} came from.
     *
     * @throws UnsupportedOperationException if no wait function is registered for the pair, naming both devices
     * @throws InterruptedException          if interrupted while blocked
     */
    public static void wait(DeviceType waiterDevice, Event event) throws InterruptedException {
        Objects.requireNonNull(waiterDevice, "waiter device");
        Objects.requireNonNull(event, "event");
        event.registry().waitFunction(waiterDevice, event.device).await(null, event);
    }

    private EventRegistry registry() {
        return registry != null ? registry : EventRegistry.standard();
    }

    // ---- reading ----

    /** The status now; never blocks. */
    public EventStatus query() {
        return backend.query(state);
    }

    /** Whether the status is SCHEDULED. */
    public boolean isScheduled() {
        return query() == EventStatus.SCHEDULED;
    }

    /** Whether the status is SUCCESS or FAILED. */
    public boolean isFinished() {
        return query().isTerminal();
    }

    /** The error message while FAILED; empty otherwise. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(backend.errorMessage(state));
    }

    /** The first exception kept by {@link #setFinished(Throwable)} while FAILED; empty otherwise. */
    public Optional<Throwable> exception() {
        return Optional.ofNullable(backend.exception(state));
    }

    /** When {@link #exception()} was kept; empty when there is none. */
    public Optional<Instant> exceptionTime() {
        return Optional.ofNullable(backend.exceptionTime(state));
    }

    /**
     * Throws if the event FAILED: its kept exception itself when unchecked, otherwise an
     * {@link EventFailedException} with the message and the kept exception (if any) as cause. Returns normally in
     * any other state.
     */
    public void rethrow() {
        if (query() != EventStatus.FAILED) {
            return;
        }
        Throwable t = backend.exception(state);
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new EventFailedException(describe(), String.valueOf(backend.errorMessage(state)), t);
    }

    // ---- callbacks and futures ----

    /** Whether this event's device supports {@link #onComplete(Consumer)} (CPU events do; caffe2's CUDA ones not). */
    public boolean supportsCallback() {
        return backend.supportsCallback();
    }

    /**
     * Registers {@code callback}: see the class description.
     *
     * @throws UnsupportedOperationException if the device does not {@linkplain #supportsCallback() support} it
     * @throws NullPointerException          if {@code callback} is null
     */
    public void onComplete(Consumer<? super Event> callback) {
        Objects.requireNonNull(callback, "callback");
        backend.setCallback(state, this, callback);
    }

    /**
     * A new future that completes with this event when it finishes: normally on SUCCESS, exceptionally with
     * {@link EventFailedException} (the message, and the kept exception as cause) on FAILED. Completing or
     * cancelling the future does not change the event. It survives a reset from INITIALIZED, completing with the
     * next completion. For devices without callbacks, a virtual thread blocks in {@link #finish()} to complete it.
     */
    public CompletableFuture<Event> toCompletableFuture() {
        CompletableFuture<Event> f = new CompletableFuture<>();
        whenFinished(this, e -> complete(f, e));
        return f;
    }

    private static void complete(CompletableFuture<Event> f, Event e) {
        if (e.query() == EventStatus.FAILED) {
            f.completeExceptionally(new EventFailedException(e.describe(),
                    String.valueOf(e.backend.errorMessage(e.state)), e.backend.exception(e.state)));
        } else {
            f.complete(e);
        }
    }

    /**
     * Runs {@code action} once when {@code event} finishes, whatever its device: a surviving internal callback on a
     * host event, a plain callback where the backend has them, or else a virtual thread blocked in finish.
     */
    static void whenFinished(Event event, Consumer<? super Event> action) {
        if (event.state instanceof HostEvent host) {
            host.onComplete(event, action, true);
        } else if (event.supportsCallback()) {
            event.onComplete(action);
        } else {
            Thread.ofVirtual().name("weft-event-watch-" + event.describe()).start(() -> {
                try {
                    event.finish();
                    action.accept(event);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    // ---- scheduling ----

    /**
     * caffe2's {@code CanSchedule}: may a child start, given its parent's event? Yes when the parent SUCCEEDED, or
     * when the parent is SCHEDULED on the child's own device and the child runs asynchronously there (the device
     * orders the two); no otherwise.
     */
    public static boolean canSchedule(Event parent, DeviceType childDevice, boolean childSupportsAsync) {
        Objects.requireNonNull(parent, "parent event");
        Objects.requireNonNull(childDevice, "child device");
        return switch (parent.query()) {
            case SUCCESS -> true;
            case SCHEDULED -> parent.device.equals(childDevice) && childSupportsAsync;
            case INITIALIZED, FAILED -> false;
        };
    }

    /** The name, or the device and an identity hash, as used in messages. */
    String describe() {
        return options.name() != null ? "'" + options.name() + "'"
                : device + "@" + Integer.toHexString(System.identityHashCode(this));
    }

    @Override
    public String toString() {
        return "Event[" + describe() + ", " + device + ", " + query() + "]";
    }
}
