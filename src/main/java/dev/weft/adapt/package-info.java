/**
 * Adaptive limits: how much of a run goes on at once, chosen while it runs for a goal (speed, memory, or a balance)
 * and within limits read from the machine (the heap, the container's cgroup v2 memory and CPU, the processors).
 * Seed 001's next chapter: "ask the orchestrator to optimize for speed, memory, etc." and "take those optimization
 * constraints from dynamic conditions such as how much memory is on the machine you are running on".
 *
 * <p>It attaches to the core through {@link dev.weft.scope.ConcurrencyLimit}, the hook a scope's concurrency limit
 * exposes, so a {@link dev.weft.scope.Scope}, {@link dev.weft.Weft#map} and the data flow orchestrator all adapt
 * through the same mechanism; the core never imports this package. Latency-driven goals use Netflix's
 * concurrency-limits (an optional dependency) for their control law.
 */
package dev.weft.adapt;
