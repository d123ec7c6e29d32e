package io.wechatopen.camel.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Every push to the 授权事件接收URL the bundle does not act on (fast registration, 认证, ICP filing, types not known
 * yet) is stored and then reaches the integrator route {@code wechat-component-event-log} (consuming
 * {@code seda:wechat-component-event-received}) once, with its fields, over real HTTP.
 */
@ExtendWith(NettyLeakCheck.class)
class ComponentEventRoutingTest {

    private static RunningBundle bundle;
    private static String appid;

    @BeforeAll
    static void startBundle() throws Exception {
        bundle = RunningBundle.start(RunningBundle.NO_SANDBOX);
        appid = bundle.componentAppid();
    }

    @AfterAll
    static void stopBundle() throws Exception {
        bundle.close();
    }

    private static HttpResponse<String> send(EncryptedPush push) throws Exception {
        return bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml", push.body());
    }

    private static String head(String infoType) {
        return "<xml><AppId><![CDATA[" + appid + "]]></AppId>\n<CreateTime>" + Instant.now().getEpochSecond()
                + "</CreateTime>\n<InfoType><![CDATA[" + infoType + "]]></InfoType>\n";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(Exchange exchange) {
        Map<String, String> fields = exchange.getMessage().getHeader("WeChatPushFields", Map.class);
        return fields == null ? Map.of() : fields;
    }

    @Test
    void pushWhenTypeUnknownThenStoredAndDeliveredOnceToTheIntegratorRouteWithEveryField() throws Exception {
        String xml = head("notify_some_future_thing") + "<FutureField><![CDATA[future value]]></FutureField>\n"
                + "<count>42</count>\n</xml>";
        NotifyBuilder delivered = new NotifyBuilder(bundle.context()).fromRoute("wechat-component-event-log")
                .filter(e -> "notify_some_future_thing".equals(e.getMessage().getHeader("WeChatInfoType")))
                .whenExactlyDone(1).create();
        NotifyBuilder withFields = new NotifyBuilder(bundle.context()).fromRoute("wechat-component-event-log")
                .whenAnyDoneMatches(e -> "notify_some_future_thing".equals(e.getMessage().getHeader("WeChatInfoType"))
                        && appid.equals(e.getMessage().getHeader("WeChatComponentAppid"))
                        && e.getMessage().getHeader("WeChatNoticeId") != null
                        && e.getMessage().getBody(String.class).contains("<FutureField><![CDATA[future value]]>")
                        && "future value".equals(fields(e).get("FutureField")) && "42".equals(fields(e).get("count"))
                        && "notify_some_future_thing".equals(fields(e).get("InfoType")))
                .create();

        EncryptedPush push = bundle.pushes().push(xml);
        assertThat(send(push).body()).isEqualTo("success");
        // WeChat's re-delivery of the same push (our answer lost) is stored and routed once.
        assertThat(send(push).body()).isEqualTo("success");

        assertThat(withFields.matches(10, TimeUnit.SECONDS)).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bundle.count(
                "SELECT COUNT(*) FROM wechat_notice WHERE kind = 'component-event'"
                        + " AND change_kind = 'notify_some_future_thing' AND delivered_at IS NOT NULL") == 1);
        assertThat(delivered.matches(1, TimeUnit.SECONDS)).isTrue();
        // The notice carries the id of the stored event row: delivered after the push was stored.
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_event e JOIN wechat_notice n"
                + " ON n.notice_id = e.id WHERE e.info_type = 'notify_some_future_thing'")).isEqualTo(1);
    }

    @Test
    void fastRegistrationPushWhenReceivedThenRoutedWithItsAccountAndNestedInfoKeptInTheXml() throws Exception {
        String xml = head("notify_third_fasteregister") + "<appid><![CDATA[wxfaste000000001]]></appid>\n"
                + "<status>0</status>\n<auth_code><![CDATA[fasteregister-auth-code-7]]></auth_code>\n"
                + "<msg><![CDATA[OK]]></msg>\n<info>\n<name><![CDATA[Sandbox Company]]></name>\n"
                + "<code><![CDATA[91110000000000000X]]></code>\n<code_type>1</code_type>\n"
                + "<legal_persona_wechat><![CDATA[legal]]></legal_persona_wechat>\n"
                + "<legal_persona_name><![CDATA[Zhang San]]></legal_persona_name>\n"
                + "<component_phone><![CDATA[1234567]]></component_phone>\n</info>\n</xml>";
        NotifyBuilder delivered = new NotifyBuilder(bundle.context()).fromRoute("wechat-component-event-log")
                .whenAnyDoneMatches(e -> "notify_third_fasteregister".equals(e.getMessage().getHeader("WeChatInfoType"))
                        && "wxfaste000000001".equals(e.getMessage().getHeader("WeChatAuthorizerAppid"))
                        && "0".equals(fields(e).get("status"))
                        // the form the README shows for YAML routes
                        && "fasteregister-auth-code-7".equals(e.getContext().resolveLanguage("simple")
                                .createExpression("${header.WeChatPushFields[auth_code]}").evaluate(e, String.class))
                        && "fasteregister-auth-code-7".equals(fields(e).get("auth_code"))
                        && fields(e).containsKey("info")
                        && e.getMessage().getBody(String.class).contains("<name><![CDATA[Sandbox Company]]></name>"))
                .create();

        assertThat(send(bundle.pushes().push(xml)).body()).isEqualTo("success");

        assertThat(delivered.matches(10, TimeUnit.SECONDS)).isTrue();
        // The auth_code is sealed at rest in the outbox, as in the event row.
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE change_kind = 'notify_third_fasteregister'"))
                .isEqualTo(1);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE body LIKE '%fasteregister-auth-code-7%'"))
                .isZero();
    }

    @Test
    void ticketPushWhenStoredThenNotRoutedToTheIntegrator() throws Exception {
        assertThat(send(bundle.pushes().ticket("ticket@@@routing-test", Instant.now())).body()).isEqualTo("success");

        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_event"
                + " WHERE info_type = 'component_verify_ticket'")).isPositive();
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE change_kind = 'component_verify_ticket'"))
                .isZero();
    }
}
