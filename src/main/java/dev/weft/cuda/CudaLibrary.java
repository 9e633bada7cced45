package dev.weft.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the CUDA runtime library before anything touches the bindings (whose static initialiser would otherwise
 * throw): first by its soname on the system library path ({@code dlopen}), then {@code $CUDA_HOME/lib64}, then
 * {@code /usr/local/cuda/lib64}. A library found by path is loaded with {@link System#load}; the dynamic linker then
 * resolves the bindings' {@code SymbolLookup.libraryLookup("libcudart.so.13", ...)} to that already loaded object
 * (glibc matches a loaded library's soname).
 *
 * <p>Stateless and thread safe; {@link Cuda} calls it once per process.
 */
final class CudaLibrary {
    /** The soname the bindings open (jextract.properties: {@code library=:libcudart.so.13}). */
    static final String SONAME = "libcudart.so.13";
    static final Path FALLBACK_DIR = Path.of("/usr/local/cuda/lib64");

    private CudaLibrary() {
    }

    /**
     * Where the library was found ({@code "system library path"} or the file), or why not.
     *
     * @param soname  the library looked for
     * @param foundAt null when not found
     * @param looked  every place looked, each with what was there
     */
    record Located(String soname, String foundAt, List<String> looked) {
        boolean found() {
            return foundAt != null;
        }

        String notFoundMessage() {
            return "CUDA runtime library " + soname + " not found; looked in: " + String.join("; ", looked);
        }
    }

    /**
     * Names another library to look for instead of {@link #SONAME}, so that a machine that has the CUDA runtime can
     * run the test suite as one without it ({@code -Dweft.cuda.library=libcudart.so.99}). The bindings always open
     * {@code libcudart.so.13}, so any other name that is found is reported as unusable.
     */
    static final String LIBRARY_PROPERTY = "weft.cuda.library";

    /** The soname looked for: {@link #LIBRARY_PROPERTY} if set, else {@link #SONAME}. */
    static String soname() {
        String v = System.getProperty(LIBRARY_PROPERTY);
        return v == null || v.isBlank() ? SONAME : v.trim();
    }

    /** Looks for {@link #soname()} with this process's {@code CUDA_HOME}, and loads it if found by path. */
    static Located locateAndLoad() {
        return locate(soname(), System.getenv("CUDA_HOME"), FALLBACK_DIR, true);
    }

    /**
     * Looks for {@code soname}: the system library path, then {@code cudaHome/lib64} (skipped when
     * {@code cudaHome} is null or blank), then {@code fallbackDir}.
     *
     * @param load whether to {@link System#load} a library found by path (a test of the search passes false)
     */
    static Located locate(String soname, String cudaHome, Path fallbackDir, boolean load) {
        List<String> looked = new ArrayList<>();
        try {
            // dlopen by soname. The global arena keeps this handle for good: unloading libcudart again after its
            // constructors ran is not worth the risk, and the bindings open it anyway.
            SymbolLookup.libraryLookup(soname, Arena.global());
            looked.add("system library path (found)");
            return new Located(soname, "system library path", looked);
        } catch (IllegalArgumentException notThere) {
            looked.add("system library path (dlopen " + soname + ": " + notThere.getMessage() + ")");
        }
        List<Path> dirs = new ArrayList<>();
        if (cudaHome == null || cudaHome.isBlank()) {
            looked.add("CUDA_HOME/lib64 (CUDA_HOME is not set)");
        } else {
            dirs.add(Path.of(cudaHome, "lib64"));
        }
        dirs.add(fallbackDir);
        for (Path dir : dirs) {
            Path file = dir.resolve(soname);
            if (!Files.isRegularFile(file)) {
                looked.add(file + " (no such file)");
                continue;
            }
            if (!load) {
                looked.add(file + " (found)");
                return new Located(soname, file.toString(), looked);
            }
            try {
                System.load(file.toAbsolutePath().toString());
                looked.add(file + " (loaded)");
                return new Located(soname, file.toString(), looked);
            } catch (UnsatisfiedLinkError bad) {
                looked.add(file + " (cannot load: " + bad.getMessage() + ")");
            }
        }
        return new Located(soname, null, looked);
    }
}
