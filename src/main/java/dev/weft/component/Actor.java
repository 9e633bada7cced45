package dev.weft.component;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A typed actor: private state of type {@code S}, made by a factory on the actor's own thread and touched only there,
 * one message at a time; {@link #tell} changes it without waiting, {@link #ask} queries (or changes) it and waits for
 * the answer. An actor is a {@link Component}: start it in a {@link ComponentSystem} or add it as a child of a
 * component, and it shows in the live view ({@link ComponentSystem#describe()}, its mailbox as the inbox
 * {@value #MAILBOX}), ends with its owner, and its failure is never lost.
 *
 * <pre>{@code
 * Actor<Account> account = Actor.of(Account::new, ActorOptions.defaults().withName("account")
 *         .withSupervision(Supervision.restart(3)));
 * system.start(account);
 * account.tell(Account::deposit, amountFrom(form));            // amountFrom(form) runs here, on the caller
 * long balance = account.ask(Account::balance, Duration.ofSeconds(1));
 * }</pre>
 *
 * <p><b>Where arguments are evaluated.</b> Jox's {@code ActorRef.tell(a -> a.f(expensive()))} runs
 * {@code expensive()} on the actor's thread, since it is inside the lambda the actor runs: the actor is busy (and
 * every other caller waits) while the caller's work is done. The same holds here for {@link #tell(Consumer)} and
 * {@link #ask(Function, Duration)}. The two-argument forms {@link #tell(BiConsumer, Object)} and
 * {@link #ask(BiFunction, Object, Duration)} take a method of the state and its argument: Java evaluates the argument
 * at the call site, on the caller's thread, before the message is made, so {@code tell(Account::deposit,
 * expensive())} keeps the actor's thread for the deposit alone. Prefer them whenever the argument costs anything.
 *
 * <p><b>Mailbox.</b> Bounded ({@link ActorOptions#withMailboxCapacity}): a tell or ask from another thread waits for
 * room when it is full (backpressure; an ask's timeout covers that wait). A tell from the actor's own thread (a
 * message it sends itself while handling one) never waits, so it cannot deadlock on its own full mailbox: it goes to
 * an unbounded queue of the actor's own, served before the next mailbox message (so an actor that keeps telling
 * itself is still stopped by a {@link Shutdown}, checked between such messages). An ask from the actor's own thread
 * would wait for itself: it throws {@link IllegalStateException} at once.
 *
 * <p><b>Failures.</b> An exception thrown by an ask's function fails that ask (the asker gets an
 * {@link AskException} with it as cause) and the actor goes on, as Jox's does. A tell that throws (or an ask that
 * throws an {@link Error}), or a message in the mailbox that no tell or ask put there, goes to the
 * {@link Supervision} policy: escalate (fail the actor and its owner) or restart (drop the message, back off,
 * recreate the state from the factory, go on with the mailbox). Don't let an ask return the state itself, or
 * anything sharing its mutable parts: the state would then be touched from other threads.
 *
 * <p><b>Ending.</b> A {@link Shutdown} on {@value #CONTROL} ends the actor after the message in hand ({@link #stop()});
 * {@link ProducerFinished} ends it once the mailbox is drained. Asks still queued then fail at once ("ended without
 * replying"); tells still queued are dropped. A tell to an ended actor is dropped and counted at its mailbox.
 *
 * <p>Thread safe: any thread may tell and ask.
 *
 * @param <S> the state's type
 */
public final class Actor<S> extends Component {
    /** The inbox that holds the actor's messages. */
    public static final String MAILBOX = "mailbox";

    private final Supplier<? extends S> factory;
    private final Supervision supervision;
    /** Tells from the actor's own thread, served before the mailbox: only that thread touches it. */
    private final ArrayDeque<Object> own = new ArrayDeque<>();
    // Written by the actor's thread only; volatile for views.
    private volatile int restarts;
    private volatile long processed;
    private volatile long failures;

    /** A tell's message: the action, with its arguments already evaluated by the caller when there are any. */
    private record Tell<S>(Consumer<? super S> action) {
    }

    /** An ask's question: the function of the state whose result is the reply. */
    private record Call<S>(Function<? super S, ?> query) {
        @Override
        public String toString() {
            return "ask";
        }
    }

    // addInbox only records the mailbox in this component's own map; nothing reads through `this` yet.
    @SuppressWarnings("this-escape")
    private Actor(Supplier<? extends S> factory, ActorOptions options) {
        super(options.name());
        this.factory = Objects.requireNonNull(factory, "factory");
        this.supervision = options.supervision();
        addInbox(MAILBOX, options.mailboxCapacity());
    }

    /** An actor whose state {@code factory} makes, with the default options (escalate on failure). */
    public static <S> Actor<S> of(Supplier<? extends S> factory) {
        return new Actor<>(factory, ActorOptions.defaults());
    }

    /** An actor whose state {@code factory} makes (again on each restart), with {@code options}. */
    public static <S> Actor<S> of(Supplier<? extends S> factory, ActorOptions options) {
        return new Actor<>(factory, Objects.requireNonNull(options, "options"));
    }

    // ---- tell and ask ----

    /**
     * Runs {@code action} on the state, on the actor's thread, without waiting for it. Everything inside the lambda,
     * arguments included, runs there: prefer {@link #tell(BiConsumer, Object)} when an argument costs anything.
     *
     * @return true if queued, false if the actor had ended (dropped, counted at its mailbox)
     */
    public boolean tell(Consumer<? super S> action) throws InterruptedException {
        return post(new Tell<S>(Objects.requireNonNull(action, "action")));
    }

    /**
     * Runs {@code method} on the state with {@code argument}, on the actor's thread, without waiting for it; the
     * argument was evaluated by the caller: {@code tell(Ledger::add, parse(line))} parses on the caller's thread.
     *
     * @return true if queued, false if the actor had ended (dropped, counted at its mailbox)
     */
    public <A> boolean tell(BiConsumer<? super S, ? super A> method, A argument) throws InterruptedException {
        Objects.requireNonNull(method, "method");
        return post(new Tell<S>(s -> method.accept(s, argument)));
    }

    private boolean post(Tell<S> tell) throws InterruptedException {
        if (onOwnThread()) {
            own.add(tell);
            return true;
        }
        return deliver(tell, MAILBOX);
    }

    /**
     * Applies {@code query} to the state on the actor's thread and returns its result, waiting up to
     * {@code timeout} (room in the mailbox included). Everything inside the lambda runs on the actor's thread: prefer
     * {@link #ask(BiFunction, Object, Duration)} when an argument costs anything. If the asker gives up (timeout,
     * interruption) before the actor reached the ask, the actor skips it.
     *
     * @throws AskTimeoutException if no answer came in time
     * @throws AskException if {@code query} threw (the cause), or the actor ended first
     * @throws IllegalStateException if called from the actor's own thread
     */
    public <R> R ask(Function<? super S, ? extends R> query, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(query, "query");
        Object reply = Asks.ask(this, MAILBOX, Request.ACTOR, new Call<S>(query), Object.class, timeout);
        @SuppressWarnings("unchecked") // the reply is what query returned for this very request: an R
        R r = (R) reply;
        return r;
    }

    /**
     * Applies {@code method} to the state with {@code argument} (evaluated by the caller) on the actor's thread and
     * returns its result; see {@link #ask(Function, Duration)}.
     */
    public <A, R> R ask(BiFunction<? super S, ? super A, ? extends R> method, A argument, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(method, "method");
        return ask((S s) -> method.apply(s, argument), timeout);
    }

    // ---- the actor's thread ----

    @Override
    protected void main() throws Exception {
        S state = create();
        while (true) {
            Object m = next();
            try {
                handle(state, m);
                processed = processed + 1;
            } catch (RuntimeException | Error e) {
                state = supervise(e);
            }
        }
    }

    private S create() {
        return Objects.requireNonNull(factory.get(), () -> "the state factory of actor '" + path()
                + "' returned null");
    }

    /** The next message: the actor's own tells first (checking for a Shutdown between them), then the mailbox. */
    private Object next() throws InterruptedException {
        if (own.isEmpty()) {
            return receive(MAILBOX); // ends with ShutdownSignal: the component then ends normally
        }
        Inbox control = inbox(CONTROL, "check");
        lock.lock();
        try {
            if (control.peek() instanceof Shutdown s) {
                control.take();
                throw new ShutdownSignal(path(), s);
            }
        } finally {
            lock.unlock();
        }
        return own.poll();
    }

    // Only tell and ask put messages in the mailbox (or the own queue), and both wrap functions of S.
    @SuppressWarnings("unchecked")
    private void handle(S state, Object m) {
        if (m instanceof Tell<?> t) {
            ((Tell<S>) t).action().accept(state);
        } else if (m instanceof Request r) {
            if (r.question() instanceof Call<?> c) {
                Function<? super S, ?> query = ((Call<S>) c).query();
                r.answer(q -> query.apply(state)); // an exception fails the ask; an Error also reaches supervision
            } else {
                r.fail(new IllegalArgumentException("actor '" + path() + "' answers only its own ask(...), not "
                        + r.question()));
            }
        } else {
            throw new IllegalArgumentException("actor '" + path() + "' found " + m + " in its mailbox; only its tell"
                    + "(...) and ask(...) put messages there");
        }
    }

    /** A message failed: restart (returning the new state) or escalate (throwing), as the policy says. */
    private S supervise(Throwable failure) throws Exception {
        failures = failures + 1;
        if (Thread.currentThread().isInterrupted() || failure instanceof ComponentInterruptedException) {
            InterruptedException cancelled = new InterruptedException("actor '" + path() + "' was cancelled");
            cancelled.addSuppressed(failure);
            throw cancelled; // being cancelled from above: no restart
        }
        if (!supervision.restarts()) {
            throw escalate(failure);
        }
        if (restarts >= supervision.maxRestarts()) {
            throw escalate(new RestartLimitException(path(), restarts, failure));
        }
        int n = restarts + 1;
        Duration backoff = supervision.backoffBefore(n);
        if (!backoff.isZero()) {
            Thread.sleep(backoff); // parks the virtual thread; a Shutdown is seen once it ends
        }
        restarts = n;
        try {
            return create();
        } catch (RuntimeException | Error e) {
            e.addSuppressed(failure);
            throw escalate(e); // no state to go on with
        }
    }

    /**
     * Fails the owner: a parent is stopped at once with the failure (it ends failed with it when this actor has
     * ended); a system's scope fails by itself when this component fails. Returns what to throw.
     */
    private Exception escalate(Throwable failure) throws InterruptedException {
        Component p = parent();
        if (p != null) {
            p.deliver(new Shutdown(failure), CONTROL); // control messages never wait for room
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return (Exception) failure;
    }

    // ---- views ----

    /** How many times the state was recreated after a failure. */
    public int restarts() {
        return restarts;
    }

    /** Messages handled without failing the actor (an ask whose function threw counts: the asker got it). */
    public long processed() {
        return processed;
    }

    /** Messages that failed the actor (then restarted or escalated). */
    public long failures() {
        return failures;
    }

    /** The supervision policy. */
    public Supervision supervision() {
        return supervision;
    }

    /** {@code "Actor[path, state, 2 restart(s)]"}. */
    @Override
    public String toString() {
        return "Actor[" + path() + ", " + state() + ", " + restarts + " restart(s)]";
    }
}
