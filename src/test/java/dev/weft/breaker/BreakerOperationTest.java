package dev.weft.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationException;
import dev.weft.flow.OperationImplementation;
import dev.weft.flow.OperationRegistry;
import dev.weft.flow.Outputs;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A data flow operation through a breaker: failures count, an open breaker fails the run naming both. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BreakerOperationTest {
    static final Definition<Integer> AMOUNT = Definition.of("amount", "int");
    static final Definition<String> RECEIPT = Definition.of("receipt", "str");
    static final Operation CHARGE = Operation.builder("charge").input("amount", AMOUNT).output("receipt", RECEIPT)
            .build();

    static DataFlow flow(OperationImplementation charge) {
        return DataFlow.builder().operation(CHARGE, charge).operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of(RECEIPT.name()), Outputs.GET_SINGLE_SPEC)).build();
    }

    /** Charges, or fails for a negative amount. */
    static OperationImplementation charge(AtomicInteger calls) {
        return (ctx, in) -> {
            calls.incrementAndGet();
            int amount = (Integer) in.get("amount");
            if (amount < 0) {
                throw new IOException("payment service refused " + amount);
            }
            return Map.of("receipt", "paid " + amount);
        };
    }

    @Test
    void failuresOpenTheBreakerWhichThenFailsTheOperationNamingItAndTheBreaker() {
        CircuitBreaker cb = CircuitBreaker.of("payments", CircuitBreakerConfig.custom().slidingWindowSize(2)
                .minimumNumberOfCalls(2).failureRateThreshold(50).build());
        AtomicInteger calls = new AtomicInteger();
        DataFlow flow = flow(Breakers.operation(cb, charge(calls)));

        assertThat(Weft.run(flow, Input.of(5, AMOUNT))).containsEntry("receipt", "paid 5");
        assertThatThrownBy(() -> Weft.run(flow, Input.of(-1, AMOUNT))).isInstanceOf(OperationException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThat(cb.getState()).as("1 of 2 failed: 50%").isEqualTo(State.OPEN);

        assertThatThrownBy(() -> Weft.run(flow, Input.of(7, AMOUNT))).isInstanceOf(OperationException.class)
                .satisfies(e -> assertThat(((OperationException) e).instance()).isEqualTo("charge"))
                .cause().isInstanceOf(BreakerOpenException.class)
                .hasMessageStartingWith("operation instance 'charge' (operation 'charge', context 'run') not run:"
                        + " circuit breaker 'payments' is OPEN")
                .hasCauseInstanceOf(CallNotPermittedException.class);
        assertThat(calls).as("the open breaker kept the implementation from running").hasValue(2);
    }

    @Test
    void aRegistryEntryCanBeGuarded() throws Exception {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("payments");
        cb.transitionToForcedOpenState();
        AtomicInteger calls = new AtomicInteger();
        OperationRegistry.Entry guarded = Breakers.operation(cb, OperationRegistry.Entry.of(CHARGE, charge(calls)));
        assertThat(guarded.name()).isEqualTo("charge");
        assertThat(guarded.operation()).isSameAs(CHARGE);
        OperationRegistry registry = OperationRegistry.empty().register(guarded.operation(), guarded.implementation());
        assertThatThrownBy(() -> Weft.run(flow(registry.find("charge").orElseThrow().implementation()),
                Input.of(1, AMOUNT))).cause().isInstanceOf(BreakerOpenException.class)
                .hasMessageContaining("circuit breaker 'payments' is FORCED_OPEN");
        assertThat(calls).hasValue(0);
        cb.transitionToClosedState();
        assertThat(Weft.run(flow(guarded.implementation()), Input.of(3, AMOUNT))).containsEntry("receipt", "paid 3");
    }
}
