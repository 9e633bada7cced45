package dev.weft.flow;

import java.util.List;

/**
 * A service that contributes Java implementations of operations, found by {@link java.util.ServiceLoader} for
 * {@link OperationRegistry#load(ClassLoader)} and the {@linkplain OperationRegistry#defaultRegistry() default
 * registry}. This is how the operation names in a data flow file reach code: a file only ever names an operation,
 * and only operations some provider (or an explicit {@link OperationRegistry#register}) contributed can run.
 *
 * <p>Declare an implementation in {@code META-INF/services/dev.weft.flow.OperationProvider} on the class path, or
 * with {@code provides dev.weft.flow.OperationProvider with ...} in a module. It needs a public no-argument
 * constructor (or a public static {@code provider()} method, on the module path), as {@code ServiceLoader} requires.
 * {@link #operations()} is called once per registry that loads the provider, possibly from several threads for
 * several registries; it should return the same entries each time.
 */
public interface OperationProvider {
    /**
     * The operations this provider contributes.
     *
     * @return one entry per operation name; two entries (from this or another provider) with the same name make
     *         loading the registry fail with a {@link FlowException} naming both providers
     */
    List<OperationRegistry.Entry> operations();
}
