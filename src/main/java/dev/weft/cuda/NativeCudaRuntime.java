package dev.weft.cuda;

import static dev.weft.cuda.bindings.cuda_runtime_api_h.*;

import dev.weft.cuda.bindings.cudaHostFn_t;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link CudaRuntime} through the FFM bindings in {@code dev.weft.cuda.bindings}. Only {@link Cuda} creates it,
 * and only after {@link CudaLibrary} found {@code libcudart.so.13}: the bindings open the library in their static
 * initialiser, which would otherwise fail with {@link NoClassDefFoundError}.
 *
 * <p>Thread safe: it has no state but the shared host-function stub. Out-parameters live in a confined arena per
 * call, freed before the call returns.
 */
final class NativeCudaRuntime implements CudaRuntime {
    NativeCudaRuntime() {
    }

    private static MemorySegment ptr(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** Runtime version (13000 for CUDA 13.0); needs the library only, no driver. */
    int runtimeVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(C_INT);
            check("cudaRuntimeGetVersion", cudaRuntimeGetVersion(v));
            return v.get(C_INT, 0);
        }
    }

    /** Driver version, 0 when no driver is installed. */
    int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(C_INT);
            check("cudaDriverGetVersion", cudaDriverGetVersion(v));
            return v.get(C_INT, 0);
        }
    }

    @Override
    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(C_INT);
            n.set(C_INT, 0, 0); // without a driver the runtime leaves the out-parameter untouched
            check("cudaGetDeviceCount", cudaGetDeviceCount(n));
            return n.get(C_INT, 0);
        }
    }

    @Override
    public int currentDevice() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(C_INT);
            check("cudaGetDevice", cudaGetDevice(d));
            return d.get(C_INT, 0);
        }
    }

    @Override
    public void setDevice(int device) {
        check("cudaSetDevice", cudaSetDevice(device));
    }

    @Override
    public long streamCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(cudaStream_t);
            check("cudaStreamCreateWithFlags", cudaStreamCreateWithFlags(s, flags));
            return s.get(cudaStream_t, 0).address();
        }
    }

    @Override
    public void streamDestroy(long stream) {
        check("cudaStreamDestroy", cudaStreamDestroy(ptr(stream)));
    }

    @Override
    public void streamSynchronize(long stream) {
        check("cudaStreamSynchronize", cudaStreamSynchronize(ptr(stream)));
    }

    @Override
    public long eventCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(cudaEvent_t);
            check("cudaEventCreateWithFlags", cudaEventCreateWithFlags(e, flags));
            return e.get(cudaEvent_t, 0).address();
        }
    }

    @Override
    public void eventRecord(long event, long stream) {
        check("cudaEventRecord", cudaEventRecord(ptr(event), ptr(stream)));
    }

    @Override
    public int eventQuery(long event) {
        return cudaEventQuery(ptr(event));
    }

    @Override
    public float eventElapsedMs(long start, long end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(C_FLOAT);
            check("cudaEventElapsedTime", cudaEventElapsedTime(ms, ptr(start), ptr(end)));
            return ms.get(C_FLOAT, 0);
        }
    }

    @Override
    public void eventDestroy(long event) {
        check("cudaEventDestroy", cudaEventDestroy(ptr(event)));
    }

    @Override
    public void streamWaitEvent(long stream, long event) {
        check("cudaStreamWaitEvent", cudaStreamWaitEvent(ptr(stream), ptr(event), 0));
    }

    /** The one upcall stub for every host function; the global arena never frees it. */
    static final class Stub {
        static final MemorySegment HOST_FN =
                cudaHostFn_t.allocate(userData -> HostFunctions.run(userData.address()), Arena.global());
    }

    @Override
    public void launchHostFunc(long stream, Runnable hostFunction) {
        long id = HostFunctions.register(hostFunction);
        int rc = cudaLaunchHostFunc(ptr(stream), Stub.HOST_FN, ptr(id));
        if (rc != SUCCESS) {
            HostFunctions.cancel(id);
            throw error("cudaLaunchHostFunc", rc);
        }
    }

    @Override
    public long malloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(C_POINTER);
            check("cudaMalloc", cudaMalloc(p, bytes));
            return p.get(C_POINTER, 0).address();
        }
    }

    @Override
    public void free(long pointer) {
        check("cudaFree", cudaFree(ptr(pointer)));
    }

    @Override
    public void memsetAsync(long pointer, int value, long bytes, long stream) {
        check("cudaMemsetAsync", cudaMemsetAsync(ptr(pointer), value, bytes, ptr(stream)));
    }

    @Override
    public void memcpyAsync(long dst, long src, long bytes, int kind, long stream) {
        check("cudaMemcpyAsync", cudaMemcpyAsync(ptr(dst), ptr(src), bytes, kind, ptr(stream)));
    }

    @Override
    public long[] memInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(C_LONG);
            MemorySegment total = a.allocate(C_LONG);
            check("cudaMemGetInfo", cudaMemGetInfo(free, total));
            return new long[] {free.get(C_LONG, 0), total.get(C_LONG, 0)};
        }
    }

    @Override
    public String errorName(int code) {
        return text(cudaGetErrorName(code), code);
    }

    @Override
    public String errorString(int code) {
        return text(cudaGetErrorString(code), code);
    }

    private static String text(MemorySegment s, int code) {
        // The runtime answers "unrecognized error code" for unknown codes; guard against NULL all the same.
        return s.address() == 0 ? "unknown CUDA error " + code : s.getString(0);
    }
}
