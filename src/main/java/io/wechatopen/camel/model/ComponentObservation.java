package io.wechatopen.camel.model;

import java.time.Instant;

/**
 * One observed outcome of a component's token upkeep.
 *
 * @param at when it happened
 * @param operation what was attempted, e.g. {@code api_component_token}
 * @param errcode WeChat's errcode, or null when the failure was not a WeChat answer (and for a success)
 * @param message a message free of secrets
 */
public record ComponentObservation(Instant at, String operation, Integer errcode, String message) {
}
