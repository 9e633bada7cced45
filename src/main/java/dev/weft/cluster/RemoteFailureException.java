package dev.weft.cluster;

/**
 * Work failed on the worker that ran it: the worker's exception, by class name and message, with its stack trace
 * as text ({@link #remoteTrace()}). The remote exception's class is never loaded on this side: only its name
 * crosses the wire. The message names the work and the member.
 */
public final class RemoteFailureException extends ClusterException {
    private final String what;
    private final String member;
    private final String remoteType;
    private final String remoteMessage;
    private final String remoteTrace;

    RemoteFailureException(String what, String member, String remoteType, String remoteMessage, String remoteTrace) {
        super(what + " failed on cluster member " + member + ": " + remoteType
                + (remoteMessage == null ? "" : ": " + remoteMessage));
        this.what = what;
        this.member = member;
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteTrace = remoteTrace;
    }

    private RemoteFailureException(RemoteFailureException settled) {
        super(settled.getMessage(), settled);
        this.what = settled.what;
        this.member = settled.member;
        this.remoteType = settled.remoteType;
        this.remoteMessage = settled.remoteMessage;
        this.remoteTrace = settled.remoteTrace;
    }

    /** The same failure thrown on the caller's thread, with the one recorded when it was settled as cause. */
    RemoteFailureException copy() {
        return new RemoteFailureException(this);
    }

    /** What failed: the operation, instance and context, or the tube node and epoch. */
    public String what() {
        return what;
    }

    /** The member it ran on. */
    public String member() {
        return member;
    }

    /** The class name of the worker's exception. */
    public String remoteType() {
        return remoteType;
    }

    /** The worker's exception message, or {@code null}. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The worker's stack trace, as text. */
    public String remoteTrace() {
        return remoteTrace;
    }
}
