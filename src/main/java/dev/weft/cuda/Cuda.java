package dev.weft.cuda;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether this process can use CUDA, and why not.
 *
 * <p>The first call of any method here (or the first CUDA event, stream or buffer) probes once per process:
 * <ol>
 *   <li>find {@code libcudart.so.13}: the system library path, then {@code $CUDA_HOME/lib64}, then
 *       {@code /usr/local/cuda/lib64};</li>
 *   <li>call {@code cudaGetDeviceCount}: an error code (35 {@code cudaErrorInsufficientDriver} on a machine with the
 *       toolkit and no driver, 100 {@code cudaErrorNoDevice} with a driver and no GPU) or zero devices makes CUDA
 *       unavailable.</li>
 * </ol>
 * The result is kept for the life of the process (a documented process-wide value: devices do not come and go under
 * a running CUDA context). Neither step can crash or hang on a machine without a GPU; no library is an ordinary
 * answer, never a {@link NoClassDefFoundError}.
 *
 * <p>Thread safe: every method may be called from any thread; the probe runs at most once.
 */
public final class Cuda {
    private Cuda() {
    }

    /**
     * The probe's result.
     *
     * @param runtime     the library's runtime, or null when it was not found or not usable
     * @param deviceCount devices found; 0 when unavailable
     * @param reason      why unavailable, or null
     * @param cause       the CUDA error (or linkage error) behind the reason, or null
     */
    record Probe(NativeCudaRuntime runtime, int deviceCount, String reason, Throwable cause) {
        boolean available() {
            return reason == null;
        }

        CudaUnavailableException unavailable() {
            return new CudaUnavailableException(reason, cause);
        }
    }

    private static final class Holder {
        static final Probe PROBE = probe(CudaLibrary.locateAndLoad());
    }

    /** Probes the library {@code located} describes; package-private so tests can probe a missing library. */
    static Probe probe(CudaLibrary.Located located) {
        if (!located.found()) {
            return new Probe(null, 0, located.notFoundMessage(), null);
        }
        if (!located.soname().equals(CudaLibrary.SONAME)) {
            return new Probe(null, 0, located.soname() + " was found at " + located.foundAt() + " but Weft's "
                    + "bindings open " + CudaLibrary.SONAME + " (-D" + CudaLibrary.LIBRARY_PROPERTY + " is for tests)",
                    null);
        }
        NativeCudaRuntime rt;
        try {
            rt = new NativeCudaRuntime();
            int n = rt.deviceCount();
            if (n <= 0) {
                return new Probe(rt, 0, "no CUDA device: cudaGetDeviceCount found " + n + " devices ("
                        + CudaLibrary.SONAME + " from " + located.foundAt() + ")", null);
            }
            return new Probe(rt, n, null, null);
        } catch (CudaException e) {
            return new Probe(null, 0, "no CUDA device: " + e.getMessage() + " (" + CudaLibrary.SONAME + " from "
                    + located.foundAt() + ")", e);
        } catch (LinkageError | RuntimeException e) {
            // A library without a symbol we bind, or native access denied (--illegal-native-access=deny).
            return new Probe(null, 0, CudaLibrary.SONAME + " from " + located.foundAt()
                    + " cannot be used: " + e, e);
        }
    }

    static Probe probe() {
        return Holder.PROBE;
    }

    /** Whether CUDA events, streams and buffers can be created: the library loaded and found at least one device. */
    public static boolean isAvailable() {
        return probe().available();
    }

    /**
     * Why CUDA is unavailable, or empty when it is available. Examples: "CUDA runtime library libcudart.so.13 not
     * found; looked in: ...", "no CUDA device: cudaGetDeviceCount returned 35 cudaErrorInsufficientDriver (CUDA
     * driver version is insufficient for CUDA runtime version) ...".
     */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(probe().reason());
    }

    /** The number of CUDA devices; 0 when unavailable. */
    public static int deviceCount() {
        return probe().deviceCount();
    }

    /**
     * {@code cudaRuntimeGetVersion} (13000 for CUDA 13.0) when the library loaded, even without a driver; empty
     * when the library is missing or unusable.
     */
    public static OptionalInt runtimeVersion() {
        NativeCudaRuntime rt = libraryRuntime();
        return rt == null ? OptionalInt.empty() : OptionalInt.of(rt.runtimeVersion());
    }

    /** {@code cudaDriverGetVersion}: 0 when no driver is installed; empty when the library is missing. */
    public static OptionalInt driverVersion() {
        NativeCudaRuntime rt = libraryRuntime();
        return rt == null ? OptionalInt.empty() : OptionalInt.of(rt.driverVersion());
    }

    private static NativeCudaRuntime libraryRuntime() {
        Probe p = probe();
        if (p.runtime() != null) {
            return p.runtime();
        }
        // Unavailable with a CUDA error means the library did load and bind: version queries still work.
        return p.cause() instanceof CudaException ? new NativeCudaRuntime() : null;
    }

    /**
     * The runtime for creating CUDA objects.
     *
     * @throws CudaUnavailableException with {@link #unavailableReason()} when unavailable
     */
    static CudaRuntime runtime() {
        Probe p = probe();
        if (!p.available()) {
            throw p.unavailable();
        }
        return p.runtime();
    }
}
