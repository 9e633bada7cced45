package dev.weft.bench.cluster;

/**
 * One delivery mechanism measured between two Pekko actor systems in one JVM over Artery TCP on loopback.
 *
 * @param variant  which mechanism ({@link DeliveryBench.Variant})
 * @param window   messages outstanding at most (the direct window, or the consumer controller's flow-control window)
 * @param messages messages per round
 * @param warmup   untimed rounds
 * @param timings  the timed rounds
 */
public record DeliveryRow(DeliveryBench.Variant variant, int window, int messages, int warmup, Timings timings) {
    /** Messages per second at the median round. */
    public double perSecond() {
        return timings.perSecond(messages);
    }

    /** Messages per second at the fastest round. */
    public double bestPerSecond() {
        return timings.bestPerSecond(messages);
    }
}
