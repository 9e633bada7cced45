package dev.weft.stm;

/**
 * What a {@link Store} does to publish a checkout's changes atomically ({@link CommitMode}): validate that every key
 * the checkout read is still at the state it read, then publish every change under one new version, making that
 * version the store's clock only once all of it is visible (or, for {@link CasCommitter}, while the keys are claimed),
 * so that a snapshot taken at a version sees all of that commit or none of it.
 */
// Not sealed: tests plug in deliberately broken committers to see the properties fail (StoreProperties).
interface Committer {
    /**
     * Publishes {@code checkout}'s changes.
     *
     * @return the new version
     * @throws ConcurrentUpdateException if a key read changed or was being published; nothing written then
     */
    long commit(Store store, Checkout checkout);

    static Committer of(CommitMode mode) {
        return switch (mode) {
            case LOCK -> new LockCommitter();
            case CAS -> new CasCommitter();
        };
    }
}
