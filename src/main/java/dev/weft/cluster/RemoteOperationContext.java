package dev.weft.cluster;

import dev.weft.flow.Input;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationContext;
import dev.weft.flow.OperationRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an operation running on a worker sees: its instance, context and configuration. A worker has only the
 * parameter set it was sent, not the context's other inputs, so output and cleanup operations (which read those)
 * stay on the driver. Package-private.
 */
final class RemoteOperationContext implements OperationContext {
    private final Operation operation;
    private final String instance;
    private final String context;
    private final Object config;

    RemoteOperationContext(OperationRegistry.Entry entry, String instance, String context, Object config) {
        this.operation = entry.operation() != null ? entry.operation() : Operation.builder(entry.name()).build();
        this.instance = instance;
        this.context = context;
        this.config = config;
    }

    @Override
    public Operation operation() {
        return operation;
    }

    @Override
    public String instanceName() {
        return instance;
    }

    @Override
    public String contextName() {
        return context;
    }

    @Override
    public Optional<Object> config() {
        return Optional.ofNullable(config);
    }

    @Override
    public List<Input> inputs(String definitionName) {
        throw remoteOnly("inputs('" + definitionName + "')");
    }

    @Override
    public boolean hasInputs(String definitionName) {
        throw remoteOnly("hasInputs('" + definitionName + "')");
    }

    private UnsupportedOperationException remoteOnly(String call) {
        return new UnsupportedOperationException("operation '" + operation.name() + "' (instance '" + instance
                + "') in context '" + context + "' runs on a cluster worker, which has its parameter set only: "
                + call + " needs the context's inputs; leave this operation on the driver (Placement)");
    }

    /** An operation's outputs as values that can cross: a stream or other iterable of output sets becomes a list. */
    static Object materialise(Object out) {
        if (out instanceof Stream<?> s) {
            try (s) {
                return new ArrayList<>(s.toList());
            }
        }
        if (out instanceof Iterable<?> it && !(out instanceof List<?>)) {
            List<Object> all = new ArrayList<>();
            for (Iterator<?> i = it.iterator(); i.hasNext(); ) {
                all.add(i.next());
            }
            return all;
        }
        return out;
    }
}
