package dev.weft.demo.examples;

import dev.weft.component.Actor;
import dev.weft.component.ActorOptions;
import dev.weft.component.Component;
import dev.weft.component.ComponentFailedException;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Supervision;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * An actor with supervision (seed 000's actor pattern): a bank account whose balance is the actor's private state,
 * rebuilt by its factory from a journal of the deposits it accepted. Tellers on virtual threads deposit at once, each
 * parsing its slip on its own thread ({@code tell(Account::deposit, parse(slip))}: the argument is evaluated by the
 * caller, not on the actor). A corrupt slip makes the account throw: its supervision ({@code restart(2)} with a
 * back-off) recreates the state from the journal and the mailbox goes on, twice; the third failure is over the limit
 * and escalates to the bank, its parent component, which fails with it.
 *
 * <p>{@code ./weft example actor-supervision}.
 */
public final class ActorSupervision {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "a typed actor: tell, ask, restart from its factory, then escalation";

    private ActorSupervision() {
    }

    /** The actor's state: touched only on the actor's thread. */
    static final class Account {
        private final List<Long> journal;
        private long balance;

        /** Rebuilt from the journal: what a restart recreates. */
        Account(List<Long> journal) {
            this.journal = journal;
            for (long d : journal) {
                balance += d;
            }
        }

        void deposit(long amount) {
            if (amount < 0) {
                throw new IllegalArgumentException("corrupt slip: negative deposit " + amount);
            }
            balance += amount;
            journal.add(amount); // durable in a real bank
        }

        long balance() {
            return balance;
        }
    }

    /** The owner: holds the account as its child, and ends when told to (or fails when the account escalates). */
    static final class Bank extends Component {
        final Actor<Account> account;
        final CountDownLatch open = new CountDownLatch(1);

        Bank(Actor<Account> account) {
            super("bank");
            this.account = account;
        }

        @Override
        protected void main() throws InterruptedException {
            addChildren(account);
            open.countDown();
            receive(); // until stopped, or until the account's escalation stops it with its failure
        }
    }

    /** Runs the example. */
    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out) throws InterruptedException {
        List<Long> journal = new CopyOnWriteArrayList<>();
        int[] made = {0};
        Actor<Account> account = Actor.of(() -> {
            made[0]++; // on the actor's thread only
            return new Account(journal);
        }, ActorOptions.defaults().withName("account").withMailboxCapacity(8).withSupervision(
                Supervision.restart(2).withBackoff(Duration.ofMillis(5), Duration.ofMillis(50))));
        Bank bank = new Bank(account);
        Duration timeout = Duration.ofSeconds(2);
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("city"))) {
            system.start(bank);
            bank.open.await();
            List<Thread> tellers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int teller = t;
                tellers.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 1; i <= 25; i++) {
                            account.tell(Account::deposit, parse("slip " + teller + "-" + i + ": 10"));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : tellers) {
                t.join();
            }
            out.println("4 tellers deposited 25 x 10 each: balance " + account.ask(Account::balance, timeout));
            out.println(system.describe());

            for (int failure = 1; failure <= 2; failure++) {
                account.tell(Account::deposit, parse("slip corrupt: -1"));
                long balance = account.ask(Account::balance, timeout); // runs after the restart, on the new state
                out.println("corrupt slip " + failure + ": account restarted (" + account.restarts()
                        + " restart(s)), state rebuilt from the journal: balance " + balance);
            }
            account.tell(Account::deposit, 5L);
            account.tell(Account::deposit, parse("slip corrupt: -1")); // the third failure: over the limit
            try {
                bank.join();
            } catch (ComponentFailedException e) {
                out.println("the bank failed: " + e.getMessage());
            }
        } catch (ComponentFailedException alreadyReported) {
            // close rethrows nothing that join reported
        }
        out.println("account " + account.state() + " after " + account.restarts() + " restarts, " + account.failures()
                + " failures; state made " + made[0] + " times; journal total " + journal.stream()
                .mapToLong(Long::longValue).sum());
    }

    /** Parses a slip: on the caller's thread, before the message is made. */
    static long parse(String slip) {
        return Long.parseLong(slip.substring(slip.indexOf(':') + 1).trim());
    }
}
