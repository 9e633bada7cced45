package dev.weft.cluster;

/** TEMPORARY STUB. */
public class WireException extends ClusterException {
    /** stub */
    public WireException(String m) {
        super(m);
    }
}
