package dev.weft.component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One component's open asks and late replies: the requests whose askers are waiting on it right now (each asker adds
 * its request before delivering it and removes it when its ask returns, however it returns), so that the component's
 * end can fail them at once; and the count of replies that came after their asker gave up. Per component, created on
 * its first ask; nothing global, so a timed-out ask leaves nothing behind. Thread safe.
 */
final class AskBook {
    private final Set<Request> open = ConcurrentHashMap.newKeySet();
    private final LongAdder late = new LongAdder();
    /** The component's path once it ended, else null. */
    private volatile String ended;

    /** The book of {@code c}, made on first use (under its lock, so that the component's end sees it). */
    static AskBook of(Component c) {
        AskBook b = c.asks;
        if (b == null) {
            c.lock.lock();
            try {
                b = c.asks;
                if (b == null) {
                    c.asks = b = new AskBook();
                }
            } finally {
                c.lock.unlock();
            }
        }
        return b;
    }

    /** An asker waits on {@code r}; fails it at once if the component already ended. */
    void add(Request r) {
        open.add(r);
        String path = ended;
        if (path != null) {
            r.ended(path);
        }
    }

    /** The ask of {@code r} returned. */
    void remove(Request r) {
        open.remove(r);
    }

    /** The component ended (its inboxes are closed): fails every ask still waiting on it. */
    void end(String path) {
        ended = path;
        for (Request r : open) {
            r.ended(path);
        }
    }

    void lateReply() {
        late.increment();
    }

    long lateReplies() {
        return late.sum();
    }

    int open() {
        return open.size();
    }
}
