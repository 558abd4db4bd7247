/**
 * The HTTP listener and one routes class per surface. Routes verify and parse at the edge, ask
 * conversations with a deadline, and map every failure to a JSON error in one place ({@code
 * ApiErrors}). The management port's routes (health, metrics) live here too; Pekko Management
 * builds them. Must not hold conversation state or call models or tools.
 */
package dev.parley.http;
