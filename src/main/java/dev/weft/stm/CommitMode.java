package dev.weft.stm;

/**
 * How a {@link Store} makes a commit atomic. Reads never take a lock in either mode; the modes differ only in what a
 * commit does between validating what it read and publishing what it wrote. BENCHMARKS.md (section 14) measures both.
 */
public enum CommitMode {
    /**
     * One short store-wide lock around validate-and-publish, as Axon's {@code Store} does: commits run one at a time,
     * each for a few hundred nanoseconds, and readers never wait for one.
     */
    LOCK,
    /**
     * Each key written is claimed by compare-and-set (TL2-style), so commits on disjoint keys run in parallel; a
     * reader that meets a key being published waits the few instructions until it is. The default: ahead of
     * {@link #LOCK} when transactions rarely touch the same keys (bank transfers among 1,000 accounts); behind it when
     * many commits fight over a few keys.
     */
    CAS
}
