package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change of an authorization, published after it is stored.
 *
 * @param componentAppid the component
 * @param authorizerAppid the account
 * @param kind what happened
 * @param at when it took effect
 * @param funcInfo the granted permission sets after the change (empty when withdrawn)
 * @param detail a secret-free explanation (e.g. which errcode led to it)
 */
public record AuthorizationChange(String componentAppid, String authorizerAppid, Kind kind, Instant at,
        List<Integer> funcInfo, String detail) {

    /** What happened; the names are those of the notices integrators receive. */
    public enum Kind {
        AUTHORIZED("authorized"), UPDATEAUTHORIZED("updateauthorized"), UNAUTHORIZED("unauthorized"),
        NEEDS_REAUTHORIZATION("needs-reauthorization"), RECOVERED("recovered");

        private final String notice;

        Kind(String notice) {
            this.notice = notice;
        }

        /** The notice name, e.g. {@code needs-reauthorization}. */
        public String notice() {
            return notice;
        }
    }

    public AuthorizationChange {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        funcInfo = List.copyOf(funcInfo);
        detail = detail == null ? "" : detail;
    }
}
