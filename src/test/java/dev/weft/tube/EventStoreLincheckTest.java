package dev.weft.tube;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck: the {@link EventStore}, used from several platform threads (Lincheck does not support virtual threads, so
 * no runner runs; the operations call what node runs and a runner call: {@code add}, {@code find}, {@code clear} of
 * an epoch, {@code isEmpty}), is linearizable against {@link Model}, a map from epoch to the values by node. Three
 * epochs: root 0, its sub-epoch {@code 0/(m,0)} (which sees root 0's values), and root 1; two nodes of one signal
 * each.
 *
 * <p>Seen failing against a broken variant in docs/property-failures.md ("Tubes (issue 15)").
 */
@Param(name = "v", gen = IntGen.class, conf = "1:3")
@Param(name = "node", gen = IntGen.class, conf = "0:1")
@Param(name = "epoch", gen = IntGen.class, conf = "0:2")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@SuppressWarnings("exports") // public only because Lincheck instantiates it; it is a test, never part of the module
public class EventStoreLincheckTest {
    static final List<Epoch> EPOCHS = List.of(Epoch.root(0), Epoch.root(0).sub("m", 0), Epoch.root(1));
    static final TubeGraph GRAPH = Tube.builder("store")
            .withNode("a", NodeSpec.of("count_source"))
            .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index"))
            .build(TubeKit.registry()).graph;

    private final EventStore store = new EventStore(GRAPH);

    /** Lincheck creates one instance per scenario. */
    public EventStoreLincheckTest() {
    }

    /** A node emits {@code v} in an epoch. */
    @Operation
    public void add(@Param(name = "node") int node, @Param(name = "epoch") int epoch, @Param(name = "v") int v) {
        store.add(node, 0, EPOCHS.get(epoch), v);
    }

    /** What a node reading the signal in an epoch gets (falling back on the parent epoch). */
    @Operation
    public Integer find(@Param(name = "node") int node, @Param(name = "epoch") int epoch) {
        Event e = store.find(node, 0, EPOCHS.get(epoch));
        return e == null ? null : (Integer) e.value();
    }

    /** A runner clears an epoch (and its sub-epochs). */
    @Operation
    public void clear(@Param(name = "epoch") int epoch) {
        store.clear(EPOCHS.get(epoch));
    }

    @Operation
    public boolean isEmpty() {
        return store.isEmpty();
    }

    /** The sequential model: values by epoch and node. */
    public static final class Model {
        private final Map<Epoch, Map<Integer, Integer>> values = new HashMap<>();

        /** Lincheck instantiates the model reflectively. */
        public Model() {
        }

        public void add(int node, int epoch, int v) {
            values.computeIfAbsent(EPOCHS.get(epoch), x -> new HashMap<>()).put(node, v);
        }

        public Integer find(int node, int epoch) {
            for (Epoch e = EPOCHS.get(epoch); e != null; e = e.parent()) {
                Map<Integer, Integer> m = values.get(e);
                if (m != null && m.containsKey(node)) {
                    return m.get(node);
                }
            }
            return null;
        }

        public void clear(int epoch) {
            Epoch c = EPOCHS.get(epoch);
            values.keySet().removeIf(e -> e.rootNumber() == c.rootNumber() && e.isWithin(c));
        }

        public boolean isEmpty() {
            return values.values().stream().allMatch(Map::isEmpty);
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("weft.test.storeLincheckIterations", 20))
                .invocationsPerIteration(Integer.getInteger("weft.test.storeLincheckInvocations", 150))
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(Model.class)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(Model.class)
                .check(getClass());
    }
}
