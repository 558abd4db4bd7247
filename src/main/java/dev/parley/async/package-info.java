/**
 * Where asynchronous code continues. {@link dev.parley.async.Stages} turns a stage that Pekko's
 * Java API returns into a plain {@code CompletableFuture} completed on the actor system's
 * dispatcher. {@link dev.parley.async.Backoff} is the one retry policy (attempts, doubling pauses
 * with a cap, jitter) of every loop that tries a remote call again.
 *
 * <p>Why: those stages (Scala futures seen through Java's interface) run every continuation
 * asynchronously on the JDK's common pool, and with 2 CPUs that pool has parallelism 1, in which
 * case {@code CompletableFuture} starts a new thread for each task. The lowest layer with {@code
 * text}: every package may use it; it uses nothing of Parley's.
 */
package dev.parley.async;
