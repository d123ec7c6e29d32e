package io.wechatopen.camel.release;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.client.WeChatApiHeaders;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.token.AuthorizationExchanger;
import io.wechatopen.camel.token.AuthorizationFailedException;

/**
 * The second half of the release test's {@code QUERY_AUTH_CODE:$code} case, run after the empty answer: exchanges
 * {@code $code} (once: when the {@code authorized} push exchanged it already, the {@link AuthorizationExchanger}
 * returns the stored authorization, whose token the call then uses) and prepares the customer-service text
 * {@code $code_from_api} to the sender for {@code direct:wechat-api-call}. An exchange whose outcome is not known yet
 * (WeChat unreachable, the push's exchange still finishing) is tried again until the case's deadline. Codes are never
 * logged.
 */
public final class ReleaseTestFollowUp {

    /** WeChat's customer-service message API (客服消息), called with the account's token. */
    public static final String CUSTOM_SEND_PATH = "/cgi-bin/message/custom/send";
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseTestFollowUp.class);

    private final AuthorizationExchanger exchanger;

    public ReleaseTestFollowUp(AuthorizationExchanger exchanger) {
        this.exchanger = exchanger;
    }

    /**
     * Body in: a {@link ReleaseTestCase.FollowUp}. Out: the JSON map of the customer-service message with the headers
     * of {@code direct:wechat-api-call}.
     *
     * @throws AuthorizationFailedException when WeChat refused the code, or it could not be exchanged in time
     * @throws IllegalStateException when the code authorized another account than the one that sent it
     */
    @Handler
    public void prepare(Exchange exchange) {
        ReleaseTestCase.FollowUp followUp = exchange.getMessage().getBody(ReleaseTestCase.FollowUp.class);
        AuthorizerRecord authorization = exchangeCode(followUp);
        if (!authorization.authorizerAppid().equals(followUp.authorizerAppid())) {
            throw new IllegalStateException("the QUERY_AUTH_CODE of " + followUp.authorizerAppid()
                    + " authorized " + authorization.authorizerAppid());
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(ApiTokens.COMPONENT_APPID, followUp.componentAppid());
        message.setHeader(ApiTokens.AUTHORIZER_APPID, followUp.authorizerAppid());
        message.setHeader(WeChatApiHeaders.PATH, CUSTOM_SEND_PATH);
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("touser", followUp.openid());
        body.put("msgtype", "text");
        body.put("text", Map.of("content", followUp.code() + "_from_api"));
        message.setBody(body);
    }

    private AuthorizerRecord exchangeCode(ReleaseTestCase.FollowUp followUp) {
        while (true) {
            try {
                return exchanger.exchange(followUp.componentAppid(), followUp.code(), followUp.authorizerAppid());
            } catch (AuthorizationFailedException e) {
                if (!e.isTransient() || System.nanoTime() + RETRY_PAUSE_NANOS - followUp.deadlineNanos() > 0) {
                    throw e;
                }
                LOG.info("Release test: the QUERY_AUTH_CODE of {} is not exchanged yet ({}); trying again",
                        followUp.authorizerAppid(), e.getMessage());
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
            }
        }
    }
}
