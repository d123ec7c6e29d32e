package io.wechatopen.camel.client;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.token.AuthorizerTokenSource;
import io.wechatopen.camel.token.ComponentTokenSource;

/**
 * Puts the right token into a WeChat call just before it is sent, and expires it when WeChat refuses it. Called
 * inside the step that {@code wechat-api-errors} redelivers, so a retry after 40001/42001/40014 looks the token
 * up again (a token read earlier would be reused stale). The token travels only in {@code CamelHttpQuery} and an
 * exchange property, both removed once the call returns.
 */
public final class ApiTokens {

    /** Header: which token a call needs, see {@link Kind}. */
    public static final String KIND = "WeChatTokenKind";
    /** Header: the component of the call. */
    public static final String COMPONENT_APPID = "WeChatComponentAppid";
    /** Header: the account of an authorizer call. */
    public static final String AUTHORIZER_APPID = "WeChatAuthorizerAppid";
    /** Header: extra query parameters of the caller, without the token. */
    public static final String QUERY = "WeChatApiQuery";
    /** Exchange property: the token the last attempt used. */
    static final String TOKEN_USED = "WeChatTokenUsed";

    /** Which token a call carries. */
    public enum Kind {
        /** No token: api_component_token, api_start_push_ticket. */
        NONE,
        /** {@code component_access_token=}: the other component APIs. */
        COMPONENT,
        /** {@code access_token=} of an authorizer: APIs called on behalf of an account. */
        AUTHORIZER,
        /**
         * The component token under the name {@code access_token=}: the APIs every account type calls with its own
         * token (getApiQuota, issue 10).
         */
        COMPONENT_AS_ACCESS_TOKEN
    }

    private final ComponentTokenSource components;
    private final AuthorizerTokenSource authorizers;

    public ApiTokens(ComponentTokenSource components, AuthorizerTokenSource authorizers) {
        this.components = components;
        this.authorizers = authorizers;
    }

    /** Sets {@code CamelHttpQuery} to the token of the call plus the caller's {@value #QUERY}. */
    @Handler
    public void apply(Exchange exchange) {
        Message message = exchange.getMessage();
        Kind kind = Kind.valueOf(message.getHeader(KIND, Kind.NONE.name(), String.class));
        String extra = message.getHeader(QUERY, String.class);
        String token = switch (kind) {
            case NONE -> null;
            case COMPONENT, COMPONENT_AS_ACCESS_TOKEN -> components
                    .accessToken(message.getHeader(COMPONENT_APPID, String.class));
            case AUTHORIZER -> authorizers.accessToken(message.getHeader(COMPONENT_APPID, String.class),
                    message.getHeader(AUTHORIZER_APPID, String.class));
        };
        StringBuilder query = new StringBuilder();
        if (token != null) {
            query.append(kind == Kind.COMPONENT ? "component_access_token=" : "access_token=").append(token);
            exchange.setProperty(TOKEN_USED, token);
        }
        if (extra != null && !extra.isBlank()) {
            query.append(query.length() == 0 ? "" : "&").append(extra);
        }
        if (query.length() > 0) {
            message.setHeader(Exchange.HTTP_QUERY, query.toString());
        } else {
            message.removeHeader(Exchange.HTTP_QUERY);
        }
    }

    /** The {@code onRedelivery} of a token error: expires the token the failed attempt used. */
    public void reportInvalid(Exchange exchange) {
        String token = exchange.getProperty(TOKEN_USED, String.class);
        Message message = exchange.getMessage();
        if (token == null) {
            return;
        }
        Kind kind = Kind.valueOf(message.getHeader(KIND, Kind.NONE.name(), String.class));
        if (kind == Kind.COMPONENT || kind == Kind.COMPONENT_AS_ACCESS_TOKEN) {
            components.reportInvalid(message.getHeader(COMPONENT_APPID, String.class), token);
        } else if (kind == Kind.AUTHORIZER) {
            authorizers.reportInvalid(message.getHeader(COMPONENT_APPID, String.class),
                    message.getHeader(AUTHORIZER_APPID, String.class), token);
        }
    }

    /** Whether the exchange carried a token that a token error can be blamed on. */
    public static boolean usedToken(Exchange exchange) {
        return exchange.getProperty(TOKEN_USED) != null;
    }
}
