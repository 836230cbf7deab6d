/**
 * Resilience4j in front of the Fleet API (CONTRACT section 9): a circuit breaker per regional
 * host. The routes declare where it applies (the {@code circuitBreaker} EIP); these beans only
 * build what the EIP references, and report state changes and states to logs and meters.
 */
package io.fleetgate.resilience;
