package dev.weft.flow;

import java.util.List;
import java.util.Optional;

/**
 * What a running {@link OperationImplementation} can see: which instance and context it runs in, its configuration
 * from {@link DataFlow#configs()}, and, for output and cleanup operations that summarise a context, the inputs the
 * context holds. Valid only during the call it was passed to; safe to use from that call's thread.
 */
public interface OperationContext {
    /** The operation being run. */
    Operation operation();

    /** The instance name in the data flow. */
    String instanceName();

    /** The name of the context this run belongs to. */
    String contextName();

    /** The instance's configuration from the data flow's {@code configs}, if any. */
    Optional<Object> config();

    /** Every input of definition {@code name} in the context, in the order they were added. */
    List<Input> inputs(String definitionName);

    /** Whether the context holds any input of definition {@code name}. */
    boolean hasInputs(String definitionName);

    /**
     * The inputs of the context that the data flow's {@linkplain DataFlow#forward() forward book} hands to this
     * instance's subflow, as they stood when this run was dispatched; empty when the book names none.
     */
    default List<Input> forwarded() {
        return List.of();
    }

    /**
     * Reports what a run of this operation costs, as measured or estimated by the operation itself (a stub operation
     * that only estimates, say): in a run with an optimisation goal, later runs of this instance are admitted by it
     * instead of the declared {@link Operation#cost()}. Does nothing in a run without a goal.
     */
    default void reportCost(dev.weft.adapt.Cost cost) {
    }
}
