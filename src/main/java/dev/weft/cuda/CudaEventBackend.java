package dev.weft.cuda;

import dev.weft.event.DeviceType;
import dev.weft.event.Event;
import dev.weft.event.EventBackend;
import dev.weft.event.EventOptions;
import dev.weft.event.EventStatus;
import dev.weft.event.WaitFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The {@link EventBackend} of {@link DeviceType#CUDA}: caffe2's CUDA event functions over the CUDA runtime. It is
 * registered in the standard {@link dev.weft.event.EventRegistry} through {@link java.util.ServiceLoader}
 * ({@code provides} in {@code module-info}, and {@code META-INF/services} on the class path), so
 * {@code Event.create(DeviceType.CUDA, options)} works without setup. Registering it touches no native code: on a
 * machine without CUDA, CPU events are unaffected and only creating a CUDA event throws
 * {@link CudaUnavailableException}, naming the reason.
 *
 * <h2>Semantics (caffe2's {@code event_gpu.cc}, with Weft's completion)</h2>
 * <ul>
 *   <li>create: {@code cudaEventCreateWithFlags} on the options' device; an event from
 *       {@code Event.create(CUDA, ...)} uses the device's legacy default stream and caffe2's flags
 *       ({@link CudaEvents#DISABLE_TIMING}); {@link CudaEvents#create(CudaStream, int)} chooses both.</li>
 *   <li>record: only from INITIALIZED (otherwise {@link IllegalStateException}); {@code cudaEventRecord} on the
 *       event's stream; SCHEDULED. {@code record(error)}: FAILED, no CUDA call.</li>
 *   <li>query: SCHEDULED asks {@code cudaEventQuery}: {@code cudaSuccess} is SUCCESS, {@code cudaErrorNotReady}
 *       stays SCHEDULED, any other code is FAILED with the code's name and description in the message.</li>
 *   <li>finish / await: wait for the record, then for the GPU through {@link CudaCompletion} (never blocking in
 *       native code).</li>
 *   <li>setFinished: only from INITIALIZED ({@link IllegalStateException} otherwise): a CUDA event is finished
 *       by its GPU work or by setFinished, never both. reset: back to INITIALIZED, reusing the native event;
 *       {@link IllegalStateException} while the GPU work is pending.</li>
 *   <li>callbacks: supported (caffe2's CUDA events had none), through the same completion mechanism; they run on
 *       the thread that observed the completion (a querying or waiting thread, or a Weft virtual thread), never on
 *       CUDA's callback thread, so they may call CUDA.</li>
 *   <li>waits: (CUDA, CUDA) {@code cudaStreamWaitEvent} on the waiter's stream (nothing on the same stream or a
 *       finished event); (CPU, CUDA) blocks the calling thread until done; (CUDA, CPU) enqueues a host function that
 *       holds the waiter's stream until the CPU event finishes (plain code without a waiter event blocks instead).
 *       A wait on an INITIALIZED event first waits for its record, as in caffe2.</li>
 * </ul>
 *
 * <h2>Memory effects</h2>
 * As for every {@link Event}: actions of a thread before the call that made the event terminal happen-before actions
 * after {@code query()} returns that status, after {@code await()}/{@code finish()} return, and in callbacks. For GPU
 * work, an event that reads SUCCESS means CUDA finished everything enqueued on its stream before the record, so host
 * memory written by earlier {@code cudaMemcpyAsync} calls on that stream may be read after {@code await()} returns.
 *
 * <p>Thread safety: every method may be called from any thread for the same state; see {@link Event}. Per event, one
 * {@link java.util.concurrent.locks.ReentrantLock} guards transitions and every native call on its handle; it is
 * never held while waiting for the GPU or while callbacks run.
 */
public final class CudaEventBackend implements EventBackend<CudaEventState> {
    /** What {@link CudaEvents#create} passes to {@link #create}, which gets only the options from the registry. */
    record Params(CudaStream stream, int flags, CudaCompletion completion) {
    }

    static final ScopedValue<Params> PARAMS = ScopedValue.newInstance();

    private final Supplier<CudaRuntime> runtime;
    private final IntSupplier deviceCount;

    /** The backend over the real CUDA runtime; what {@link java.util.ServiceLoader} instantiates. */
    public CudaEventBackend() {
        this(Cuda::runtime, Cuda::deviceCount);
    }

    /** A backend over another runtime (tests: a fake without a GPU). */
    CudaEventBackend(Supplier<CudaRuntime> runtime, IntSupplier deviceCount) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.deviceCount = Objects.requireNonNull(deviceCount, "deviceCount");
    }

    @Override
    public DeviceType device() {
        return DeviceType.CUDA;
    }

    /**
     * @throws CudaUnavailableException if CUDA is unavailable, with the reason
     * @throws IllegalArgumentException if the options name a device that does not exist, or the flags are unknown
     * @throws CudaException            if {@code cudaEventCreateWithFlags} fails
     */
    @Override
    public CudaEventState create(EventOptions options) {
        CudaRuntime rt = runtime.get();
        Params p = PARAMS.isBound() ? PARAMS.get() : null;
        int device = options.deviceId();
        CudaStream.checkDevice(device, deviceCount.getAsInt());
        CudaStream stream = p != null ? p.stream() : new CudaStream(rt, device, CudaStream.DEFAULT, 0L, false);
        int flags = p != null ? p.flags() : CudaEvents.DISABLE_TIMING;
        if ((flags & ~(CudaEvents.BLOCKING_SYNC | CudaEvents.DISABLE_TIMING)) != 0) {
            throw new IllegalArgumentException("unknown CUDA event flags 0x" + Integer.toHexString(flags)
                    + "; use CudaEvents.DEFAULT, BLOCKING_SYNC and DISABLE_TIMING");
        }
        CudaCompletion completion = p != null && p.completion() != null ? p.completion()
                : CudaCompletion.processDefault();
        return new CudaEventState(rt, device, flags, stream, completion, options.name());
    }

    @Override
    public void record(CudaEventState state, Event event, String errorMessage) {
        state.record(event, errorMessage, null);
    }

    @Override
    public void finish(CudaEventState state) throws InterruptedException {
        state.await(null);
    }

    @Override
    public boolean finish(CudaEventState state, Duration timeout) throws InterruptedException {
        return state.await(timeout);
    }

    @Override
    public EventStatus query(CudaEventState state) {
        return state.query();
    }

    @Override
    public String errorMessage(CudaEventState state) {
        return state.errorMessage();
    }

    @Override
    public Throwable exception(CudaEventState state) {
        return state.exception();
    }

    @Override
    public Instant exceptionTime(CudaEventState state) {
        return state.exceptionTime();
    }

    @Override
    public void setFinished(CudaEventState state, Event event, String errorMessage, Throwable exception) {
        state.setFinished(event, errorMessage, exception);
    }

    @Override
    public void reset(CudaEventState state, Event event) {
        state.reset(event);
    }

    @Override
    public boolean supportsCallback() {
        return true;
    }

    @Override
    public void setCallback(CudaEventState state, Event event, Consumer<? super Event> callback) {
        state.setCallback(event, callback);
    }

    @Override
    public Map<WaitFunction.Pair, WaitFunction> waitFunctions() {
        return Map.of(
                new WaitFunction.Pair(DeviceType.CUDA, DeviceType.CUDA), CudaEventBackend::cudaWaitsCuda,
                new WaitFunction.Pair(DeviceType.CPU, DeviceType.CUDA), (waiter, event) -> state(event).await(null),
                new WaitFunction.Pair(DeviceType.CUDA, DeviceType.CPU), CudaEventBackend::cudaWaitsCpu);
    }

    private static void cudaWaitsCuda(Event waiter, Event event) throws InterruptedException {
        CudaEventState es = state(event);
        CudaStream stream = waiter != null ? state(waiter).waitStream()
                : new CudaStream(es.rt, es.deviceId, CudaStream.DEFAULT, 0L, false);
        es.makeStreamWait(stream);
    }

    private static void cudaWaitsCpu(Event waiter, Event event) throws InterruptedException {
        if (waiter == null) {
            event.await(); // plain CUDA-side code: caffe2 blocks the caller in the CPU event's Finish
            return;
        }
        if (event.isFinished()) {
            return;
        }
        // Holds the waiter's stream: later work on it starts only after this host function returns. It runs on
        // CUDA's callback thread and makes no CUDA call; it must not be interrupted out of its wait.
        state(waiter).waitStream().launchHostFunction(() -> awaitUninterruptibly(event));
    }

    private static void awaitUninterruptibly(Event event) {
        boolean interrupted = false;
        for (;;) {
            try {
                event.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The CUDA state of {@code event}.
     *
     * @throws IllegalArgumentException if it is not a CUDA event of this backend
     */
    static CudaEventState state(Event event) {
        Objects.requireNonNull(event, "event");
        if (event.backendState() instanceof CudaEventState s) {
            return s;
        }
        throw new IllegalArgumentException("event " + event + " is not a CUDA event (device " + event.device()
                + "); create it with Event.create(DeviceType.CUDA, ...) or CudaEvents.create");
    }

    @Override
    public String toString() {
        return "CudaEventBackend";
    }
}
