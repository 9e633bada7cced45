package dev.weft.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The store's contract, example by example, in both commit modes. */
class StoreTest {
    record Account(String owner, long balance) {
    }

    record Tagged(String name, List<String> tags) {
    }

    static final class Mutable {
        int n;
    }

    static Store store(CommitMode mode) {
        return Store.create(StoreOptions.named("bank").withCommitMode(mode));
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void checkoutChangeCommitAsAxonDoes(CommitMode mode) {
        Store s = store(mode);
        Checkout d = s.checkout("account_one", "account_two", "myaccount");
        assertThat(d.find("myaccount")).isEmpty();
        d.set("account_one", 50L).set("account_two", 100L);
        long v1 = d.commit();
        assertThat(v1).isEqualTo(1);
        assertThat(s.version()).isEqualTo(1);

        Checkout e = s.checkout("account_one", "account_two", "myaccount");
        e.set("myaccount", e.get("account_one", Long.class) + e.get("account_two", Long.class));
        e.set("account_one", 0L).set("account_two", 0L);
        e.commit();
        assertThat(s.get("myaccount")).contains(150L);
        assertThat(s.get("account_one", Long.class)).contains(0L);
        assertThat(s.keys()).containsExactly("account_one", "account_two", "myaccount");
        assertThat(s.commits()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void aCommitOnStaleReadsFailsNamingTheKeysAndWritesNothing(CommitMode mode) {
        Store s = store(mode);
        s.checkout("a", "b", "mine").set("a", 50L).set("b", 100L).set("mine", 0L).commit();
        Checkout d = s.checkout("a", "b", "mine");
        d.set("mine", d.get("a", Long.class) + d.get("b", Long.class));

        Checkout e = s.checkout("a", "mine");                 // Axon's example: E commits first
        e.set("mine", e.get("mine", Long.class) - 100).set("a", 100L);
        e.commit();

        d.set("a", 0L).set("b", 0L);
        assertThatThrownBy(d::commit).isInstanceOfSatisfying(ConcurrentUpdateException.class, x -> {
            assertThat(x.keys()).containsExactly("a", "mine");
            assertThat(x.store()).isEqualTo("bank");
            assertThat(x).hasMessageContaining("store 'bank'").hasMessageContaining("[a, mine]")
                    .hasMessageContaining("snapshot at version 1").hasMessageContaining("nothing was written");
        });
        assertThat(s.get("a")).contains(100L);
        assertThat(s.get("b")).contains(100L);
        assertThat(s.get("mine")).contains(-100L);
        assertThat(s.conflicts()).isEqualTo(1);
        assertThat(d.isSpent()).isTrue();
        assertThatThrownBy(() -> d.set("a", 1L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spent checkout of store 'bank'");
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void aKeyReadLateMustBeAsOfTheSnapshot(CommitMode mode) {
        Store s = store(mode);
        s.checkout().set("x", 1L).set("y", 1L).commit();
        Checkout t = s.checkout("x");
        s.checkout("y").set("y", 2L).commit();
        assertThatThrownBy(() -> t.get("y", Long.class)).isInstanceOfSatisfying(ConcurrentUpdateException.class,
                x -> assertThat(x.keys()).containsExactly("y"));
        assertThat(t.get("x", Long.class)).isEqualTo(1L); // what it had read stays readable
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void readOnlyCheckoutsCommitAtTheirSnapshot(CommitMode mode) {
        Store s = store(mode);
        s.checkout().set("x", 1L).commit();
        Checkout t = s.checkout("x");
        s.checkout("x").set("x", 2L).commit();
        assertThat(t.commit()).isEqualTo(1);           // it changed nothing: its snapshot was consistent
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void blindWritesAreNotChecked(CommitMode mode) {
        Store s = store(mode);
        Checkout t = s.checkout();
        s.checkout().set("x", 1L).commit();
        t.set("x", 5L).commit();
        assertThat(s.get("x")).contains(5L);
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void removeDeletesAndReadsSeeTheirOwnChanges(CommitMode mode) {
        Store s = store(mode);
        s.checkout().set("x", "a").set("y", "b").commit();
        Checkout t = s.checkout("x");
        t.remove("x").set("z", "c");
        assertThat(t.find("x")).isEmpty();
        assertThat(t.get("z", String.class)).isEqualTo("c");
        assertThat(t.changedKeys()).containsExactly("x", "z");
        assertThat(t.readKeys()).containsExactly("x");
        t.commit();
        assertThat(s.keys()).containsExactly("y", "z");
        assertThatThrownBy(() -> s.checkout("x").get("x", String.class)).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("store 'bank' has no key 'x'");
        assertThatThrownBy(() -> s.checkout("y").get("y", Long.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds a java.lang.String (b), not a java.lang.Long");
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void atomicallyRunsAgainOnFreshValues(CommitMode mode) throws Exception {
        Store s = store(mode);
        s.atomically(tx -> tx.set("n", 0L));
        AtomicInteger runs = new AtomicInteger();
        long result = s.atomically(tx -> {
            long n = tx.get("n", Long.class);
            if (runs.incrementAndGet() == 1) {
                s.checkout("n").set("n", 10L).commit();   // another commit gets in between
            }
            tx.set("n", n + 1);
            return n + 1;
        });
        assertThat(runs).hasValue(2);
        assertThat(result).isEqualTo(11L);
        assertThat(s.get("n")).contains(11L);
    }

    @Test
    void atomicallyGivesUpWithTheEarlierFailuresSuppressed() {
        Store s = Store.create(StoreOptions.named("busy"));
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> s.atomically(Retry.attempts(3).withBackoff(Duration.ZERO, Duration.ofNanos(100)),
                tx -> {
                    long n = tx.getOrDefault("n", Long.class, 0L);
                    s.checkout("n").set("n", 100L + runs.incrementAndGet()).commit();
                    return tx.set("n", n + 1);
                })).isInstanceOfSatisfying(ConcurrentUpdateException.class, x -> {
                    assertThat(x).hasMessageStartingWith("gave up after 3 attempts: commit to store 'busy' refused");
                    assertThat(x.getSuppressed()).hasSize(2).allMatch(e -> e instanceof ConcurrentUpdateException);
                    assertThat(x.getStackTrace()).isNotEmpty();
                    assertThat(x.keys()).containsExactly("n");
                });
        assertThat(runs).hasValue(3);
    }

    @Test
    void otherExceptionsEndTheTransactionAtOnceWithNothingCommitted() {
        Store s = Store.create();
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> s.atomically(tx -> {
            runs.incrementAndGet();
            tx.set("x", 1L);
            throw new java.io.IOException("disk gone");
        })).isInstanceOf(java.io.IOException.class);
        assertThat(runs).hasValue(1);
        assertThat(s.get("x")).isEmpty();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"}) // values come back as raw List and Map: the store keeps Objects
    void valuesMustBeImmutable() {
        Store s = Store.create(StoreOptions.named("vals"));
        Checkout t = s.checkout();
        List<String> list = new ArrayList<>(List.of("a", "b"));
        t.set("list", list);
        list.add("c");                                       // the store kept its own copy
        assertThat(t.get("list", List.class)).containsExactly("a", "b");
        assertThatThrownBy(() -> t.get("list", List.class).add("z"))
                .isInstanceOf(UnsupportedOperationException.class);
        List<String> already = List.of("x");
        assertThat(t.set("same", already).get("same", List.class)).isSameAs(already);

        Map<String, List<Integer>> nested = new LinkedHashMap<>();
        nested.put("k2", new ArrayList<>(List.of(2)));
        nested.put("k1", new ArrayList<>(List.of(1)));
        t.set("nested", nested);
        assertThat(t.get("nested", Map.class).keySet()).containsExactly("k2", "k1"); // insertion order kept

        t.set("account", new Account("ann", 10));
        t.set("tagged", new Tagged("t", List.of("x")));
        assertThatThrownBy(() -> t.set("tagged2", new Tagged("t", new ArrayList<>(List.of("x")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'tagged2' in store 'vals' at .tags() is a java.util.ArrayList")
                .hasMessageContaining("List.copyOf");
        assertThatThrownBy(() -> t.set("arr", new int[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is an array (int[])");
        assertThatThrownBy(() -> t.set("m", new Mutable())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a dev.weft.stm.StoreTest$Mutable")
                .hasMessageContaining("StoreOptions.withImmutableTypes");
        assertThatThrownBy(() -> t.set("deep", List.of(Map.of("k", new Mutable()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at [0][k] is a");
        assertThatThrownBy(() -> t.set("null", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use remove");

        Store trusting = Store.create(StoreOptions.named("t").withImmutableTypes(Mutable.class));
        Mutable m = new Mutable();
        assertThat(trusting.checkout().set("m", m).get("m", Mutable.class)).isSameAs(m);
    }

    @Test
    void optionsAndRetryRefuseNonsense() {
        assertThatThrownBy(() -> StoreOptions.named(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Retry.attempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts >= 1");
        assertThatThrownBy(() -> Retry.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Retry.defaults().maxAttempts()).isEqualTo(100);
        assertThat(Store.create().toString()).isEqualTo("Store[store @0, CAS, 0 keys]");
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void manyKeysInOneCheckout(CommitMode mode) {
        Store s = store(mode);
        List<String> keys = new ArrayList<>();
        Checkout init = s.checkout();
        for (int i = 0; i < 40; i++) {
            keys.add("k" + i);
            init.set("k" + i, (long) i);
        }
        init.set("k3", 300L);                              // a second change of one key replaces the first
        init.commit();
        Checkout t = s.checkout(keys);
        long sum = 0;
        for (String k : keys) {
            sum += t.get(k, Long.class);
            t.update(k, Long.class, v -> v + 1);
        }
        assertThat(t.readKeys()).hasSize(40);
        assertThat(t.changedKeys()).hasSize(40);
        t.commit();
        assertThat(sum).isEqualTo(39 * 40 / 2 - 3 + 300);
        assertThat(s.checkout(keys).get("k39", Long.class)).isEqualTo(40L);
        assertThat(s.snapshot("k3", "k0")).containsExactly(Map.entry("k3", 301L), Map.entry("k0", 1L));
    }
}
