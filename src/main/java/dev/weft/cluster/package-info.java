/**
 * Runs across processes and machines on Apache Pekko Cluster: worker JVMs host Weft's registries (operations and tube
 * node types by name, never shipped classes) and run what a driver sends them on virtual threads; data flow
 * operations and tube nodes are placed on them; messages cross the wire as Jackson CBOR of allow-listed types; a
 * worker lost mid-run has its idempotent work retried elsewhere and the rest reported, naming what was lost.
 *
 * <p>An add-on: the core never imports it, and Pekko (with Scala's library) is an optional dependency that only
 * programs using this package load.
 */
package dev.weft.cluster;
