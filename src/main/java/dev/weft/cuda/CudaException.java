package dev.weft.cuda;

import java.util.Objects;

/**
 * A CUDA runtime call returned an error: the function, the numeric {@code cudaError_t}, and the runtime's own name
 * ({@code cudaGetErrorName}) and description ({@code cudaGetErrorString}) of it.
 *
 * <p>Immutable and thread safe.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int code;
    private final String errorName;
    private final String errorString;

    /**
     * @param function    the CUDA function that failed, for example {@code cudaEventRecord}
     * @param code        the {@code cudaError_t} it returned
     * @param errorName   {@code cudaGetErrorName(code)}
     * @param errorString {@code cudaGetErrorString(code)}
     */
    public CudaException(String function, int code, String errorName, String errorString) {
        super(message(function, code, errorName, errorString));
        this.function = Objects.requireNonNull(function, "function");
        this.code = code;
        this.errorName = Objects.requireNonNull(errorName, "errorName");
        this.errorString = Objects.requireNonNull(errorString, "errorString");
    }

    /** "cudaEventRecord returned 35 cudaErrorInsufficientDriver (CUDA driver version is insufficient ...)". */
    static String message(String function, int code, String errorName, String errorString) {
        return function + " returned " + code + " " + errorName + " (" + errorString + ")";
    }

    /** The CUDA function that failed. */
    public String function() {
        return function;
    }

    /** The {@code cudaError_t} value, for example 35. */
    public int code() {
        return code;
    }

    /** The error's name from {@code cudaGetErrorName}, for example {@code cudaErrorInsufficientDriver}. */
    public String errorName() {
        return errorName;
    }

    /** The error's description from {@code cudaGetErrorString}. */
    public String errorString() {
        return errorString;
    }
}
