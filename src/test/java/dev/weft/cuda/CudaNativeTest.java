package dev.weft.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.cuda.bindings.cudaHostFn_t;
import dev.weft.cuda.bindings.cuda_runtime_api_h;
import dev.weft.event.DeviceType;
import dev.weft.event.Event;
import dev.weft.event.EventOptions;
import dev.weft.event.EventRegistry;
import dev.weft.event.EventStatus;
import java.io.IOException;
import java.io.Reader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What needs the CUDA runtime library but no GPU: the bindings against the real {@code libcudart.so.13} (symbol
 * lookup, descriptors, constants, an upcall through {@code cudaHostFn_t}), the no-device path, and the library
 * search. On a machine without the library the binding tests skip, saying so, and the missing-library tests still
 * run.
 */
class CudaNativeTest {
    private static CudaLibrary.Located system;

    @BeforeAll
    static void locate() {
        // -Dweft.cuda.library=libcudart.so.99 makes this machine look like one without the runtime
        system = CudaLibrary.locate(CudaLibrary.soname(), System.getenv("CUDA_HOME"), CudaLibrary.FALLBACK_DIR, false);
    }

    private static void assumeLibrary() {
        assumeTrue(system.found(), () -> "no CUDA runtime library: " + system.notFoundMessage());
    }

    private static List<String> property(String key) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("jextract.properties"))) {
            p.load(r); // Properties joins lines ending in a backslash, as bindings/regenerate does
        }
        return Arrays.asList(p.getProperty(key).trim().split("\\s+"));
    }

    @Test
    void everyIncludedFunctionResolvesInTheRealLibrary() throws Exception {
        assumeLibrary();
        List<String> functions = property("include-function");
        assertThat(functions).contains("cudaEventQuery", "cudaLaunchHostFunc", "cudaMemsetAsync");
        for (String f : functions) {
            Method address = cuda_runtime_api_h.class.getMethod(f + "$address");
            MemorySegment a = (MemorySegment) address.invoke(null);
            assertThat(a.address()).as(f).isNotZero();
            assertThat(cuda_runtime_api_h.class.getMethod(f + "$descriptor").invoke(null)).as(f).isNotNull();
            assertThat(cuda_runtime_api_h.class.getMethod(f + "$handle").invoke(null)).as(f).isNotNull();
        }
        for (String c : property("include-constant")) {
            assertThat(cuda_runtime_api_h.class.getMethod(c).getReturnType()).as(c).isEqualTo(int.class);
        }
        for (String t : property("include-typedef")) {
            boolean field = Arrays.stream(cuda_runtime_api_h.class.getFields()).anyMatch(x -> x.getName().equals(t));
            boolean type = t.equals(cudaHostFn_t.class.getSimpleName());
            assertThat(field || type).as(t).isTrue();
        }
    }

    @Test
    void descriptorsAndConstantsMatchTheHeader() {
        // Layouts and constants only: building descriptors and reading constants loads no library, but the header
        // class's static initialiser opens it, so this too needs the library.
        assumeLibrary();
        var H = cuda_runtime_api_h.class;
        assertThat(cuda_runtime_api_h.cudaEventQuery$descriptor())
                .isEqualTo(FunctionDescriptor.of(cuda_runtime_api_h.C_INT, cuda_runtime_api_h.C_POINTER));
        assertThat(cuda_runtime_api_h.cudaMemcpyAsync$descriptor()).isEqualTo(FunctionDescriptor.of(
                cuda_runtime_api_h.C_INT, cuda_runtime_api_h.C_POINTER, cuda_runtime_api_h.C_POINTER,
                cuda_runtime_api_h.C_LONG, cuda_runtime_api_h.C_INT, cuda_runtime_api_h.C_POINTER));
        assertThat(cudaHostFn_t.descriptor()).isEqualTo(FunctionDescriptor.ofVoid(cuda_runtime_api_h.C_POINTER));
        assertThat(H).isNotNull();
        assertThat(cuda_runtime_api_h.cudaSuccess()).isZero();
        assertThat(cuda_runtime_api_h.cudaErrorInsufficientDriver()).isEqualTo(35);
        assertThat(cuda_runtime_api_h.cudaErrorNoDevice()).isEqualTo(100);
        assertThat(cuda_runtime_api_h.cudaErrorNotReady()).isEqualTo(CudaRuntime.ERROR_NOT_READY);
        assertThat(cuda_runtime_api_h.cudaEventDisableTiming()).isEqualTo(CudaEvents.DISABLE_TIMING);
        assertThat(cuda_runtime_api_h.cudaEventBlockingSync()).isEqualTo(CudaEvents.BLOCKING_SYNC);
        assertThat(cuda_runtime_api_h.cudaEventDefault()).isEqualTo(CudaEvents.DEFAULT);
        assertThat(cuda_runtime_api_h.cudaStreamNonBlocking()).isEqualTo(CudaStream.NON_BLOCKING);
        assertThat(cuda_runtime_api_h.cudaStreamDefault()).isEqualTo(CudaStream.DEFAULT);
        assertThat(cuda_runtime_api_h.cudaMemcpyDeviceToHost()).isEqualTo(2);
    }

    @Test
    void theRealRuntimeAnswersWithoutADevice() {
        assumeLibrary();
        NativeCudaRuntime rt = new NativeCudaRuntime();
        assertThat(rt.runtimeVersion()).isGreaterThanOrEqualTo(13000);
        assertThat(Cuda.runtimeVersion()).hasValue(rt.runtimeVersion());
        assertThat(rt.errorName(600)).isEqualTo("cudaErrorNotReady");
        assertThat(rt.errorString(600)).isEqualTo("device not ready");
        assertThat(rt.errorName(0)).isEqualTo("cudaSuccess");
        assertThat(rt.errorName(35)).isEqualTo("cudaErrorInsufficientDriver");
        assertThat(rt.errorName(100)).isEqualTo("cudaErrorNoDevice");
        assertThat(rt.error("cudaEventRecord", 100)).hasMessage(
                "cudaEventRecord returned 100 cudaErrorNoDevice (no CUDA-capable device is detected)")
                .satisfies(e -> assertThat(e.code()).isEqualTo(100));
        assertThat(rt.errorString(12345)).isNotBlank();
    }

    @Test
    void anUpcallThroughTheSharedHostFunctionStubRunsOnce() {
        assumeLibrary();
        AtomicInteger runs = new AtomicInteger();
        long id = HostFunctions.register(runs::incrementAndGet);
        cudaHostFn_t.invoke(NativeCudaRuntime.Stub.HOST_FN, MemorySegment.ofAddress(id));
        cudaHostFn_t.invoke(NativeCudaRuntime.Stub.HOST_FN, MemorySegment.ofAddress(id)); // a second run: ignored
        assertThat(runs).hasValue(1);
        long throwing = HostFunctions.register(() -> {
            throw new IllegalStateException("must not escape into CUDA's thread");
        });
        cudaHostFn_t.invoke(NativeCudaRuntime.Stub.HOST_FN, MemorySegment.ofAddress(throwing)); // logged, no crash
        try (Arena a = Arena.ofConfined()) {
            AtomicInteger own = new AtomicInteger();
            MemorySegment stub = cudaHostFn_t.allocate(u -> own.set((int) u.address()), a);
            cudaHostFn_t.invoke(stub, MemorySegment.ofAddress(42));
            assertThat(own).hasValue(42);
        }
    }

    @Test
    void withoutADeviceCudaIsUnavailableAndSaysWhy() {
        assumeFalse(Cuda.isAvailable(), "a CUDA device is present; the no-device path cannot be seen here");
        String reason = Cuda.unavailableReason().orElseThrow();
        System.out.println("Cuda.unavailableReason(): " + reason);
        assertThat(Cuda.deviceCount()).isZero();
        if (system.found()) {
            assertThat(reason).startsWith("no CUDA device: cudaGetDeviceCount");
            if (Cuda.driverVersion().orElse(-1) == 0) { // toolkit without a driver, as on Weft's build machines
                assertThat(reason).contains("returned 35 cudaErrorInsufficientDriver (CUDA driver version is "
                        + "insufficient for CUDA runtime version)");
            }
        } else {
            assertThat(reason).contains("not found; looked in");
        }
        // The standard registry has the CUDA backend, and creating a CUDA event names the reason.
        assertThat(EventRegistry.standard().supports(DeviceType.CUDA)).isTrue();
        assertThatThrownBy(() -> Event.create(DeviceType.CUDA, EventOptions.named("gpu")))
                .isInstanceOf(CudaUnavailableException.class).hasMessage(reason);
        assertThatThrownBy(CudaStream::create).isInstanceOf(CudaUnavailableException.class).hasMessage(reason);
        assertThatThrownBy(() -> CudaBuffer.allocate(0, 1024)).isInstanceOf(CudaUnavailableException.class);
        // CPU events are untouched.
        Event cpu = Event.create(DeviceType.CPU);
        cpu.setFinished();
        assertThat(cpu.query()).isEqualTo(EventStatus.SUCCESS);
    }

    @Test
    void aMissingLibraryNamesWhereWeftLooked() {
        CudaLibrary.Located l = CudaLibrary.locate("libcudart.so.99", "/nonexistent/cuda",
                Path.of("/nonexistent/fallback/lib64"), true);
        assertThat(l.found()).isFalse();
        String m = l.notFoundMessage();
        assertThat(m).startsWith("CUDA runtime library libcudart.so.99 not found; looked in: system library path "
                + "(dlopen libcudart.so.99: ")
                .contains("/nonexistent/cuda/lib64/libcudart.so.99 (no such file)")
                .contains("/nonexistent/fallback/lib64/libcudart.so.99 (no such file)");
        assertThat(CudaLibrary.locate("libcudart.so.99", null, Path.of("/nonexistent"), false)
                .notFoundMessage()).contains("CUDA_HOME/lib64 (CUDA_HOME is not set)");

        // The whole path: probe, then a backend over it, then Event.create: an exception, never NoClassDefFoundError.
        Cuda.Probe probe = Cuda.probe(l);
        assertThat(probe.available()).isFalse();
        EventRegistry r = new EventRegistry().register(new CudaEventBackend(() -> {
            throw probe.unavailable();
        }, () -> 0));
        assertThatThrownBy(() -> r.create(DeviceType.CUDA, EventOptions.defaults()))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessageContaining("libcudart.so.99 not found; looked in: system library path")
                .hasMessageContaining("/nonexistent/fallback/lib64/libcudart.so.99 (no such file)");
        assertThat(r.create(DeviceType.CPU, EventOptions.defaults()).query()).isEqualTo(EventStatus.INITIALIZED);
    }

    @Test
    void aLibraryUnderCudaHomeIsFoundAndLoadedByPath(@TempDir Path home) throws Exception {
        assumeLibrary();
        assumeTrue(Files.isRegularFile(CudaLibrary.FALLBACK_DIR.resolve(CudaLibrary.SONAME)),
                "no " + CudaLibrary.FALLBACK_DIR.resolve(CudaLibrary.SONAME) + " to link to");
        // A name the dynamic linker cannot find by itself, so only the CUDA_HOME step can find it.
        Files.createDirectories(home.resolve("lib64"));
        Files.createSymbolicLink(home.resolve("lib64/libweft-cudart-test.so.13"),
                CudaLibrary.FALLBACK_DIR.resolve(CudaLibrary.SONAME).toRealPath());
        CudaLibrary.Located l = CudaLibrary.locate("libweft-cudart-test.so.13", home.toString(),
                Path.of("/nonexistent"), true);
        assertThat(l.found()).isTrue();
        assertThat(l.foundAt()).isEqualTo(home.resolve("lib64/libweft-cudart-test.so.13").toString());
        assertThat(l.looked()).last().asString().endsWith("(loaded)");
    }
}
