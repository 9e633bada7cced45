package dev.weft.demo.cluster;

import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationImplementation;
import dev.weft.flow.OperationProvider;
import dev.weft.flow.OperationRegistry;
import dev.weft.flow.Outputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Seed 001's fan-out scenario for the cluster: one context, a local operation {@code fanout.items} that expands a
 * count into that many items, and {@code fanout.io} run once per item: simulated I/O of {@code ms} milliseconds
 * (its configuration, default 1), returning the item. {@code fanout.write} is the same but not idempotent (it stands
 * for a write that must not happen twice). Registered as an {@link OperationProvider}, so every worker started by
 * {@code ./weft cluster worker} offers them by name.
 */
public final class FanOut implements OperationProvider {
    /** The count of items a context fans out to. */
    public static final Definition<Object> COUNT = Definition.of("fanout.count", "int");
    /** One item. */
    public static final Definition<Object> ITEM = Definition.of("fanout.item", "int");
    /** What an I/O run returns. */
    public static final Definition<Object> DONE = Definition.of("fanout.done", "int");

    /** Expands a count into items 0 to count - 1. */
    public static final Operation ITEMS = Operation.builder("fanout.items").input("count", COUNT)
            .output("item", ITEM).expand("item").build();
    /** Simulated I/O, idempotent: a run lost with its worker may run again elsewhere. */
    public static final Operation IO = Operation.builder("fanout.io").input("item", ITEM).output("done", DONE)
            .idempotent().build();
    /** Simulated I/O that is not idempotent: a run lost with its worker fails, naming it. */
    public static final Operation WRITE = Operation.builder("fanout.write").input("item", ITEM)
            .output("done", DONE).build();

    static final OperationImplementation ITEMS_IMPL = (ctx, p) -> {
        int n = ((Number) p.get("count")).intValue();
        List<Integer> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(i);
        }
        return Map.of("item", items);
    };

    static final OperationImplementation IO_IMPL = (ctx, p) -> {
        long ms = ctx.config().map(c -> ((Number) ((Map<?, ?>) c).get("ms")).longValue()).orElse(1L);
        Thread.sleep(ms);
        return Map.of("done", p.get("item"));
    };

    /** A public no-argument constructor, as ServiceLoader needs. */
    public FanOut() {
    }

    @Override
    public List<OperationRegistry.Entry> operations() {
        return List.of(OperationRegistry.Entry.of(ITEMS, ITEMS_IMPL), OperationRegistry.Entry.of(IO, IO_IMPL),
                OperationRegistry.Entry.of(WRITE, IO_IMPL));
    }

    /**
     * The fan-out flow: {@code fanout.items}, then {@code op} once per item, each taking {@code ms} milliseconds;
     * its result is the list of items done ({@code get_multi} of {@code fanout.done}).
     */
    public static DataFlow flow(Operation op, long ms) {
        return DataFlow.builder().operation(ITEMS, ITEMS_IMPL).operation(op, IO_IMPL)
                .config(op.name(), Map.of("ms", ms))
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of(DONE.name()), Outputs.GET_MULTI_SPEC)).build();
    }

    /** The inputs of one context fanning out to {@code n} items. */
    public static Map<String, List<Input>> inputs(int n) {
        return Map.of("fan-out", List.of(Input.of(n, COUNT)));
    }
}
