package dev.weft.component;

import java.util.List;

/**
 * Components in a chain (Kamaelia's {@code Pipeline}): each stage's {@code "outbox"} to the next one's {@code "inbox"}
 * and its {@code "signal"} to the next one's {@code "control"}, so that data and shutdown both flow down the chain.
 * The pipeline's own {@code "inbox"} and {@code "control"} pass through to the first stage, the last stage's
 * {@code "outbox"} and {@code "signal"} pass through to the pipeline's. It ends when every stage ended.
 *
 * <pre>{@code
 * Pipeline.of(Components.source(lines), Components.transformer(String.class, String::toUpperCase),
 *         Components.consoleEchoer()).run();
 * }</pre>
 */
public final class Pipeline extends Component {
    private final List<Component> stages;

    private Pipeline(List<Component> stages, boolean circular) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        this.stages = List.copyOf(stages);
        addChildren(stages.toArray(Component[]::new));
        Component first = stages.getFirst();
        Component last = stages.getLast();
        Components.link(this, INBOX, first, INBOX);
        Components.link(this, CONTROL, first, CONTROL);
        for (int i = 0; i + 1 < stages.size(); i++) {
            Components.link(stages.get(i), OUTBOX, stages.get(i + 1), INBOX);
            Components.link(stages.get(i), SIGNAL, stages.get(i + 1), CONTROL);
        }
        if (circular) {
            if (stages.size() < 2) {
                throw new IllegalArgumentException("a circular pipeline needs at least two stages");
            }
            Components.link(last, OUTBOX, first, INBOX);
            Components.link(last, SIGNAL, first, CONTROL);
        } else {
            Components.link(last, OUTBOX, this, OUTBOX);
            Components.link(last, SIGNAL, this, SIGNAL);
        }
    }

    /**
     * A pipeline of {@code stages}, in order.
     *
     * @throws IllegalArgumentException with no stages
     * @throws IllegalStateException if a stage already belongs elsewhere or its boxes are already linked
     */
    public static Pipeline of(Component... stages) {
        return new Pipeline(List.of(stages), false);
    }

    /**
     * A ring of {@code stages}: as {@link #of}, and the last stage's {@code "outbox"} and {@code "signal"} go back to
     * the first stage's {@code "inbox"} and {@code "control"}. Data cycles until a stage stops it; a {@link Shutdown}
     * on the pipeline's {@code "control"} goes round once and ends every stage. The pipeline signals
     * {@link ProducerFinished} when they all ended.
     */
    public static Pipeline circular(Component... stages) {
        return new Pipeline(List.of(stages), true);
    }

    /** The stages, in order. */
    public List<Component> stages() {
        return stages;
    }

    @Override
    protected void main() throws InterruptedException {
        while (awaitChildrenOrControl().isPresent()) {
            // the pipeline's control passes through to the first stage; nothing lands here
        }
    }
}
