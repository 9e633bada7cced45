package dev.weft.cuda;

import dev.weft.event.DeviceType;
import dev.weft.event.Event;
import dev.weft.event.EventOptions;
import dev.weft.event.EventRegistry;
import dev.weft.event.EventStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * CUDA events on a chosen stream, recording on another stream, timing, and explicit release. The events are
 * ordinary {@link Event}s of {@link DeviceType#CUDA} from the standard {@link EventRegistry}; see
 * {@link CudaEventBackend} for their semantics.
 *
 * {@snippet :
 * try (CudaStream stream = CudaStream.create()) {
 *     Event start = CudaEvents.create(stream, CudaEvents.DEFAULT);   // DEFAULT keeps timing
 *     Event end = CudaEvents.create(stream, CudaEvents.DEFAULT);
 *     start.record();
 *     buffer.memsetAsync(stream, 0);
 *     end.record();
 *     end.await();
 *     Duration took = CudaEvents.elapsed(start, end);
 *     CudaEvents.close(start);
 *     CudaEvents.close(end);
 * }
 * }
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class CudaEvents {
    /** {@code cudaEventDefault}: timing enabled, waits spin in the driver (Weft never waits in the driver). */
    public static final int DEFAULT = 0x00;
    /** {@code cudaEventBlockingSync}: a {@code cudaEventSynchronize} would block instead of spinning. */
    public static final int BLOCKING_SYNC = 0x01;
    /** {@code cudaEventDisableTiming}: no timestamps, cheaper record and query; {@link #elapsed} refuses it. */
    public static final int DISABLE_TIMING = 0x02;

    private CudaEvents() {
    }

    /**
     * A new INITIALIZED CUDA event bound to {@code stream} (its device, and where {@link Event#record()} records),
     * with {@code flags}, completed by the {@linkplain CudaCompletion#processDefault() process default}.
     *
     * @throws CudaUnavailableException if CUDA is unavailable, with the reason
     * @throws IllegalArgumentException if the flags are unknown
     * @throws IllegalStateException    if the stream is closed
     * @throws CudaException            if {@code cudaEventCreateWithFlags} fails
     */
    public static Event create(CudaStream stream, int flags) {
        return create(stream, flags, (CudaCompletion) null);
    }

    /** {@link #create(CudaStream, int)} with a chosen completion mechanism. */
    public static Event create(CudaStream stream, int flags, CudaCompletion completion) {
        Objects.requireNonNull(stream, "stream");
        return create(EventRegistry.standard(), stream, flags, completion,
                EventOptions.defaults().withDeviceId(stream.deviceId()));
    }

    /**
     * {@link #create(CudaStream, int)} with options (a name for messages).
     *
     * @throws IllegalArgumentException also if the options' device id is not the stream's device
     */
    public static Event create(CudaStream stream, int flags, EventOptions options) {
        return create(EventRegistry.standard(), stream, flags, null, options);
    }

    static Event create(EventRegistry registry, CudaStream stream, int flags, CudaCompletion completion,
                        EventOptions options) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(options, "options");
        if (options.deviceId() != stream.deviceId()) {
            throw new IllegalArgumentException("event options name CUDA device " + options.deviceId()
                    + " but the stream " + stream + " is on device " + stream.deviceId());
        }
        stream.address(); // a closed stream fails here, not at the first record
        var params = new CudaEventBackend.Params(stream, flags, completion);
        return ScopedValue.where(CudaEventBackend.PARAMS, params).call(() -> registry.create(DeviceType.CUDA, options));
    }

    /**
     * Records {@code event} on {@code stream} instead of the stream it was created for (caffe2 records on the
     * context's current stream); the rules of {@link Event#record()} apply.
     *
     * @throws IllegalArgumentException if {@code event} is not a CUDA event, or the stream is on another device
     * @throws IllegalStateException    if the event is not INITIALIZED, or is closed, or the stream is closed
     * @throws CudaException            if {@code cudaEventRecord} fails
     */
    public static void record(Event event, CudaStream stream) {
        Objects.requireNonNull(stream, "stream");
        CudaEventBackend.state(event).record(event, null, stream);
    }

    /** The stream {@code event} was created for ({@link Event#record()} records there). */
    public static CudaStream stream(Event event) {
        return CudaEventBackend.state(event).stream;
    }

    /** The stream of the current recording, if recorded. */
    public static Optional<CudaStream> recordedOn(Event event) {
        return Optional.ofNullable(CudaEventBackend.state(event).recordedOn());
    }

    /** How {@code event} learns of completion. */
    public static CudaCompletion completion(Event event) {
        return CudaEventBackend.state(event).completion;
    }

    /**
     * The GPU time between two recorded, finished events ({@code cudaEventElapsedTime}, about 0.5 µs resolution);
     * negative if {@code end} was reached before {@code start}. Does not block.
     *
     * @throws IllegalArgumentException if either is not a CUDA event or was created with {@link #DISABLE_TIMING}
     *                                  (which {@code Event.create(DeviceType.CUDA)} uses)
     * @throws IllegalStateException    if either is not SUCCESS through a GPU recording (still SCHEDULED, failed,
     *                                  finished by {@code setFinished}, or closed): await them first
     * @throws CudaException            if {@code cudaEventElapsedTime} fails
     */
    public static Duration elapsed(Event start, Event end) {
        CudaEventState a = CudaEventBackend.state(start);
        CudaEventState b = CudaEventBackend.state(end);
        for (CudaEventState s : new CudaEventState[] {a, b}) {
            if ((s.flags & DISABLE_TIMING) != 0) {
                throw new IllegalArgumentException("CUDA event " + s.describe() + " was created with "
                        + "DISABLE_TIMING; create it with CudaEvents.create(stream, CudaEvents.DEFAULT) to time it");
            }
            EventStatus st = s.query();
            if (st != EventStatus.SUCCESS || s.recordedOn() == null || s.isClosed()) {
                throw new IllegalStateException("elapsed needs two events that the GPU reached; " + s.describe()
                        + " is " + st + (s.isClosed() ? " and closed" : s.recordedOn() == null && st.isTerminal()
                        ? " by setFinished, not by a recording" : "") + ": await both events first");
            }
        }
        CudaEventState first = a.seq < b.seq ? a : b;
        CudaEventState second = first == a ? b : a;
        float ms;
        first.lock.lock();
        try {
            second.lock.lock();
            try {
                if (a.isClosed() || b.isClosed()) {
                    throw new IllegalStateException("elapsed on a closed CUDA event");
                }
                ms = a.rt.eventElapsedMs(a.handle.address(), b.handle.address());
            } finally {
                second.lock.unlock();
            }
        } finally {
            first.lock.unlock();
        }
        return Duration.ofNanos(Math.round(ms * 1_000_000d));
    }

    /**
     * Destroys {@code event}'s native event now ({@code cudaEventDestroy}), once; later calls do nothing. A pending
     * event becomes FAILED ("closed while SCHEDULED") so that no waiter hangs; the GPU work itself goes on. Events
     * that are dropped without this are destroyed by a cleaner once unreachable.
     *
     * @throws IllegalArgumentException if {@code event} is not a CUDA event
     * @throws CudaException            if {@code cudaEventDestroy} fails (the event counts as closed all the same)
     */
    public static void close(Event event) {
        CudaEventBackend.state(event).close();
    }

    /** Whether {@link #close(Event)} was called. */
    public static boolean isClosed(Event event) {
        return CudaEventBackend.state(event).isClosed();
    }
}
