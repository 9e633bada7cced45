package dev.weft.tube;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-process fake cluster for {@link NodeHost}: every hosted node gets a member of its own (noob's ZMQ runner's
 * one process per node) — one thread for a stateful node (its mailbox), a thread per call for a stateless one —
 * that remakes the node from its type name in the "worker's" registry, as a real worker would. Everything between
 * the driver and a member crosses {@link Wire} as bytes: the node's description when it is hosted, each run's epoch
 * and slots, each reply (a value, "exhausted", or an error as text). A member may wait a random 0 to
 * {@code maxDelayMicros} µs before and after each run (latency on the wire; perturbation, not synchronisation).
 *
 * <p>It records what a test checks: the nodes offered, each member's runs, inits and deinits and the threads they
 * ran on, and problems: a stateful node's runs overlapping or out of epoch order on its member, init twice.
 * One host serves one runner.
 */
final class FakeHost implements NodeHost {
    private final NodeRegistry workerRegistry;
    private final long seed;
    private final int maxDelayMicros;
    /** The members, in the order their nodes were hosted. */
    final List<Member> members = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();

    FakeHost(NodeRegistry workerRegistry) {
        this(workerRegistry, 0, 0);
    }

    FakeHost(NodeRegistry workerRegistry, long seed, int maxDelayMicros) {
        this.workerRegistry = workerRegistry;
        this.seed = seed;
        this.maxDelayMicros = maxDelayMicros;
    }

    @Override
    public Node host(HostedNode node) {
        Member m = new Member(node, Wire.encode(Arrays.asList(node.tubeId(), node.nodeId(), node.typeName(),
                node.params(), node.stateful())));
        members.add(m);
        return m;
    }

    /** The ids of the nodes hosted, in order. */
    List<String> hosted() {
        return members.stream().map(m -> m.id).toList();
    }

    Member member(String nodeId) {
        return members.stream().filter(m -> m.id.equals(nodeId)).findFirst().orElseThrow(
                () -> new AssertionError("node '" + nodeId + "' was not hosted (hosted: " + hosted() + ")"));
    }

    /** Whether every member's threads have stopped (after the runner closed). */
    boolean allStopped() {
        return members.stream().allMatch(m -> m.executor == null || m.executor.isTerminated());
    }

    @Override
    public String toString() {
        return "FakeHost" + hosted();
    }

    /** The driver's handle of one hosted node, and, behind the wire, its member. */
    final class Member implements Node {
        final String id;
        private final HostedNode driverSide;
        private final byte[] description;
        private final Random random;
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger inits = new AtomicInteger();
        final AtomicInteger deinits = new AtomicInteger();
        final List<String> lifecycleThreads = new CopyOnWriteArrayList<>();
        /** The epochs of the runs, in the order they started on the member. */
        final List<Epoch> epochs = new CopyOnWriteArrayList<>();
        private final AtomicInteger running = new AtomicInteger();
        volatile ExecutorService executor;
        private volatile boolean live;
        // the worker's side: made and used on the member's threads only
        private volatile HostedNode workerSide;
        private volatile Node local;

        Member(HostedNode driverSide, byte[] description) {
            this.id = driverSide.nodeId();
            this.driverSide = driverSide;
            this.description = description;
            this.random = new Random(seed * 31 + id.hashCode());
        }

        @Override
        public void init() throws Exception {
            if (live) {
                problems.add("node '" + id + "' initialised twice without a deinit");
            }
            live = true;
            ThreadFactory threads = Thread.ofVirtual().name("member " + driverSide.tubeId() + "/" + id + " ", 0)
                    .factory();
            executor = driverSide.stateful() ? Executors.newSingleThreadExecutor(threads)
                    : Executors.newThreadPerTaskExecutor(threads);
            ask(() -> {
                List<?> d = (List<?>) Wire.decode(description);
                @SuppressWarnings("unchecked") // the params map, as host() sent it
                Map<String, ?> params = (Map<String, ?>) d.get(3);
                workerSide = HostedNode.resolve(workerRegistry, (String) d.get(0), (String) d.get(1),
                        (String) d.get(2), params, (Boolean) d.get(4));
                Node made = workerSide.makeLocal();
                made.init();
                local = made;
                inits.incrementAndGet();
                lifecycleThreads.add(Thread.currentThread().getName());
                return Wire.encode(null);
            });
        }

        @Override
        public Object process(Args args) throws Exception {
            byte[] request = Wire.encode(Arrays.asList(args.epoch(), args.named(), args.positional()));
            List<?> reply = (List<?>) Wire.decode(ask(() -> run(request)));
            return switch ((String) reply.getFirst()) {
                case "value" -> reply.get(1);
                case "exhausted" -> throw driverSide.exhausted();
                default -> throw new IllegalStateException("the member running node '" + id + "' reports: "
                        + reply.get(1));
            };
        }

        @Override
        public void deinit() throws Exception {
            live = false;
            try {
                ask(() -> {
                    local.deinit();
                    deinits.incrementAndGet();
                    lifecycleThreads.add(Thread.currentThread().getName());
                    return Wire.encode(null);
                });
            } finally {
                executor.shutdown();
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    problems.add("the member of node '" + id + "' did not stop");
                }
            }
        }

        /** On the member: one run, from the request's bytes to the reply's. */
        private byte[] run(byte[] request) {
            delay();
            List<?> req = (List<?>) Wire.decode(request);
            Epoch epoch = (Epoch) req.get(0);
            @SuppressWarnings("unchecked") // the named slots, as process() sent them
            Map<String, ?> named = (Map<String, ?>) req.get(1);
            Args a = workerSide.args(epoch, named, (List<?>) req.get(2));
            boolean stateful = workerSide.stateful();
            if (stateful) {
                if (running.incrementAndGet() > 1) {
                    problems.add("stateful node '" + id + "' ran twice at once (epoch " + epoch + ")");
                }
                Epoch last = epochs.isEmpty() ? null : epochs.getLast();
                if (last != null && epoch.compareTo(last) <= 0) {
                    problems.add("stateful node '" + id + "' ran epoch " + epoch + " after " + last);
                }
            }
            epochs.add(epoch);
            runs.incrementAndGet();
            List<Object> reply = new ArrayList<>();
            try {
                Object v = local.process(a);
                reply.add("value");
                reply.add(v);
                return Wire.encode(reply);
            } catch (Exception e) {
                reply.clear();
                if (HostedNode.isExhausted(e)) {
                    reply.add("exhausted");
                } else {
                    reply.add("error");
                    reply.add(e.toString());
                }
                return Wire.encode(reply);
            } finally {
                if (stateful) {
                    running.decrementAndGet();
                }
                delay();
            }
        }

        private void delay() {
            if (maxDelayMicros > 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(maxDelayMicros + 1)));
            }
        }

        /** Sends a call to the member and waits for its reply; an interrupt stops the wait, not the member. */
        private byte[] ask(Callable<byte[]> call) throws Exception {
            try {
                return executor.submit(call).get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }

        @Override
        public String toString() {
            return "member of " + id;
        }
    }
}
