package dev.weft.cluster;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages members exchange: records of this interface only, bound to Pekko's {@code jackson-cbor} serializer
 * (see {@link ClusterConfig}). Values inside (inputs, outputs, params, events, configurations) travel as bytes that
 * {@link Wire} wrote and reads back against the receiver's {@link WireTypes}, so no class is ever named by a sender
 * and loaded by a receiver unless both allow it. Package-private.
 */
final class Protocol {
    private Protocol() {
    }

    /** Every message that crosses the wire. */
    interface Message {
    }

    /**
     * What a driver sends a worker. Inside a {@link WorkerBatch} each is tagged with a short name, never a class
     * name.
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "m")
    @JsonSubTypes({@JsonSubTypes.Type(value = Describe.class, name = "describe"),
            @JsonSubTypes.Type(value = RunOp.class, name = "run"),
            @JsonSubTypes.Type(value = CancelOp.class, name = "cancel"),
            @JsonSubTypes.Type(value = OpenNode.class, name = "open"),
            @JsonSubTypes.Type(value = ProcessNode.class, name = "process"),
            @JsonSubTypes.Type(value = CloseNode.class, name = "close")})
    sealed interface ToWorker extends Message
            permits Describe, RunOp, CancelOp, OpenNode, ProcessNode, CloseNode, WorkerBatch {
    }

    /** What a worker sends a driver; tagged as {@link ToWorker} is. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "m")
    @JsonSubTypes({@JsonSubTypes.Type(value = Hello.class, name = "hello"),
            @JsonSubTypes.Type(value = Done.class, name = "done"),
            @JsonSubTypes.Type(value = Failed.class, name = "failed")})
    sealed interface ToDriver extends Message permits Hello, Done, Failed, DriverBatch {
    }

    /** Several messages to one worker, sent as one ({@link Outbox}). */
    record WorkerBatch(List<ToWorker> messages) implements ToWorker {
    }

    /** Several replies to one driver, sent as one ({@link Outbox}). */
    record DriverBatch(List<ToDriver> messages) implements ToDriver {
    }

    /** Asks a worker to say what it offers. */
    record Describe(ActorRef<ToDriver> replyTo) implements ToWorker {
    }

    /**
     * A worker's advertisement.
     *
     * @param worker      where to send work
     * @param member      its member address
     * @param concurrency runs at once it accepts
     * @param memory      bytes of memory it advertises
     * @param operations  operation names it has implementations for
     * @param nodeTypes   tube node type names it can make
     */
    record Hello(ActorRef<ToWorker> worker, String member, int concurrency, long memory, List<String> operations,
                 List<String> nodeTypes) implements ToDriver {
    }

    /**
     * Runs an operation once.
     *
     * @param id        the driver's number for this run (unique per driver)
     * @param operation the registered operation name
     * @param instance  the instance name in the data flow
     * @param context   the context's name
     * @param config    the instance's configuration ({@link Wire} bytes)
     * @param inputs    the parameter set ({@link Wire} bytes of a map)
     * @param replyTo   where the outcome goes
     */
    record RunOp(long id, String operation, String instance, String context, byte[] config, byte[] inputs,
                 ActorRef<ToDriver> replyTo) implements ToWorker {
    }

    /** Interrupts run {@code id} of {@code replyTo}'s driver, if it is still running. */
    record CancelOp(long id, ActorRef<ToDriver> replyTo) implements ToWorker {
    }

    /**
     * Makes a tube node and initialises it.
     *
     * @param id      the driver's number for this request
     * @param key     the driver's name for this node instance
     * @param tube    the tube's id
     * @param node    the node's id
     * @param type    the node type's registered name
     * @param params   the node's resolved params ({@link Wire} bytes of a map)
     * @param stateful whether the tube takes it as stateful (the driver then sends it one run at a time, in order)
     * @param replyTo  where the outcome goes
     */
    record OpenNode(long id, String key, String tube, String node, String type, byte[] params, boolean stateful,
                    ActorRef<ToDriver> replyTo) implements ToWorker {
    }

    /**
     * Runs a node once.
     *
     * @param id      the driver's number for this request
     * @param key     the node instance
     * @param epoch   the epoch, as root number and the (map node, index) steps below it
     * @param args    the named and positional inputs ({@link Wire} bytes of a two-element list)
     * @param open    for a pooled (stateless) node, how to make it on a worker that has not yet: the
     *                {@link OpenNode} to apply first; {@code null} for a node pinned to its worker
     * @param replyTo where the outcome goes
     */
    record ProcessNode(long id, String key, List<String> epoch, byte[] args, OpenNode open,
                       ActorRef<ToDriver> replyTo) implements ToWorker {
    }

    /** De-initialises and forgets a node instance. */
    record CloseNode(long id, String key, ActorRef<ToDriver> replyTo) implements ToWorker {
    }

    /** A request ended well; {@code result} is {@link Wire} bytes (empty for none). */
    record Done(long id, byte[] result) implements ToDriver {
    }

    /**
     * A request failed on the worker.
     *
     * @param id      the request
     * @param type    the exception's class name (for the message only: never loaded)
     * @param message its message
     * @param trace   its stack trace, as text
     */
    record Failed(long id, String type, String message, String trace) implements ToDriver {
    }
}
