package dev.weft.cluster;

/**
 * Work was running on a cluster member that was lost (unreachable, removed, or its process killed) and is not run
 * again: it was not declared idempotent (so it may have run, and must not run twice), or its attempts were used up,
 * or no other worker offered it. The message names the work (operation, instance and context, or tube node and
 * epoch) and the member; with strict data flow runs it reaches the caller as the cause of the operation's failure.
 */
public final class MemberLostException extends ClusterException {
    private final String what;
    private final String member;
    private final int attempts;

    MemberLostException(String what, String member, String why, int attempts) {
        super(what + ": lost with cluster member " + member + " (" + why + ")");
        this.what = what;
        this.member = member;
        this.attempts = attempts;
    }

    private MemberLostException(MemberLostException settled) {
        super(settled.getMessage(), settled);
        this.what = settled.what;
        this.member = settled.member;
        this.attempts = settled.attempts;
    }

    /** The same failure thrown on the caller's thread, with the one recorded when it was settled as cause. */
    MemberLostException copy() {
        return new MemberLostException(this);
    }

    /** What was lost: the operation, instance and context, or the tube node and epoch. */
    public String what() {
        return what;
    }

    /** The member's address, such as {@code pekko://weft@127.0.0.1:25521}. */
    public String member() {
        return member;
    }

    /** How many times it was sent before it was given up. */
    public int attempts() {
        return attempts;
    }
}
