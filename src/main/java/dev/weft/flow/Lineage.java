package dev.weft.flow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where an input came from: the seed and user inputs it descends from, and the operation instances that produced
 * it and its ancestors. Answers "which inputs and operations produced this output" for a finished context (see
 * {@link ContextResult#inputs(String)}).
 *
 * @param input      the input asked about
 * @param roots      its ancestors that no operation produced (seed and user inputs), nearest first
 * @param operations the instances that produced it or an ancestor, nearest first, each once
 */
public record Lineage(Input input, List<Input> roots, List<String> operations) {
    /** Copies the lists. */
    public Lineage {
        Objects.requireNonNull(input, "input");
        roots = List.copyOf(roots);
        operations = List.copyOf(operations);
    }

    /** The lineage of {@code input}, from its cached ancestors (no recursion, any depth). */
    public static Lineage of(Input input) {
        List<Input> roots = new ArrayList<>();
        Set<String> ops = new LinkedHashSet<>();
        if (input.origin() instanceof Origin.Output o) {
            ops.add(o.instance());
        }
        for (Input a : input.ancestors()) {
            if (a.origin() instanceof Origin.Output o) {
                ops.add(o.instance());
            } else {
                roots.add(a);
            }
        }
        return new Lineage(input, roots, new ArrayList<>(ops));
    }
}
