package dev.weft.event;

/**
 * The four states of an {@link Event}, as in caffe2.
 *
 * <pre>
 *   INITIALIZED --record()--------------&gt; SCHEDULED --setFinished()--------&gt; SUCCESS
 *        |                                    \--setFinished(error)---&gt; FAILED
 *        |--record(error)-------------------------------------------&gt; FAILED
 *        \--setFinished() / setFinished(error) (work that needed no record) --&gt; SUCCESS / FAILED
 * </pre>
 *
 * SUCCESS and FAILED are terminal: only {@link Event#reset()} leaves them, back to INITIALIZED.
 */
public enum EventStatus {
    /** Created or reset; no work recorded yet. */
    INITIALIZED,
    /** Work was recorded and has not finished. */
    SCHEDULED,
    /** The work finished without error. Terminal. */
    SUCCESS,
    /** The work finished with an error message (and perhaps an exception). Terminal. */
    FAILED;

    /** Whether this is SUCCESS or FAILED. */
    public boolean isTerminal() {
        return this == SUCCESS || this == FAILED;
    }
}
