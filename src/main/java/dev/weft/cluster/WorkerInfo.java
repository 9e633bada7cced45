package dev.weft.cluster;

import java.util.Set;

/**
 * A worker as a driver sees it: its member address, what it advertises, and the driver's own count of its work.
 *
 * @param member      the member address, such as {@code pekko://weft@127.0.0.1:25521}
 * @param concurrency runs at once it accepts (a driver never sends more)
 * @param memory      bytes of memory it advertises
 * @param operations  operation names it has implementations for
 * @param nodeTypes   tube node type names it can make
 * @param inFlight    this driver's requests running there now
 * @param completed   this driver's requests it has answered
 */
public record WorkerInfo(String member, int concurrency, long memory, Set<String> operations, Set<String> nodeTypes,
                         int inFlight, long completed) {
    /** Copies the sets. */
    public WorkerInfo {
        operations = Set.copyOf(operations);
        nodeTypes = Set.copyOf(nodeTypes);
    }
}
