/**
 * Webhooks (CONTRACT section 10): vehicle events of {@code fleetgate.vehicle-events.v1} POSTed to
 * each account's HTTPS endpoints, signed with the endpoint's secret, in order per VIN and endpoint,
 * retried with exponential backoff, then dead-lettered.
 * <ul>
 *   <li>{@link io.fleetgate.telemetry.webhooks.WebhookAdmin}: the admin API's create, list, delete
 *       (endpoints kept with the account on {@code fleetgate.accounts.v1});</li>
 *   <li>{@link io.fleetgate.telemetry.webhooks.WebhookDelivery}: queues, attempts, timers, breakers,
 *       dead letters and the offsets committed once delivered (routes/webhooks.camel.yaml);</li>
 *   <li>{@link io.fleetgate.telemetry.webhooks.WebhookAddresses}: https only, no private, loopback
 *       or link-local address, checked at creation and before every attempt;</li>
 *   <li>{@link io.fleetgate.telemetry.webhooks.WebhookSignature}: {@code X-Fleetgate-Signature}.</li>
 * </ul>
 */
package io.fleetgate.telemetry.webhooks;
