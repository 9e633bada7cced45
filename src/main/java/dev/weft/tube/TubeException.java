package dev.weft.tube;

/**
 * A tube specification that cannot be built or read: names the tube, and where it applies the node (or input,
 * asset) and the field, for example {@code tube 'basic': node 'b' field 'depends': no node 'x'}.
 */
public final class TubeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String tubeId;
    private final String nodeId;
    private final String field;

    TubeException(String tubeId, String nodeId, String field, String problem) {
        this(tubeId, nodeId, field, problem, null);
    }

    TubeException(String tubeId, String nodeId, String field, String problem, Throwable cause) {
        super("tube '" + tubeId + "'" + (nodeId != null ? ": " + nodeId : "")
                + (field != null ? " field '" + field + "'" : "") + ": " + problem, cause);
        this.tubeId = tubeId;
        this.nodeId = nodeId;
        this.field = field;
    }

    /** The tube's id. */
    public String tubeId() {
        return tubeId;
    }

    /** What the problem is in ({@code node 'b'}, {@code input 'x'}, {@code asset 'db'}), or {@code null}. */
    public String where() {
        return nodeId;
    }

    /** The field ({@code depends}, {@code type}, …), or {@code null}. */
    public String field() {
        return field;
    }
}
