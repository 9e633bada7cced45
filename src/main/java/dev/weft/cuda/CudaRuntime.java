package dev.weft.cuda;

/**
 * The native layer under Weft's CUDA support: one method per CUDA runtime call Weft makes, with handles and device
 * pointers as {@code long} addresses. {@link NativeCudaRuntime} calls {@code libcudart} through the bindings; tests
 * use a fake to check the event state machine and handle lifecycles without a GPU.
 *
 * <p>Methods that create or change something throw {@link CudaException} on any code but {@code cudaSuccess};
 * {@link #eventQuery} returns its code, because {@code cudaErrorNotReady} is an answer there, not an error.
 * Implementations must be safe to call from any thread.
 */
interface CudaRuntime {
    int SUCCESS = 0;
    int ERROR_NOT_READY = 600;

    /** {@code cudaGetDeviceCount}. */
    int deviceCount();

    /** {@code cudaGetDevice}: the calling OS thread's current device. */
    int currentDevice();

    /** {@code cudaSetDevice} for the calling OS thread. */
    void setDevice(int device);

    long streamCreate(int flags);

    void streamDestroy(long stream);

    /** {@code cudaStreamSynchronize}: blocks the calling OS thread in native code. */
    void streamSynchronize(long stream);

    long eventCreate(int flags);

    void eventRecord(long event, long stream);

    /** {@code cudaEventQuery}: the raw code, {@link #SUCCESS}, {@link #ERROR_NOT_READY} or an error. */
    int eventQuery(long event);

    float eventElapsedMs(long start, long end);

    void eventDestroy(long event);

    void streamWaitEvent(long stream, long event);

    /**
     * {@code cudaLaunchHostFunc}: enqueues {@code hostFunction} on {@code stream}. It runs once, on a thread of the
     * CUDA runtime, after all work enqueued before it, and work enqueued after it waits until it returns. It must not
     * call CUDA. If this throws, it never runs.
     */
    void launchHostFunc(long stream, Runnable hostFunction);

    long malloc(long bytes);

    void free(long pointer);

    void memsetAsync(long pointer, int value, long bytes, long stream);

    void memcpyAsync(long dst, long src, long bytes, int kind, long stream);

    /** {@code cudaMemGetInfo}: {free, total} bytes on the current device. */
    long[] memInfo();

    /** {@code cudaGetErrorName}. */
    String errorName(int code);

    /** {@code cudaGetErrorString}. */
    String errorString(int code);

    /** A {@link CudaException} for {@code code} returned by {@code function}, with the runtime's name and text. */
    default CudaException error(String function, int code) {
        return new CudaException(function, code, errorName(code), errorString(code));
    }

    /** Throws {@link #error} unless {@code code} is {@code cudaSuccess}. */
    default void check(String function, int code) {
        if (code != SUCCESS) {
            throw error(function, code);
        }
    }
}
