package dev.weft.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Device memory from {@code cudaMalloc}, enough to enqueue real GPU work (fills and copies) on a
 * {@link CudaStream}. {@link #close()} frees it exactly once ({@code cudaFree}, which waits for the device); a
 * buffer dropped without {@code close} is freed by a cleaner.
 *
 * <p>Thread safety: any thread may enqueue; CUDA orders work per stream. The caller orders work across streams
 * (events, {@link dev.weft.event.Event#waitOn}); using a closed buffer throws {@link IllegalStateException}.
 *
 * @see dev.weft.event.Event#waitOn(dev.weft.event.Event)
 */
public final class CudaBuffer implements AutoCloseable {
    private final CudaRuntime runtime;
    private final int deviceId;
    private final long bytes;
    private final NativeHandle handle;

    private CudaBuffer(CudaRuntime runtime, int deviceId, long bytes, long address) {
        this.runtime = runtime;
        this.deviceId = deviceId;
        this.bytes = bytes;
        this.handle = new NativeHandle(this, "CUDA device buffer", address, runtime::free);
    }

    /**
     * {@code bytes} of memory on {@code deviceId}, uninitialised.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive or the device does not exist
     * @throws CudaUnavailableException if CUDA is unavailable, with the reason
     * @throws CudaException            if {@code cudaMalloc} fails (for example out of memory)
     */
    public static CudaBuffer allocate(int deviceId, long bytes) {
        CudaRuntime rt = Cuda.runtime();
        CudaStream.checkDevice(deviceId, Cuda.deviceCount());
        if (bytes <= 0) {
            throw new IllegalArgumentException("CUDA buffer size must be positive, got " + bytes);
        }
        return new CudaBuffer(rt, deviceId, bytes, DeviceGuard.on(rt, deviceId, () -> rt.malloc(bytes)));
    }

    /** The size in bytes. */
    public long byteSize() {
        return bytes;
    }

    /** The device it lives on. */
    public int deviceId() {
        return deviceId;
    }

    private long address() {
        if (handle.isReleased()) {
            throw new IllegalStateException("CUDA buffer of " + bytes + " bytes is closed");
        }
        return handle.address();
    }

    /**
     * Enqueues a fill of every byte with {@code value} on {@code stream}.
     *
     * @throws CudaException         if {@code cudaMemsetAsync} fails
     * @throws IllegalStateException if the buffer or the stream is closed
     */
    public void memsetAsync(CudaStream stream, int value) {
        Objects.requireNonNull(stream, "stream");
        runtime.memsetAsync(address(), value, bytes, stream.address());
    }

    /**
     * Enqueues a copy of the first {@code host.byteSize()} bytes into {@code host}, a native segment; read it only
     * after the stream got there (an event, {@link CudaStream#synchronize()}).
     *
     * @throws IllegalArgumentException if {@code host} is not native or larger than the buffer
     * @throws CudaException            if {@code cudaMemcpyAsync} fails
     */
    public void copyToHostAsync(CudaStream stream, MemorySegment host) {
        Objects.requireNonNull(stream, "stream");
        if (!host.isNative() || host.byteSize() > bytes) {
            throw new IllegalArgumentException("copy target must be a native segment of at most " + bytes
                    + " bytes, got " + host);
        }
        runtime.memcpyAsync(host.address(), address(), host.byteSize(), 2 /* cudaMemcpyDeviceToHost */,
                stream.address());
    }

    /**
     * Frees the memory, once. {@code cudaFree} waits for work on the device first.
     *
     * @throws CudaException if {@code cudaFree} fails (the buffer counts as closed all the same)
     */
    @Override
    public void close() {
        handle.release();
    }
}
