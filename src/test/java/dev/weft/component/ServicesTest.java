package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ServicesTest {

    /** Collects what reaches its inbox until told to stop. */
    static final class Printer extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();

        Printer(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                got.add(m);
            }
        }
    }

    /** Looks "printer" up by name in its system's services, links to it, sends its lines. */
    static final class Greeter extends Component {
        private final List<String> lines;

        Greeter(String name, List<String> lines) {
            super(name);
            this.lines = lines;
        }

        @Override
        protected void main() throws InterruptedException {
            services().retrieve("printer").linkFrom(this, OUTBOX);
            for (String l : lines) {
                send(name() + ": " + l);
            }
        }
    }

    static Printer idle(String name) {
        return new Printer(name);
    }

    @Test
    void registerRetrieveAndDeregister() {
        Services s = new Services("sys");
        Printer p = idle("p");
        s.register("printer", p, Component.INBOX);
        Service got = s.retrieve("printer");
        assertThat(got.component()).isSameAs(p);
        assertThat(got.inbox()).isEqualTo("inbox");
        assertThat(got.name()).isEqualTo("printer");
        assertThat(s.find("printer")).contains(got);
        assertThat(s.serviceNames()).containsExactly("printer");

        assertThat(s.deregister("printer")).isEqualTo(got);
        assertThat(s.find("printer")).isEmpty();
        Printer q = idle("q");
        s.register("printer", q, Component.CONTROL); // the name is free again
        assertThat(s.retrieve("printer").component()).isSameAs(q);
    }

    @Test
    void duplicateRegisterThrowsNamingTheServiceAndItsHolder() {
        Services s = new Services("sys");
        s.register("printer", idle("first"), Component.INBOX);
        assertThatThrownBy(() -> s.register("printer", idle("second"), Component.INBOX))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("service 'printer' is already registered in system 'sys'")
                .hasMessageContaining("'first.inbox'")
                .satisfies(e -> assertThat(((ServiceException) e).name()).isEqualTo("printer"));
        assertThat(s.retrieve("printer").component().name()).isEqualTo("first");
    }

    @Test
    void missingNamesThrowClearlyOrGiveEmpty() {
        Services s = new Services("sys");
        s.register("a", idle("a"), Component.INBOX);
        assertThatThrownBy(() -> s.retrieve("nope")).isInstanceOf(ServiceException.class)
                .hasMessage("no service named 'nope' in system 'sys'; registered: [a]");
        assertThatThrownBy(() -> s.deregister("nope")).isInstanceOf(ServiceException.class)
                .hasMessageContaining("cannot deregister service 'nope'").hasMessageContaining("not registered");
        assertThat(s.find("nope")).isEmpty();
        assertThatThrownBy(() -> s.retrieveValue("hits")).isInstanceOf(ServiceException.class)
                .hasMessageContaining("cannot retrieve value 'hits' in system 'sys': it is not tracked");
        assertThat(s.findValue("hits")).isEmpty();
    }

    @Test
    void registeringAnInboxTheComponentLacksIsRefused() {
        Services s = new Services("sys");
        assertThatThrownBy(() -> s.register("x", idle("p"), "nosuch")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no inbox 'nosuch'").hasMessageContaining("[inbox, control]");
        assertThatThrownBy(() -> s.register(" ", idle("p"), "inbox")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deregisterByHolderLeavesAnotherHoldersService() {
        Services s = new Services("sys");
        Printer a = idle("a");
        Printer b = idle("b");
        s.register("svc", a, Component.INBOX);
        assertThat(s.deregister("svc", b)).isFalse();
        assertThat(s.retrieve("svc").component()).isSameAs(a);
        assertThat(s.deregister("svc", a)).isTrue();
        assertThat(s.deregister("svc", a)).isFalse();
    }

    @Test
    void trackUpdateAndRetrieveValues() {
        Services s = new Services("sys");
        s.track("hits", 0);
        assertThat(s.retrieveValue("hits")).isEqualTo(0);
        assertThat(s.update("hits", 5)).isEqualTo(0);
        assertThat(s.retrieveValue("hits", Integer.class)).isEqualTo(5);
        assertThat(s.trackedNames()).containsExactly("hits");
        assertThatThrownBy(() -> s.track("hits", 1)).isInstanceOf(ServiceException.class)
                .hasMessageContaining("value 'hits' is already tracked").hasMessageContaining("currently 5");
        assertThatThrownBy(() -> s.update("misses", 1)).isInstanceOf(ServiceException.class)
                .hasMessageContaining("cannot update value 'misses'").hasMessageContaining("tracked: [hits]");
        assertThatThrownBy(() -> s.retrieveValue("hits", String.class)).isInstanceOf(ServiceException.class)
                .hasMessageContaining("is a java.lang.Integer (5), not a java.lang.String");
    }

    @Test
    void concurrentRegistrationsOfOneNameHaveExactlyOneWinner() throws Exception {
        Services s = new Services("sys");
        int n = 16;
        List<Printer> contenders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            contenders.add(idle("c" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (Printer c : contenders) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    s.register("one", c, Component.INBOX);
                    won.incrementAndGet();
                } catch (ServiceException e) {
                    lost.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(won).hasValue(1);
        assertThat(lost).hasValue(n - 1);
    }

    @Test
    void eachSystemHasItsOwnRegistry() {
        try (var one = Components.open(Components.Options.defaults().withName("one"));
                var two = Components.open(Components.Options.defaults().withName("two"))) {
            one.services().register("printer", idle("p1"), Component.INBOX);
            two.services().register("printer", idle("p2"), Component.INBOX); // no clash: another registry
            assertThat(one.services().retrieve("printer").component().name()).isEqualTo("p1");
            assertThat(two.services().retrieve("printer").component().name()).isEqualTo("p2");
            assertThat(one.services()).isNotSameAs(two.services());
        }
    }

    @Test
    void componentsLookServicesUpByNameAndLinkToThem() throws Exception {
        Printer printer = new Printer("printer");
        Greeter alice = new Greeter("alice", List.of("hello", "bye"));
        Greeter bob = new Greeter("bob", List.of("hi"));
        try (var system = Components.open()) {
            system.services().register("printer", printer, Component.INBOX);
            system.start(printer).start(alice).start(bob);
            alice.join();
            bob.join();
            printer.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(printer.got).containsExactlyInAnyOrder("alice: hello", "alice: bye", "bob: hi");
        assertThat(printer.got.indexOf("alice: hello")).isLessThan(printer.got.indexOf("alice: bye"));
    }

    @Test
    void servicesBeforeStartIsRefused() {
        Printer p = idle("early");
        assertThatThrownBy(p::services).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'early' has no services before it starts");
    }

    @Test
    void awaitFromAPlainThreadWaitsForTheRegistrationOrTimesOut() throws Exception {
        Services s = new Services("sys");
        AtomicReference<Service> found = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                found.set(s.await("late", Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Printer p = idle("p");
        s.register("late", p, Component.INBOX);
        waiter.join();
        assertThat(found.get().component()).isSameAs(p);
        assertThatThrownBy(() -> s.await("never", Duration.ofMillis(20))).isInstanceOf(ServiceException.class)
                .hasMessageContaining("no service named 'never' was registered in system 'sys' within PT0.02S");
    }

    @Test
    void aComponentWaitingForAServiceStopsOnShutdown() throws Exception {
        SubscribeTo waiting = new SubscribeTo("nobody", 4, Duration.ofMinutes(5));
        try (var system = Components.open()) {
            system.start(waiting);
            while (waiting.waitingOn().isEmpty()) {
                Thread.yield();
            }
            assertThat(waiting.waitingOn()).contains("service 'Backplane_nobody'");
            waiting.stop();
            system.join();
        }
        assertThat(waiting.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(waiting.awaitSubscribed(Duration.ZERO)).isFalse();
    }

    @Test
    void aLookupThatTimesOutFailsTheComponentNamingTheService() {
        PublishTo lost = new PublishTo("nowhere", Duration.ofMillis(20));
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                system.start(lost);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasRootCauseInstanceOf(ServiceException.class)
                .rootCause().hasMessageContaining("no service named 'Backplane_nowhere' was registered in system 'sys'");
    }

    @Test
    void aRegistrationThatLosesTheRaceForANameFailsItsCommitAndSaysWhoWon() {
        Printer winner = idle("winner");
        Printer loser = idle("loser");
        AtomicReference<Services> registry = new AtomicReference<>();
        AtomicInteger races = new AtomicInteger();
        // Just before the loser commits, the winner registers the same name: the loser's commit is refused.
        registry.set(new Services("sys", () -> {
            if (races.getAndIncrement() == 0) {
                registry.get().register("printer", winner, Component.INBOX);
            }
        }));
        Services s = registry.get();
        assertThatThrownBy(() -> s.register("printer", loser, Component.INBOX))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("service 'printer' is already registered in system 'sys' by 'winner.inbox'")
                .hasMessageContaining("while this registration was being committed")
                .hasCauseInstanceOf(dev.weft.stm.ConcurrentUpdateException.class);
        assertThat(s.retrieve("printer").component()).isSameAs(winner);
    }

    @Test
    void manyThreadsRacingForANameLeaveOneWinnerAndEveryLoserNamesIt() throws Exception {
        Services s = new Services("sys");
        int n = 32;
        List<Printer> printers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            printers.add(idle("p" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Printer p : printers) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    s.register("printer", p, Component.INBOX);
                } catch (Throwable t) {
                    refused.add(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        String winner = s.retrieve("printer").component().path();
        assertThat(refused).hasSize(n - 1).allSatisfy(t -> assertThat(t).isInstanceOf(ServiceException.class)
                .hasMessageContaining("by '" + winner + ".inbox'"));
    }

    @Test
    void trackedValuesCountAtomicallyAndMustBeImmutable() throws Exception {
        Services s = new Services("sys");
        s.track("hits", 0L);
        int threads = 16;
        int each = 200;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofVirtual().start(() -> {
                for (int k = 0; k < each; k++) {
                    s.update("hits", Long.class, h -> h + 1);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(s.retrieveValue("hits", Long.class)).isEqualTo((long) threads * each);
        assertThatThrownBy(() -> s.update("hits", String.class, x -> x)).isInstanceOf(ServiceException.class)
                .hasMessageContaining("not a java.lang.String");

        List<String> names = new ArrayList<>(List.of("a"));
        s.track("names", names);
        names.add("b");                                  // the registry kept its own copy
        assertThat((Object) s.retrieveValue("names", List.class)).isEqualTo(List.of("a"));
        assertThatThrownBy(() -> s.track("buffer", new StringBuilder("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value for key 'value:buffer'")
                .hasMessageContaining("java.lang.StringBuilder");
    }
}
