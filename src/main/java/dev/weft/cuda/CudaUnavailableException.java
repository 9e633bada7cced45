package dev.weft.cuda;

/**
 * CUDA cannot be used in this process: the runtime library {@code libcudart.so.13} was not found (the message names
 * every place Weft looked), or it was found but reports no usable device or driver (the message and the
 * {@linkplain #getCause() cause}, a {@link CudaException}, give the CUDA error's name and description).
 *
 * <p>The same reason is {@link Cuda#unavailableReason()}. Immutable and thread safe.
 */
public class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param reason why CUDA is unavailable
     * @param cause  the CUDA error behind it, or {@code null} when the library itself is missing
     */
    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
