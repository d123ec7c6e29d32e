package io.wechatopen.camel.relay;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of the relay endpoint: one INFO line per request in the log category {@value #CATEGORY} (route it
 * to its own file or collector in the logging configuration). It names the client (or {@code -} when none was
 * recognised), the remote address, the action, the component and account, the HTTP status and outcome, and the time;
 * never a token or a bearer secret.
 */
public final class RelayAudit {

    /** The log category of the audit lines. */
    public static final String CATEGORY = "io.wechatopen.camel.relay.audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(CATEGORY);

    private final Clock clock;

    public RelayAudit(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param client the recognised client's name, or null
     * @param action e.g. {@code component-token}, {@code authorizer-invalid}, or the request line when unknown
     * @param componentAppid may be null
     * @param authorizerAppid may be null
     * @param status the HTTP status answered
     * @param outcome {@code OK} or the error code answered
     */
    public void record(String client, String address, String action, String componentAppid, String authorizerAppid,
            int status, String outcome) {
        AUDIT.info("relay at={} client={} address={} action={} component={} authorizer={} status={} outcome={}",
                clock.instant(), client == null ? "-" : client, address, action, orDash(componentAppid),
                orDash(authorizerAppid), status, outcome);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
