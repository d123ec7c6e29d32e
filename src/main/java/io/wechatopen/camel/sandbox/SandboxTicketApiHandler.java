package io.wechatopen.camel.sandbox;

import java.time.Instant;

import org.apache.camel.Exchange;

/**
 * Serves {@code GET /cgi-bin/ticket/getticket?access_token=AUTHORIZER_TOKEN&type=jsapi}: the account's ticket for
 * the JS-SDK ({@code jsapi}) or cards ({@code wx_card}), as WeChat answers
 * {@code {"errcode":0,"errmsg":"ok","ticket":"...","expires_in":7200}}. Checks in WeChat's order: injected fault, token
 * (41001 missing, 40014 malformed, 40001 unknown or of a withdrawn authorization, 42001 expired), then {@code type}
 * (40097 invalid args for any other value). Each call issues a new ticket; earlier ones stay valid until they expire.
 */
public final class SandboxTicketApiHandler {

    private final SandboxState state;
    private final SandboxApiHandler api;

    /**
     * @param state the sandbox state (authorizer tokens, issued tickets)
     * @param api the handler that admitted the call: its fault and reply helpers are reused
     */
    public SandboxTicketApiHandler(SandboxState state, SandboxApiHandler api) {
        this.state = state;
        this.api = api;
    }

    /** {@code getticket}. */
    public void getTicket(Exchange exchange) {
        if (api.faulted(exchange)) {
            return;
        }
        SandboxForm query = query(exchange);
        Instant now = state.clock().instant();
        SandboxAuthorizations.TokenCheck check = state.authorizations()
                .checkAccessToken(query.first("access_token"), SandboxFaults.GETTICKET);
        String type = query.first("type");
        if (check.errcode() != SandboxErrors.OK) {
            api.reply(exchange, SandboxErrors.body(check.errcode(), now));
        } else if (type == null || !SandboxAuthorizerTickets.TYPES.contains(type)) {
            api.reply(exchange, SandboxErrors.body(SandboxErrors.INVALID_ARGS, now));
        } else {
            api.reply(exchange, state.authorizerTickets().issue(check.authorizerAppid(), type, now));
        }
    }

    private static SandboxForm query(Exchange exchange) {
        try {
            return SandboxForm.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
        } catch (IllegalArgumentException e) {
            return SandboxForm.parse(null);
        }
    }
}
