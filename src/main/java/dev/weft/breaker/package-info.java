/**
 * Circuit breakers for components, data flow operations and retries, through Resilience4j's
 * {@link io.github.resilience4j.circuitbreaker.CircuitBreaker} (its state machine, sliding windows, clock and events:
 * Weft writes no breaker of its own). An add-on: it imports the core ({@code component}, {@code flow}, the facade),
 * the core never imports it, and Resilience4j is an optional dependency that only users of this package add.
 *
 * <ul>
 *   <li>{@link dev.weft.breaker.Breakers#transformer} makes a {@link dev.weft.breaker.BreakerTransformer}: a
 *       transformer whose handler runs through a breaker; while the breaker is open, a {@link
 *       dev.weft.breaker.WhenOpen} policy says what happens to each message (fail the component, reject it on
 *       {@code "rejected"}, or send a fallback);</li>
 *   <li>{@link dev.weft.breaker.Breakers#operation} decorates a data flow
 *       {@link dev.weft.flow.OperationImplementation}: an open breaker fails the operation with
 *       {@link dev.weft.breaker.BreakerOpenException};</li>
 *   <li>{@link dev.weft.breaker.Breakers#retry} is {@link dev.weft.Weft#retry} with every attempt through the breaker,
 *       stopping at the first attempt the breaker refuses;</li>
 *   <li>{@link dev.weft.breaker.Breakers#status} is the one-line state the live view shows; the meters are
 *       Resilience4j's own, bound by {@code dev.weft.metrics.BreakerMeters}.</li>
 * </ul>
 *
 * <p>Virtual threads: Resilience4j 2.4.0's breaker takes permission with atomics, and guards its sliding windows and
 * event processor with {@code ReentrantLock} (its jars hold no {@code synchronized} method or block), and never blocks
 * while holding them, so a breaker never pins a virtual thread's carrier.
 */
package dev.weft.breaker;
