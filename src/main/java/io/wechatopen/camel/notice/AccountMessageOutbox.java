package io.wechatopen.camel.notice;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.intake.AccountMessageIntake;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.store.NoticeStore;

/**
 * Stores an accepted account message in the outbox before WeChat is answered, so that no message is lost when the
 * instance dies before the integrator's route has it; {@link NoticeRelay} then delivers it to
 * {@value NoticeRelay#ACCOUNT_MESSAGE_ENDPOINT} with the headers {@code AccountMessageIntake} set and
 * {@code WeChatNoticeId}.
 *
 * <p>The notice id is derived from the account and the decrypted XML (a name-based UUID): WeChat pushes a message
 * again when it had no answer within 5 seconds, and that copy is stored once. A database failure propagates, so
 * WeChat is answered 500 and pushes again.
 */
public final class AccountMessageOutbox {

    private static final int MAX_KIND = 32;

    private final NoticeStore store;
    private final Clock clock;

    public AccountMessageOutbox(NoticeStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores the message (body: decrypted XML; headers of {@link AccountMessageIntake#accept}) and sets the header
     * {@code WeChatNoticeId}.
     *
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be written
     */
    @Handler
    public void store(Exchange exchange) {
        Message message = exchange.getMessage();
        String authorizer = message.getHeader(AccountMessageIntake.AUTHORIZER_APPID, String.class);
        String component = message.getHeader(AccountMessageIntake.COMPONENT_APPID, String.class);
        String body = message.getBody(String.class);
        String id = UUID.nameUUIDFromBytes((authorizer + "\n" + body).getBytes(StandardCharsets.UTF_8)).toString();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : new String[] {AccountMessageIntake.AUTHORIZER_APPID, AccountMessageIntake.COMPONENT_APPID,
                AccountMessageIntake.MSG_TYPE, AccountMessageIntake.EVENT, AccountMessageIntake.OPENID}) {
            String value = message.getHeader(name, String.class);
            if (value != null) {
                headers.put(name, value);
            }
        }
        headers.put(Notice.NOTICE_ID, id);
        String msgType = message.getHeader(AccountMessageIntake.MSG_TYPE, "", String.class);
        store.add(new Notice(id, component, authorizer, Notice.ACCOUNT_MESSAGE,
                msgType.length() > MAX_KIND ? msgType.substring(0, MAX_KIND) : msgType, headers, body, clock.instant(),
                0));
        message.setHeader(Notice.NOTICE_ID, id);
    }
}
