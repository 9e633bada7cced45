package dev.weft.cluster;

import dev.weft.adapt.Goal;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which operations of a data flow run on the cluster's workers ({@link Cluster#place}). Only PROCESSING operations
 * are placed: output and cleanup operations read the whole context, which lives on the driver.
 *
 * <ul>
 *   <li>{@link #all()}: every processing operation; a run waits up to {@link ClusterOptions#workerTimeout()} for a
 *       worker that offers it, then fails naming it.</li>
 *   <li>{@link #only(String...)}: the operations named (marked remote); the rest run locally.</li>
 *   <li>{@link #forGoal(Goal)}: as the adaptive orchestrator's goal asks, while workers are present: for
 *       {@link Goal#SPEED} and {@link Goal#BALANCED} a run goes to a worker when one has a free slot and runs locally
 *       otherwise (the cluster adds capacity, local slots are not wasted); for {@link Goal#MEMORY} every run goes to
 *       the workers (the driver's heap holds only inputs and results). With no worker present, runs stay local.</li>
 * </ul>
 * Immutable and thread safe.
 */
public final class Placement {
    enum Mode { ALL, ONLY, GOAL }

    private final Mode mode;
    private final Set<String> names;
    private final Goal goal;

    private Placement(Mode mode, Set<String> names, Goal goal) {
        this.mode = mode;
        this.names = names;
        this.goal = goal;
    }

    /** Every processing operation on the workers. */
    public static Placement all() {
        return new Placement(Mode.ALL, Set.of(), null);
    }

    /** The operations named (registered names, not instance names) on the workers; the rest locally. */
    public static Placement only(String... operationNames) {
        return new Placement(Mode.ONLY, Set.copyOf(List.of(operationNames)), null);
    }

    /** Placed as {@code goal} asks, while workers are present. */
    public static Placement forGoal(Goal goal) {
        return new Placement(Mode.GOAL, Set.of(), Objects.requireNonNull(goal, "goal"));
    }

    Mode mode() {
        return mode;
    }

    Set<String> names() {
        return names;
    }

    Goal goal() {
        return goal;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case ALL -> "Placement.all()";
            case ONLY -> "Placement.only(" + names + ")";
            case GOAL -> "Placement.forGoal(" + goal + ")";
        };
    }
}
