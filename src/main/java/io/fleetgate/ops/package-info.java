/**
 * What operators see: readiness checks for Camel's health registry, Prometheus metrics, the
 * JSON request log and the OpenAPI document. These beans observe the stages; none of them
 * decides anything about a request.
 */
package io.fleetgate.ops;
