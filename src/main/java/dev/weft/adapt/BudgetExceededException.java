package dev.weft.adapt;

/**
 * Work that can never fit its run's memory budget: its declared cost alone is more than the budget (or more than the
 * machine has). Thrown at once, before the work runs, instead of queueing it forever or running into an
 * {@link OutOfMemoryError}; the message names the work, its cost and the budget.
 */
public final class BudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message, which names the work, its cost and the budget. */
    public BudgetExceededException(String message) {
        super(message);
    }
}
