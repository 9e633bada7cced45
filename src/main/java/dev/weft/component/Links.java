package dev.weft.component;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Making and removing linkages. Changes are serialised by one lock (linking is rare; sending never takes it), which
 * also lets a pass-through move the messages already waiting in the inbox it extends without deadlock: it holds the
 * destination's lock, then the source's, so that those messages arrive before any sent after the change.
 */
final class Links {
    static final int MAX_HOPS = 64;
    private static final ReentrantLock LINKING = new ReentrantLock();

    private Links() {
    }

    static Linkage link(Component from, String fromBox, Component to, String toBox, Delivery delivery) {
        if (from == to) {
            throw new IllegalArgumentException("cannot link component '" + from.path() + "' to itself ('" + fromBox
                    + "' -> '" + toBox + "')");
        }
        boolean fromIsParent = to.parent() == from;
        boolean toIsParent = from.parent() == to;
        // An inbox of a parent passed to a child's inbox; a child's outbox passed to its parent's outbox; otherwise an
        // outbox to an inbox.
        Linkage.Kind kind = fromIsParent && from.hasInbox(fromBox) && !from.hasOutbox(fromBox)
                ? Linkage.Kind.INBOX_PASSTHROUGH
                : toIsParent && to.hasOutbox(toBox) && !to.hasInbox(toBox) ? Linkage.Kind.OUTBOX_PASSTHROUGH
                : Linkage.Kind.OUTBOX_TO_INBOX;
        return link(kind, from, fromBox, to, toBox, delivery);
    }

    static Linkage link(Linkage.Kind kind, Component from, String fromBox, Component to, String toBox,
            Delivery delivery) {
        Linkage l = new Linkage(kind, from, fromBox, to, toBox, delivery);
        LINKING.lock();
        try {
            if (kind == Linkage.Kind.INBOX_PASSTHROUGH) {
                Inbox source = from.inbox(fromBox, "link from");
                if (source.onward != null) {
                    throw oneToMany(from, fromBox, source.onward);
                }
                checkNoCycle(source, l.toInbox);
                moveWaiting(source, l);
            } else {
                Outbox source = from.outbox(fromBox, "link from");
                if (source.link != null) {
                    throw oneToMany(from, fromBox, source.link);
                }
                source.link = l;
                if (kind == Linkage.Kind.OUTBOX_PASSTHROUGH) {
                    l.toOutbox.passthroughSources++;
                }
            }
        } finally {
            LINKING.unlock();
        }
        from.linkageAdded(l);
        return l;
    }

    /** Links {@code from}'s outbox {@code fromBox} to a shared inbox. */
    static Linkage link(Component from, String fromBox, SharedInbox to, Delivery delivery) {
        Outbox source = from.outbox(fromBox, "link from");
        Linkage l = new Linkage(from, fromBox, to, delivery);
        LINKING.lock();
        try {
            if (source.link != null) {
                throw oneToMany(from, fromBox, source.link);
            }
            source.link = l;
        } finally {
            LINKING.unlock();
        }
        from.linkageAdded(l);
        return l;
    }

    /** Moves what waits in {@code source} to where the new pass-through leads, ahead of anything sent later. */
    private static void moveWaiting(Inbox source, Linkage l) {
        Inbox dest = l.toInbox;
        while (dest.onward != null) {
            dest = dest.onward.toInbox;
        }
        dest.owner.lock.lock();
        try {
            source.owner.lock.lock();
            try {
                if (source.shared != null) { // checked under the lock that attach holds
                    throw new IllegalStateException("inbox '" + source.owner.path() + "." + source.name
                            + "' takes from shared inbox '" + source.shared.name() + "'; it cannot also be passed "
                            + "through to '" + l.to.path() + "." + l.toBox + "': detach it first");
                }
                List<Object> waiting = source.drain();
                source.onward = l;
                dest.enqueueMoved(waiting);
            } finally {
                source.owner.lock.unlock();
            }
        } finally {
            dest.owner.lock.unlock();
        }
    }

    private static void checkNoCycle(Inbox source, Inbox first) {
        Inbox in = first;
        for (int hops = 0; in != null; hops++) {
            if (in == source || hops > MAX_HOPS) {
                throw new IllegalArgumentException("pass-through from '" + source.owner.path() + "." + source.name
                        + "' would make a cycle of inboxes");
            }
            Linkage next = in.onward;
            in = next == null ? null : next.toInbox;
        }
    }

    private static IllegalStateException oneToMany(Component from, String box, Linkage existing) {
        return new IllegalStateException("box '" + from.path() + "." + box + "' is already linked (" + existing
                + "); one-to-many linkages are refused: use a Backplane or a splitter");
    }

    static void unlink(Linkage l) {
        LINKING.lock();
        try {
            if (!l.isLinked()) {
                return;
            }
            l.markUnlinked();
            if (l.kind == Linkage.Kind.INBOX_PASSTHROUGH) {
                Inbox source = l.from.inbox(l.fromBox, "unlink");
                if (source.onward == l) {
                    source.onward = null;
                }
            } else {
                Outbox source = l.from.outbox(l.fromBox, "unlink");
                if (source.link == l) {
                    source.link = null;
                }
                if (l.kind == Linkage.Kind.OUTBOX_PASSTHROUGH) {
                    l.toOutbox.passthroughSources--;
                }
            }
        } finally {
            LINKING.unlock();
        }
    }
}
