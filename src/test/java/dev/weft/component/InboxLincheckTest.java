package dev.weft.component;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck: the inboxes of one component, used from several platform threads, are linearizable against {@link Model},
 * a sequential model of bounded FIFOs with Weft's rules. Lincheck does not support virtual threads, so no component
 * runs: {@link Owner} is never started (the owner-only calls check the thread only once a component runs), and the
 * operations call what a component's thread and its senders call: {@link Component#deliver} from outside,
 * {@link Inbox#put} over a {@link Delivery#DROP} or {@link Delivery#FAIL} linkage (a send's last hop), control messages
 * that never wait for room, {@link Component#stop()}, and, for the owner (one thread: Lincheck's non-parallel group),
 * {@code poll}, {@code receive} with a zero timeout (ending with {@link ShutdownSignal} as the rules say), and the end
 * of the component (its inboxes close: later puts are dropped and counted). A pass-through from the owner's
 * {@code "small"} inbox to its child's {@code "data"} may be made while puts run: what waited moves on, later puts go
 * on to the child under the pass-through's DROP policy, and a second one is refused (one-to-many).
 *
 * <p>Not modelled: blocking puts on a full inbox (a model check cannot wait for a take that may never come; the
 * {@code deliver} operation goes to {@code "inbox"}, whose capacity no scenario reaches; the QuickTheories properties
 * cover blocking), and unlinking a pass-through: a put that already found its inbox still delivers there after
 * {@code unlink()} returns ("nothing in flight is lost"), which is by design not linearizable against an unlink that
 * takes effect at one instant; {@code LinkageProperties} checks what unlink does promise.
 *
 * <p>Seen failing against broken variants in docs/property-failures.md ("Components (issue 14)").
 */
@Param(name = "v", gen = IntGen.class, conf = "1:9")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@SuppressWarnings("exports") // public only because Lincheck instantiates it; it is a test, never part of the module
public class InboxLincheckTest {
    static final int SMALL = 2;
    static final int KID = 2;

    /** The component whose inboxes are checked; never started. */
    static final class Owner extends Component {
        final Kid kid = new Kid();

        Owner() {
            super("owner");
            addInbox("small", SMALL);
            addChildren(kid);
        }

        @Override
        protected void main() {
            throw new AssertionError("never started");
        }
    }

    /** The owner's child, the far end of the pass-through. */
    static final class Kid extends Component {
        Kid() {
            super("kid");
            addInbox("data", KID);
        }

        @Override
        protected void main() {
            throw new AssertionError("never started");
        }
    }

    /** A component whose linkages into "small" give the puts their policy; never started. */
    static final class Sender extends Component {
        Sender(String name) {
            super(name);
        }

        @Override
        protected void main() {
            throw new AssertionError("never started");
        }
    }

    private final Owner owner = new Owner();
    private final Linkage drop = Components.link(new Sender("dropper"), Component.OUTBOX, owner, "small",
            Delivery.DROP);
    private final Linkage fail = Components.link(new Sender("failer"), Component.OUTBOX, owner, "small",
            Delivery.FAIL);
    private final Inbox small = owner.inbox("small", "test");

    /** Lincheck creates one instance per scenario. */
    public InboxLincheckTest() {
    }

    /** From outside into "inbox" (BLOCK, never full in a scenario): false once the owner ended. */
    @Operation
    public boolean deliver(@Param(name = "v") int v) throws InterruptedException {
        return owner.deliver(v, Component.INBOX);
    }

    /** A send's last hop into "small" over a DROP linkage. */
    @Operation
    public boolean dropInto(@Param(name = "v") int v) throws InterruptedException {
        return small.put(v, drop, "'dropper'");
    }

    /** A send's last hop into "small" over a FAIL linkage: throws InboxFullException when full. */
    @Operation
    public boolean failInto(@Param(name = "v") int v) throws InterruptedException {
        return small.put(v, fail, "'failer'");
    }

    /** A control message into "small" over the DROP linkage: never held back by a full inbox. */
    @Operation
    public boolean controlInto() throws InterruptedException {
        return small.put(new ProducerFinished(), drop, "'dropper'");
    }

    @Operation
    public void stop() {
        owner.stop();
    }

    @Operation
    public boolean finish() throws InterruptedException {
        return owner.deliver(new ProducerFinished(), Component.CONTROL);
    }

    /** Passes "small" through to the child's "data" (DROP when full); refused if already passed through. */
    @Operation
    public void passThrough() {
        Components.link(owner, "small", owner.kid, "data", Delivery.DROP);
    }

    @Operation(nonParallelGroup = "owner")
    public Integer pollSmall() {
        return value(owner.poll("small").orElse(null));
    }

    /** The owner's non-blocking receive on "inbox": the rules for Shutdown and ProducerFinished on control apply. */
    @Operation(nonParallelGroup = "owner")
    public Integer receive() throws InterruptedException {
        return value(owner.receive(Component.INBOX, Duration.ZERO).orElse(null));
    }

    /** What the owner's thread does when it ends: closes its inboxes. */
    @Operation(nonParallelGroup = "owner")
    public void end() {
        owner.lock.lock();
        try {
            for (String box : owner.inboxNames()) {
                owner.inbox(box, "end").close();
            }
        } finally {
            owner.lock.unlock();
        }
    }

    @Operation(nonParallelGroup = "kid")
    public Integer pollKid() {
        return value(owner.kid.poll("data").orElse(null));
    }

    @Operation
    public int sizeSmall() {
        return owner.queued("small");
    }

    @Operation
    public int sizeKid() {
        return owner.kid.queued("data");
    }

    @Operation
    public long droppedSmall() {
        return owner.droppedAt("small");
    }

    @Operation
    public long deliveredSmall() {
        return owner.delivered("small");
    }

    /** Messages as results: an int, -1 for a control message, null for none. */
    static Integer value(Object m) {
        return m == null ? null : m instanceof ControlMessage ? -1 : (Integer) m;
    }

    /** The sequential model: bounded FIFOs, control messages exempt from the bound, Weft's rules for the rest. */
    public static final class Model {
        private final ArrayDeque<Object> inbox = new ArrayDeque<>();
        private final ArrayDeque<Object> small = new ArrayDeque<>();
        private final ArrayDeque<Object> control = new ArrayDeque<>();
        private final ArrayDeque<Object> kid = new ArrayDeque<>();
        private boolean passedThrough;
        private boolean closed;
        private long droppedSmall;
        private long deliveredSmall;
        private ControlMessage endedBy;

        /** Lincheck instantiates the model reflectively. */
        public Model() {
        }

        public boolean deliver(int v) {
            if (closed) {
                return false;
            }
            inbox.add(v);
            return true;
        }

        private boolean putSmall(Object m, Delivery policy) {
            boolean isControl = m instanceof ControlMessage;
            if (passedThrough) { // on to the child, under the pass-through's policy (DROP)
                if (kid.size() < KID || isControl) {
                    kid.add(m);
                    return true;
                }
                return false;
            }
            if (closed) {
                droppedSmall++;
                return false;
            }
            if (small.size() < SMALL || isControl) {
                small.add(m);
                deliveredSmall++;
                return true;
            }
            if (policy == Delivery.FAIL) {
                throw new InboxFullException("model");
            }
            droppedSmall++;
            return false;
        }

        public boolean dropInto(int v) {
            return putSmall(v, Delivery.DROP);
        }

        public boolean failInto(int v) {
            return putSmall(v, Delivery.FAIL);
        }

        public boolean controlInto() {
            return putSmall(new ProducerFinished(), Delivery.DROP);
        }

        public void stop() {
            if (!closed) {
                control.add(new Shutdown());
            }
        }

        public boolean finish() {
            if (closed) {
                return false;
            }
            control.add(new ProducerFinished());
            return true;
        }

        public void passThrough() {
            if (passedThrough) {
                throw new IllegalStateException("model: one-to-many");
            }
            passedThrough = true;
            kid.addAll(small);
            small.clear();
        }

        public Integer pollSmall() {
            return value(small.poll());
        }

        public Integer receive() {
            Object c = control.peek();
            if (c instanceof Shutdown s) {
                control.poll();
                endedBy = s;
                throw new ShutdownSignal("model", s);
            }
            if (c instanceof ProducerFinished p && inbox.isEmpty()) {
                control.poll();
                endedBy = p;
                throw new ShutdownSignal("model", p);
            }
            if (endedBy != null && inbox.isEmpty()) {
                throw new ShutdownSignal("model", endedBy);
            }
            return value(inbox.poll());
        }

        public void end() {
            closed = true;
        }

        public Integer pollKid() {
            return value(kid.poll());
        }

        public int sizeSmall() {
            return small.size();
        }

        public int sizeKid() {
            return kid.size();
        }

        public long droppedSmall() {
            return droppedSmall;
        }

        public long deliveredSmall() {
            return deliveredSmall;
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("weft.test.inboxLincheckIterations", 20))
                .invocationsPerIteration(Integer.getInteger("weft.test.inboxLincheckInvocations", 150))
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(Model.class)
                // Component paths only name things in exception messages: no switch points worth exploring there.
                .addGuarantee(forClasses(Component.class.getName()).methods("path").ignore())
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
