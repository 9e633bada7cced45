package dev.weft.scope;

/**
 * 128 bytes of padding laid out before a subclass's fields (HotSpot places a superclass's fields first), so that
 * state written by one thread does not share a cache line, or the adjacent line that the prefetcher pairs with it,
 * with state another thread reads. A subclass ends with the same padding of its own, after its fields.
 *
 * <p>Why it matters: a scope's owner writes its fork counters once per fork while each task's thread reads the scope's
 * flags and counts its end. Sharing lines made fork/join of trivial tasks about twice as slow as the JDK scope
 * (BENCHMARKS.md, section 1c).
 */
abstract class CacheLinePad {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
