package dev.weft.tube;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/** The special node types every tube has: {@code map}, {@code gather} and {@code tube} ({@code return} is not run). */
final class Builtins {
    private Builtins() {
    }

    /** {@code map}: splits its value into elements, one sub-epoch each (the schedule makes them). */
    static final class MapNode implements Node {
        private final String id;

        MapNode(String id) {
            this.id = id;
        }

        @Override
        public Object process(Args args) {
            Object v = args.has("value") ? args.get("value") : args.get(0);
            List<Object> items = new ArrayList<>();
            switch (v) {
                case null -> throw new IllegalArgumentException("map '" + id + "' got null: it splits a collection, "
                        + "an array or a string");
                case Collection<?> c -> items.addAll(c);
                case CharSequence cs -> cs.codePoints().forEach(cp -> items.add(Character.toString(cp)));
                case Iterable<?> it -> it.forEach(items::add);
                case Map<?, ?> m -> throw new IllegalArgumentException("map '" + id + "' got a Map: it splits a "
                        + "collection, an array or a string (map its entrySet() or values())");
                default -> {
                    if (!v.getClass().isArray()) {
                        throw new IllegalArgumentException("map '" + id + "' got a " + v.getClass().getName()
                                + ": it splits a collection, an array or a string");
                    }
                    for (int i = 0; i < Array.getLength(v); i++) {
                        items.add(Array.get(v, i));
                    }
                }
            }
            return items;
        }
    }

    /**
     * {@code gather}: collects values and emits them as a list every {@code n} (a param, or a dependency such as a
     * map's {@code n}) or when its optional {@code trigger} has a value other than null (noob's rule). Stateful:
     * values come in epoch order.
     */
    static final class GatherNode implements Node {
        private final Long n;
        private final boolean flatten;
        private List<Object> items = new ArrayList<>();

        GatherNode(Params params) {
            this.n = params.has("n") ? params.getLong("n", 0) : null;
            Object f = params.getOrDefault("flatten", Boolean.FALSE);
            this.flatten = Boolean.TRUE.equals(f) || "true".equals(f);
        }

        @Override
        public Object process(Args args) {
            Object v = args.has("value") ? args.get("value") : args.get(0);
            items.add(v);
            Long limit = n;
            if (args.has("n")) {
                Object dn = args.get("n");
                if (!(dn instanceof Number num) || num.longValue() < 1) {
                    throw new IllegalArgumentException("gather '" + args.nodeId() + "': n must be a positive "
                            + "integer, got " + dn);
                }
                limit = num.longValue();
            }
            // as noob's gather: a trigger whose value is null does not trigger
            boolean emit = limit != null ? items.size() >= limit : args.getOrDefault("trigger", null) != null;
            if (!emit) {
                return NO_EVENT;
            }
            List<Object> out = items;
            items = new ArrayList<>();
            if (!flatten) {
                return out;
            }
            List<Object> flat = new ArrayList<>();
            for (Object o : out) {
                if (!(o instanceof Collection<?> c)) {
                    throw new IllegalArgumentException("gather '" + args.nodeId() + "' flattens, but got a "
                            + (o == null ? "null" : o.getClass().getName()) + ", not a collection");
                }
                flat.addAll(c);
            }
            return flat;
        }
    }

    /** {@code tube}: runs a child tube once per epoch with the node's slots as its process inputs. */
    static final class TubeNode implements Node {
        private final Tube child;
        private final boolean mapShaped;
        // a tube node declared stateless may be called from several threads; its child runner takes one at a time
        private final ReentrantLock lock = new ReentrantLock();
        private SyncRunner runner;

        TubeNode(Tube child) {
            this.child = child;
            this.mapShaped = child.graph.returnDepends != null
                    && child.graph.returnDepends.shape() == Depends.Shape.MAP;
        }

        @Override
        public void init() {
            runner = new SyncRunner(child, Runners.Options.defaults());
            runner.open();
        }

        @Override
        public Object process(Args args) {
            RunnerBase.Result r;
            lock.lock();
            try {
                r = runner.processRoot(args.named());
            } finally {
                lock.unlock();
            }
            if (!r.hasValue()) {
                return NO_EVENT;
            }
            if (mapShaped && r.value() instanceof Map<?, ?> m) {
                Map<String, Object> signals = new LinkedHashMap<>();
                m.forEach((k, v) -> signals.put((String) k, v));
                return Signals.of(signals);
            }
            return r.value();
        }

        @Override
        public void deinit() {
            if (runner != null) {
                runner.close();
                runner = null;
            }
        }
    }
}
