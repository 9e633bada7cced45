package dev.weft.tube;

/**
 * A service that contributes node types (and asset types, and tubes) to a {@link NodeRegistry}, found by
 * {@link java.util.ServiceLoader}. This is how the {@code type} names of a tube file reach code without the file ever
 * naming a class: a program collects the providers it trusts into its registry, and {@code ./weft tube} builds its
 * registry from every provider on its class path ({@code WEFT_CLASSPATH} adds yours), as {@code ./weft flow} does with
 * {@link dev.weft.flow.OperationProvider}.
 *
 * {@snippet :
 * NodeRegistry.Builder builder = NodeRegistry.builder();
 * for (NodeProvider provider : ServiceLoader.load(NodeProvider.class)) {
 *     provider.register(builder);
 * }
 * NodeRegistry registry = builder.build();
 * }
 *
 * <p>Declare an implementation in {@code META-INF/services/dev.weft.tube.NodeProvider} on the class path, or with
 * {@code provides dev.weft.tube.NodeProvider with ...} in a module. It needs a public no-argument constructor (or a
 * public static {@code provider()} method, on the module path), as {@code ServiceLoader} requires. Weft's own
 * {@code dev.weft.demo.tube.NoobNodes} provides noob's testing nodes this way.
 *
 * <p>{@link #register} may be called once per registry built, possibly from several threads for several registries;
 * it should register the same names each time. Two providers registering one name make the build fail (the builder
 * refuses a name registered twice), so a provider's names should be its own: a dotted prefix such as noob's
 * ({@code noob.testing.count_source}) keeps them apart. ({@code NoobNodes} also claims the bare names, for short
 * tubes; a provider of its own {@code multiply} cannot be loaded beside it.)
 */
public interface NodeProvider {
    /**
     * Registers this provider's node types, asset types and tubes.
     *
     * @param builder the registry being built
     * @throws IllegalArgumentException from the builder, when a name is already registered
     */
    void register(NodeRegistry.Builder builder);
}
