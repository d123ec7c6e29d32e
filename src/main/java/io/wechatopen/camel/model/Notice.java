package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A notice for integrator routes, held in the outbox until an instance has delivered it.
 *
 * @param noticeId stable and unique (a UUID): integrators de-duplicate on it, since delivery is at least once
 * @param componentAppid the component
 * @param authorizerAppid the account; empty for a component event that names none
 * @param kind where it goes: {@link #AUTHORIZATION}, {@link #ACCOUNT_MESSAGE} or {@link #COMPONENT_EVENT}
 * @param changeKind what happened, e.g. {@code unauthorized}, or the message type of an account message
 * @param headers the Camel headers it is sent with ({@code WeChatNoticeId} included)
 * @param body the message body: a JSON notice, or the decrypted XML of an account message
 * @param createdAt when it was written
 * @param attempts the deliveries started so far (claims), this one included once claimed
 */
public record Notice(String noticeId, String componentAppid, String authorizerAppid, String kind, String changeKind,
        Map<String, String> headers, String body, Instant createdAt, int attempts) {

    /** Notices to {@code seda:wechat-authorization-changed}. */
    public static final String AUTHORIZATION = "authorization";
    /** Notices to {@code seda:wechat-account-message-received}. */
    public static final String ACCOUNT_MESSAGE = "account-message";
    /** Pushes to the 授权事件接收URL the bundle does not act on, to {@code seda:wechat-component-event-received}. */
    public static final String COMPONENT_EVENT = "component-event";
    /** The header with the InfoType of a component event. */
    public static final String INFO_TYPE = "WeChatInfoType";
    /** The header with every top-level field of a component event's push (a {@code Map<String, String>}). */
    public static final String PUSH_FIELDS = "WeChatPushFields";
    /** The header with the notice id. */
    public static final String NOTICE_ID = "WeChatNoticeId";
    /** The header with the component appid. */
    public static final String COMPONENT_APPID = "WeChatComponentAppid";
    /** The header with the account's appid. */
    public static final String AUTHORIZER_APPID = "WeChatAuthorizerAppid";
    /** The header with the change of an authorization notice ({@link AuthorizationChange.Kind#notice()}). */
    public static final String CHANGE = "WeChatAuthorizationChange";

    public Notice {
        Objects.requireNonNull(noticeId, "noticeId");
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(changeKind, "changeKind");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
