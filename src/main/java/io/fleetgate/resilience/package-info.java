/**
 * Resilience4j in front of the Fleet API and around what waits in memory (CONTRACT section 9):
 * a circuit breaker per regional host and the bulkheads' shared plumbing. The routes declare
 * where each applies (the {@code circuitBreaker} EIP); these beans only build what the EIP
 * references, and report state changes, refusals and states to logs and meters.
 */
package io.fleetgate.resilience;
