package io.wechatopen.camel.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code /cgi-bin/ticket/getticket}: {@code {"errcode":0,"errmsg":"ok","ticket":"...","expires_in":7200}}.
 *
 * @param ticket the ticket (secret)
 * @param expiresIn lifetime in seconds
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TicketResponse(@JsonProperty("ticket") String ticket, @JsonProperty("expires_in") long expiresIn) {

    @Override
    public String toString() {
        return "TicketResponse[expiresIn=" + expiresIn + "]";
    }
}
