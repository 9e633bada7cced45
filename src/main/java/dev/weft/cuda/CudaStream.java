package dev.weft.cuda;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A CUDA stream: a queue of GPU work that runs in order. Create one with {@link #create()} and close it when done;
 * {@link #defaultStream(int)} is the device's legacy default stream (the {@code NULL} stream), which needs no
 * closing.
 *
 * {@snippet :
 * try (CudaStream stream = CudaStream.create(CudaStream.NON_BLOCKING)) {
 *     Event done = CudaEvents.create(stream, CudaEvents.DISABLE_TIMING);
 *     buffer.memsetAsync(stream, 0);
 *     done.record();
 *     done.await();            // a virtual thread parks; no thread blocks in native code
 * }
 * }
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} destroys the native stream exactly once (later calls do nothing); a stream dropped without
 * {@code close} is destroyed by a cleaner once unreachable. Work already enqueued still runs (CUDA releases the
 * stream when it is done). Using a closed stream throws {@link IllegalStateException}.
 *
 * <p>Thread safety: every method may be called from any thread; CUDA orders the work of concurrent callers in
 * enqueue order. Do not close a stream while another thread may still enqueue on it.
 */
public final class CudaStream implements AutoCloseable {
    /** {@code cudaStreamDefault}: work synchronizes with the legacy default stream. */
    public static final int DEFAULT = 0x00;
    /** {@code cudaStreamNonBlocking}: work does not synchronize with the legacy default stream. */
    public static final int NON_BLOCKING = 0x01;

    private final CudaRuntime runtime;
    private final int deviceId;
    private final int flags;
    private final long address;
    /** Null for the default stream, which is never destroyed. */
    private final NativeHandle handle;

    CudaStream(CudaRuntime runtime, int deviceId, int flags, long address, boolean owned) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.deviceId = deviceId;
        this.flags = flags;
        this.address = address;
        this.handle = owned ? new NativeHandle(this, "CUDA stream", address, runtime::streamDestroy) : null;
    }

    /**
     * A new stream on device 0 with {@link #DEFAULT} flags.
     *
     * @throws CudaUnavailableException if CUDA is unavailable, with the reason
     * @throws CudaException            if {@code cudaStreamCreateWithFlags} fails
     */
    public static CudaStream create() {
        return create(0, DEFAULT);
    }

    /** A new stream on device 0; see {@link #create(int, int)}. */
    public static CudaStream create(int flags) {
        return create(0, flags);
    }

    /**
     * A new stream on {@code deviceId} with {@code flags} ({@link #DEFAULT} or {@link #NON_BLOCKING}).
     *
     * @throws IllegalArgumentException if {@code deviceId} is not a device of this machine or {@code flags} unknown
     * @throws CudaUnavailableException if CUDA is unavailable, with the reason
     * @throws CudaException            if {@code cudaStreamCreateWithFlags} fails
     */
    public static CudaStream create(int deviceId, int flags) {
        return create(Cuda.runtime(), Cuda.deviceCount(), deviceId, flags);
    }

    static CudaStream create(CudaRuntime rt, int deviceCount, int deviceId, int flags) {
        checkDevice(deviceId, deviceCount);
        if ((flags & ~NON_BLOCKING) != 0) {
            throw new IllegalArgumentException("unknown CUDA stream flags 0x" + Integer.toHexString(flags)
                    + "; use CudaStream.DEFAULT or CudaStream.NON_BLOCKING");
        }
        long address = DeviceGuard.on(rt, deviceId, () -> rt.streamCreate(flags));
        return new CudaStream(rt, deviceId, flags, address, true);
    }

    /**
     * The legacy default stream ({@code NULL}) of {@code deviceId}: it synchronizes with every {@link #DEFAULT}
     * stream of the device. {@link #close()} on it does nothing.
     *
     * @throws IllegalArgumentException if {@code deviceId} is not a device of this machine
     * @throws CudaUnavailableException if CUDA is unavailable, with the reason
     */
    public static CudaStream defaultStream(int deviceId) {
        CudaRuntime rt = Cuda.runtime();
        checkDevice(deviceId, Cuda.deviceCount());
        return new CudaStream(rt, deviceId, DEFAULT, 0L, false);
    }

    static void checkDevice(int deviceId, int deviceCount) {
        if (deviceId < 0 || deviceId >= deviceCount) {
            throw new IllegalArgumentException("CUDA device " + deviceId + " does not exist; this machine has "
                    + deviceCount + " (ids 0.." + (deviceCount - 1) + ")");
        }
    }

    /** The device the stream belongs to. */
    public int deviceId() {
        return deviceId;
    }

    /** The flags it was created with. */
    public int flags() {
        return flags;
    }

    /** Whether this is a device's legacy default stream. */
    public boolean isDefaultStream() {
        return handle == null;
    }

    /** Whether {@link #close()} was called (never true for a default stream). */
    public boolean isClosed() {
        return handle != null && handle.isReleased();
    }

    CudaRuntime runtime() {
        return runtime;
    }

    /**
     * The native address, for enqueuing.
     *
     * @throws IllegalStateException if closed
     */
    long address() {
        if (isClosed()) {
            throw new IllegalStateException(this + " is closed");
        }
        return address;
    }

    /**
     * Blocks until all work enqueued so far has finished, then reports any error the stream hit. It waits by
     * enqueuing a host function and parking on its completion, so a virtual thread unmounts and no thread blocks in
     * native code while the GPU works; the final {@code cudaStreamSynchronize} returns at once.
     *
     * @throws InterruptedException  if interrupted while waiting (the enqueued host function still runs, harmlessly)
     * @throws CudaException         if a CUDA call fails or the stream's work failed
     * @throws IllegalStateException if the stream is closed
     */
    public void synchronize() throws InterruptedException {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        runtime.launchHostFunc(address(), () -> reached.complete(null));
        try {
            reached.get();
        } catch (ExecutionException impossible) {
            throw new AssertionError(impossible);
        }
        runtime.streamSynchronize(address());
    }

    /** Enqueues {@code hostFunction}; see {@link CudaRuntime#launchHostFunc}. */
    void launchHostFunction(Runnable hostFunction) {
        runtime.launchHostFunc(address(), hostFunction);
    }

    /**
     * Destroys the native stream, once; a default stream is left alone.
     *
     * @throws CudaException if {@code cudaStreamDestroy} fails (the stream counts as closed all the same)
     */
    @Override
    public void close() {
        if (handle != null) {
            handle.release();
        }
    }

    @Override
    public String toString() {
        return "CudaStream[" + (handle == null ? "default" : "0x" + Long.toHexString(address)) + ", device "
                + deviceId + (isClosed() ? ", closed" : "") + "]";
    }
}
