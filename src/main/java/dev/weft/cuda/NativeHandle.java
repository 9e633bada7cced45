package dev.weft.cuda;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One native CUDA handle (event, stream, device pointer) and how to release it, released exactly once: by an
 * explicit {@link #release()}, or by the {@link Cleaner} when the object that owns it became unreachable without
 * one. {@link Cleaner.Cleanable#clean()} already runs its action at most once; the flag here also makes
 * {@link #release()} say whether this call was the one that released.
 *
 * <p>The cleaning action must not reach its owner (or the owner would never become unreachable), so it holds only
 * the runtime, the address and the destroy function. Thread safe.
 */
final class NativeHandle {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHandle.class);
    /** One cleaner thread for all of Weft's CUDA handles (process-wide, daemon, idle when nothing is dropped). */
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("weft-cuda-cleaner")
            .factory());

    private final long address;
    private final Releaser releaser;
    private final Cleaner.Cleanable cleanable;

    /** The cleaner's action: releases if nothing released before. Never throws (it runs on the cleaner thread). */
    private static final class Releaser implements Runnable {
        final String what;
        final long address;
        final LongConsumer destroy;
        final AtomicBoolean released = new AtomicBoolean();

        Releaser(String what, long address, LongConsumer destroy) {
            this.what = what;
            this.address = address;
            this.destroy = destroy;
        }

        @Override
        public void run() {
            if (!released.compareAndSet(false, true)) {
                return; // released explicitly; clean() only unregisters
            }
            try {
                destroy.accept(address);
                LOG.debug("{} 0x{} was dropped without close; released by the cleaner", what,
                        Long.toHexString(address));
            } catch (RuntimeException e) {
                LOG.warn("releasing dropped {} 0x{} failed", what, Long.toHexString(address), e);
            }
        }
    }

    /**
     * @param owner   the object whose unreachability releases the handle
     * @param what    for log messages, for example "CUDA event"
     * @param destroy the CUDA call that releases it
     */
    NativeHandle(Object owner, String what, long address, LongConsumer destroy) {
        this.address = address;
        this.releaser = new Releaser(what, address, destroy);
        this.cleanable = CLEANER.register(owner, releaser);
    }

    long address() {
        return address;
    }

    boolean isReleased() {
        return releaser.released.get();
    }

    /**
     * Releases the handle now, unless it was released already.
     *
     * @return whether this call released it
     * @throws CudaException if the CUDA destroy call fails (the handle counts as released all the same)
     */
    boolean release() {
        if (!releaser.released.compareAndSet(false, true)) {
            return false;
        }
        cleanable.clean(); // unregisters; the releaser sees the flag and does nothing
        releaser.destroy.accept(address);
        return true;
    }
}
