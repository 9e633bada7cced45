package dev.weft.cuda;

import java.util.function.LongSupplier;

/**
 * caffe2's {@code CUDAGuard}: runs a CUDA call with the calling thread's current device set to the one it needs,
 * and restores the previous one.
 *
 * <p>The CUDA runtime keeps the current device per OS thread. A virtual thread is only unmounted from its carrier
 * when it blocks, and nothing between {@code cudaSetDevice}, the call and the restore blocks (callers take their
 * Java locks first), so all three run on one carrier.
 */
final class DeviceGuard {
    private DeviceGuard() {
    }

    static long on(CudaRuntime rt, int device, LongSupplier call) {
        int previous = rt.currentDevice();
        if (previous == device) {
            return call.getAsLong();
        }
        rt.setDevice(device);
        try {
            return call.getAsLong();
        } finally {
            rt.setDevice(previous);
        }
    }

    static void run(CudaRuntime rt, int device, Runnable call) {
        on(rt, device, () -> {
            call.run();
            return 0;
        });
    }
}
