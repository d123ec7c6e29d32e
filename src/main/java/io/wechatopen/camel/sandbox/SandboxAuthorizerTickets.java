package io.wechatopen.camel.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tickets the simulated WeChat issued to accounts through {@code /cgi-bin/ticket/getticket} ({@code jsapi},
 * {@code wx_card}), each valid for the sandbox's token lifetime ({@code wechat.sandbox.token-lifetime}, WeChat: 7200
 * s). A new ticket does not end the previous ones: each stays valid until its own expiry. Thread-safe.
 */
public final class SandboxAuthorizerTickets {

    /** The ticket types getticket accepts. */
    public static final List<String> TYPES = List.of("jsapi", "wx_card");
    /** Tickets this far past their expiry are forgotten. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);
    private static final int TICKET_RANDOM_LENGTH = 86;

    /**
     * One issued ticket (its value is the simulated WeChat's own, shown in the state view for tests).
     *
     * @param authorizerAppid the account whose access token asked for it
     * @param type jsapi or wx_card
     * @param ticket the value
     * @param expiresAt when it stops being valid
     */
    public record Issued(String authorizerAppid, String type, String ticket, Instant expiresAt) {

        Map<String, Object> toMap(Instant now) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("authorizer_appid", authorizerAppid);
            map.put("type", type);
            map.put("ticket", ticket);
            map.put("expires_at", expiresAt.toString());
            map.put("expires_in", Math.max(0, Duration.between(now, expiresAt).toSeconds()));
            return map;
        }
    }

    private final Duration lifetime;
    private final List<Issued> issued = new ArrayList<>();

    /** @param lifetime {@code expires_in} of every ticket issued */
    public SandboxAuthorizerTickets(Duration lifetime) {
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    /**
     * getticket for an account whose token was accepted.
     *
     * @return {@code {"errcode":0,"errmsg":"ok","ticket":...,"expires_in":...}}
     */
    public synchronized Map<String, Object> issue(String authorizerAppid, String type, Instant now) {
        issued.removeIf(t -> t.expiresAt().plus(FORGET_AFTER).isBefore(now));
        Issued ticket = new Issued(authorizerAppid, type, SandboxRandom.urlSafe(TICKET_RANDOM_LENGTH),
                now.plus(lifetime));
        issued.add(ticket);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", SandboxErrors.OK);
        body.put("errmsg", "ok");
        body.put("ticket", ticket.ticket());
        body.put("expires_in", lifetime.toSeconds());
        return body;
    }

    /** The ticket with this value, if it was issued here and not forgotten. */
    public synchronized Optional<Issued> find(String ticket) {
        return issued.stream().filter(t -> t.ticket().equals(ticket)).findFirst();
    }

    /** The tickets issued to an account, oldest first. */
    public synchronized List<Issued> issuedTo(String authorizerAppid) {
        return issued.stream().filter(t -> t.authorizerAppid().equals(authorizerAppid)).toList();
    }

    /** Every remembered ticket, oldest first, for the state view. */
    synchronized List<Map<String, Object>> view(Instant now) {
        return issued.stream().map(t -> t.toMap(now)).toList();
    }
}
