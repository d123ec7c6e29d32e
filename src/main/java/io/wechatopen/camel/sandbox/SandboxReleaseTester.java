package io.wechatopen.camel.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.config.AccountMessageSettings;
import io.wechatopen.camel.crypto.EncryptedReply;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatCryptoException;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * WeChat's 全网发布 (full-network release) tester, {@code POST /sandbox/release-test} with an optional body
 * {@code {"authorizer_appid"}} (one of WeChat's published test accounts, default {@value #DEFAULT_ACCOUNT}). Runs
 * the checks of releases_instructions.html in order against the platform's two URLs and answers
 * {@code {"passed", "authorizer_appid", "cases":[{"name","passed","detail"}]}} (200; 400 for a bad body):
 * <ol>
 * <li>{@code ticket_push}: a ticket push to the 授权事件接收URL is answered {@code success};</li>
 * <li>{@code authorized_push}: the test account authorizes automatically, as at WeChat, and the {@code authorized}
 * push with a fresh authorization code is answered {@code success};</li>
 * <li>{@code text_reply}: the encrypted text {@code TESTCOMPONENT_MSG_TYPE_TEXT} posted to the 消息与事件接收URL
 * ({@code wechat.sandbox.messages-url}) is answered within 5 s by an encrypted passive text reply
 * {@code TESTCOMPONENT_MSG_TYPE_TEXT_callback} to the sender, correctly signed;</li>
 * <li>{@code query_auth_code}: the text {@code QUERY_AUTH_CODE:$code} (the code of the {@code authorized} push) is
 * answered empty (or {@code success}) within 5 s, and within {@value #CUSTOM_MESSAGE_WAIT_SECONDS} s a
 * customer-service text {@code $code_from_api} to the sender arrives at {@code /cgi-bin/message/custom/send} with a
 * valid access token of the test account.</li>
 * </ol>
 * The run stops at the first failed case. Codes and tokens are never logged nor put in the verdict.
 */
public final class SandboxReleaseTester {

    /** The test account used when the body names none: WeChat's first published Official Account. */
    public static final String DEFAULT_ACCOUNT = "wx570bc396a51b8ff8";
    /** How long the tester waits for the customer-service message after the empty answer. */
    static final int CUSTOM_MESSAGE_WAIT_SECONDS = 10;
    /** WeChat waits 5 s for an answer (protocol §5.1). */
    private static final long ANSWER_LIMIT_MS = 5000;
    private static final int CONNECT_TIMEOUT_MS = 3000;

    /** The published original ids (gh_...) of the test accounts, the ToUserName of their messages. */
    private static final Map<String, String> USER_NAMES = Map.ofEntries(Map.entry("wx570bc396a51b8ff8",
            "gh_3c884a361561"), Map.entry("wx9252c5e0bb1836fc", "gh_c0f28a78b318"),
            Map.entry("wx8e1097c5bc82cde9", "gh_3f222ed8d140"), Map.entry("wx14550af28c71a144", "gh_26128078e9ab"),
            Map.entry("wxa35b9c23cfe664eb", "gh_2b3713f184a6"), Map.entry("wxd101a85aa106f53e", "gh_8dad206e9538"),
            Map.entry("wxc39235c15087f6f3", "gh_905ae9d01059"), Map.entry("wx7720d01d4b2a4500", "gh_393666f1fdf4"),
            Map.entry("wx05d483572dcd5d8b", "gh_39abb5d4e1b7"), Map.entry("wx5910277cae6fd970", "gh_7818dcb60240"));

    private static final Logger LOG = LoggerFactory.getLogger(SandboxReleaseTester.class);

    private final SandboxState state;
    private final WeChatMessageCrypto crypto;
    private final String messagesUrl;
    private final ProducerTemplate template;
    private final ObjectMapper mapper;
    /** Customer-service messages awaited, by recipient and content. */
    private final Map<String, CompletableFuture<SandboxRequest>> awaited = new ConcurrentHashMap<>();

    /**
     * @param crypto the platform's message crypto, as WeChat holds it
     * @param messagesUrl the 消息与事件接收URL with {@code $APPID$} for the account
     * @param template sends the pushes through the sandbox's push routes and the messages over HTTP
     */
    public SandboxReleaseTester(SandboxState state, WeChatMessageCrypto crypto, String messagesUrl,
            ProducerTemplate template, ObjectMapper mapper) {
        this.state = state;
        this.crypto = crypto;
        this.messagesUrl = messagesUrl;
        this.template = template;
        this.mapper = mapper;
        state.addRequestListener(this::seen);
    }

    /** {@code POST /sandbox/release-test}. */
    public void run(Exchange exchange) {
        String account;
        try {
            account = account(exchange);
        } catch (IllegalArgumentException e) {
            SandboxReply.json(exchange, mapper, 400, SandboxReply.JSON, Map.of("error", e.getMessage()));
            return;
        }
        List<Map<String, Object>> cases = new ArrayList<>();
        boolean passed = ticketPush(cases);
        SandboxAuthorizations.Approval approval = null;
        if (passed) {
            approval = authorize(account, cases);
            passed = approval != null;
        }
        String openid = "o" + SandboxRandom.urlSafe(27);
        passed = passed && textReply(account, openid, cases);
        passed = passed && queryAuthCode(account, openid, approval.authCode(), cases);
        LOG.info("Sandbox release test of {}: {}", account, passed ? "passed" : "FAILED");
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("passed", passed);
        verdict.put("authorizer_appid", account);
        verdict.put("cases", cases);
        SandboxReply.json(exchange, mapper, 200, SandboxReply.JSON, verdict);
    }

    private String account(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        String text = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return DEFAULT_ACCOUNT;
        }
        JsonNode body;
        try {
            body = mapper.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object such as {\"authorizer_appid\":\""
                    + DEFAULT_ACCOUNT + "\"}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!"authorizer_appid".equals(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'; allowed: [authorizer_appid]");
            }
        }
        JsonNode appid = body.get("authorizer_appid");
        if (appid == null || appid.isNull()) {
            return DEFAULT_ACCOUNT;
        }
        if (!appid.isTextual() || !USER_NAMES.containsKey(appid.asText())) {
            throw new IllegalArgumentException("authorizer_appid must be one of WeChat's release-test accounts: "
                    + AccountMessageSettings.PUBLISHED_TEST_ACCOUNTS);
        }
        return appid.asText();
    }

    private boolean ticketPush(List<Map<String, Object>> cases) {
        Exchange sent = template.send("direct:" + SandboxRoutes.TICKET_SEND, e -> {
        });
        SandboxPushResult result = sent.getProperty(SandboxPusher.RESULT, SandboxPushResult.class);
        boolean ok = result != null && result.accepted();
        return add(cases, "ticket_push", ok, ok ? "answered success" : describe(result));
    }

    /** The test account authorizes the platform at once, as WeChat's automatic authorization does. */
    private SandboxAuthorizations.Approval authorize(String account, List<Map<String, Object>> cases) {
        SandboxAuthorizations authorizations = state.authorizations();
        // known by its published original id, which api_get_authorizer_info then reports as user_name
        authorizations.accounts().account(account, USER_NAMES.get(account));
        String appid = state.component().appid();
        Object preAuthCode = authorizations.createPreAuthCode(appid).get("pre_auth_code");
        SandboxAuthorizations.Approval approval = authorizations.approve(appid, String.valueOf(preAuthCode), account,
                null, null, false);
        Exchange sent = template.send("direct:" + SandboxRoutes.AUTHORIZATION_PUSH_SEND,
                e -> e.setProperty(SandboxPusher.AUTHORIZATION_PUSH, approval.push()));
        SandboxPushResult result = sent.getProperty(SandboxPusher.RESULT, SandboxPushResult.class);
        boolean ok = result != null && result.accepted();
        add(cases, "authorized_push", ok, ok ? approval.push().infoType() + " push answered success"
                : describe(result));
        return ok ? approval : null;
    }

    private boolean textReply(String account, String openid, List<Map<String, Object>> cases) {
        String name = "text_reply";
        Answer answer = post(account, openid, "TESTCOMPONENT_MSG_TYPE_TEXT");
        if (answer.failure != null) {
            return add(cases, name, false, answer.failure);
        }
        if (answer.millis > ANSWER_LIMIT_MS) {
            return add(cases, name, false, "answered after " + answer.millis + " ms; WeChat waits 5000 ms");
        }
        Map<String, String> reply;
        try {
            reply = SafeXml.parseFlat(EncryptedReply.open(crypto, answer.body));
        } catch (WeChatCryptoException e) {
            return add(cases, name, false, "the answer is no encrypted reply WeChat can open: " + e.getMessage()
                    + " (answer: " + shorten(answer.body) + ")");
        }
        String expected = "TESTCOMPONENT_MSG_TYPE_TEXT_callback";
        if (!"text".equals(reply.get("MsgType")) || !expected.equals(reply.get("Content"))) {
            return add(cases, name, false, "expected a text reply '" + expected + "', got MsgType "
                    + reply.get("MsgType") + " Content '" + shorten(reply.get("Content")) + "'");
        }
        if (!openid.equals(reply.get("ToUserName")) || !USER_NAMES.get(account).equals(reply.get("FromUserName"))) {
            return add(cases, name, false, "the reply must go to the sender (ToUserName = the message's"
                    + " FromUserName) from the account (FromUserName = the message's ToUserName)");
        }
        return add(cases, name, true, "encrypted text reply " + expected + " in " + answer.millis + " ms");
    }

    private boolean queryAuthCode(String account, String openid, String code, List<Map<String, Object>> cases) {
        String name = "query_auth_code";
        String content = code + "_from_api";
        CompletableFuture<SandboxRequest> message = new CompletableFuture<>();
        awaited.put(openid + "\n" + content, message);
        try {
            Answer answer = post(account, openid, "QUERY_AUTH_CODE:" + code);
            if (answer.failure != null) {
                return add(cases, name, false, answer.failure);
            }
            if (answer.millis > ANSWER_LIMIT_MS) {
                return add(cases, name, false, "answered after " + answer.millis + " ms; WeChat waits 5000 ms");
            }
            if (!answer.body.isEmpty() && !"success".equals(answer.body)) {
                return add(cases, name, false, "expected an empty answer (or success), got " + shorten(answer.body));
            }
            SandboxRequest request;
            try {
                request = message.get(CUSTOM_MESSAGE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return add(cases, name, false, "no customer-service message '$query_auth_code$_from_api' to the"
                        + " sender within " + CUSTOM_MESSAGE_WAIT_SECONDS + " s of the empty answer");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return add(cases, name, false, "interrupted");
            } catch (ExecutionException e) {
                return add(cases, name, false, e.getCause().getMessage());
            }
            String token = SandboxForm.parse(request.query()).first("access_token");
            SandboxAuthorizations.TokenCheck check = state.authorizations().checkAccessToken(token);
            if (check.errcode() != SandboxErrors.OK || !account.equals(check.authorizerAppid())) {
                return add(cases, name, false, "the customer-service message was sent without a valid access token"
                        + " of " + account + " (errcode " + check.errcode() + ")");
            }
            return add(cases, name, true, "empty answer in " + answer.millis + " ms, then the customer-service"
                    + " text $query_auth_code$_from_api to the sender");
        } finally {
            awaited.remove(openid + "\n" + content);
        }
    }

    /** Every API request the sandbox records; a customer-service text that is awaited completes its future. */
    private void seen(SandboxRequest request) {
        if (!SandboxFaults.SEND.equals(request.api()) || !(request.body() instanceof Map<?, ?> body)
                || !(body.get("text") instanceof Map<?, ?> text)) {
            return;
        }
        CompletableFuture<SandboxRequest> future = awaited.get(body.get("touser") + "\n" + text.get("content"));
        if (future != null && "text".equals(body.get("msgtype"))) {
            future.complete(request);
        }
    }

    /** Posts an encrypted text message from the test user to the account's 消息与事件接收URL, as WeChat does. */
    private Answer post(String account, String openid, String content) {
        String userName = USER_NAMES.get(account);
        long now = state.clock().instant().getEpochSecond();
        String plaintext = "<xml><ToUserName>" + SafeXml.cdata(userName) + "</ToUserName>\n<FromUserName>"
                + SafeXml.cdata(openid) + "</FromUserName>\n<CreateTime>" + now + "</CreateTime>\n<MsgType>"
                + SafeXml.cdata("text") + "</MsgType>\n<Content>" + SafeXml.cdata(content) + "</Content>\n<MsgId>"
                + ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L, 9_000_000_000_000_000L)
                + "</MsgId>\n</xml>";
        String timestamp = String.valueOf(now);
        String nonce = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 10_000_000_000L));
        String encrypt = crypto.encrypt(plaintext);
        String body = "<xml>\n<ToUserName>" + SafeXml.cdata(userName) + "</ToUserName>\n<Encrypt>"
                + SafeXml.cdata(encrypt) + "</Encrypt>\n</xml>";
        String query = "signature=" + crypto.signature(timestamp, nonce) + "&timestamp=" + timestamp + "&nonce="
                + nonce + "&openid=" + openid + "&encrypt_type=aes&msg_signature="
                + crypto.msgSignature(timestamp, nonce, encrypt);
        String url = messagesUrl.replace("$APPID$", account);
        long started = System.nanoTime();
        Exchange sent = template.send(url + (url.contains("?") ? "&" : "?") + "throwExceptionOnFailure=false"
                + "&connectTimeout=" + CONNECT_TIMEOUT_MS + "&connectionRequestTimeout=" + CONNECT_TIMEOUT_MS
                + "&responseTimeout=" + ANSWER_LIMIT_MS, e -> {
                    e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/xml");
                    e.getMessage().setHeader(Exchange.HTTP_QUERY, query);
                    e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
                });
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (sent.getException() != null) {
            return new Answer(null, millis, "no answer from " + url + ": " + sent.getException().getMessage());
        }
        Integer status = sent.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String answer = sent.getMessage().getBody(String.class);
        if (status == null || status != 200) {
            return new Answer(null, millis, "answered HTTP " + status + ": " + shorten(answer));
        }
        return new Answer(answer == null ? "" : answer, millis, null);
    }

    private record Answer(String body, long millis, String failure) {
    }

    private static boolean add(List<Map<String, Object>> cases, String name, boolean passed, String detail) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put("passed", passed);
        entry.put("detail", detail);
        cases.add(entry);
        return passed;
    }

    private static String describe(SandboxPushResult result) {
        if (result == null) {
            return "no push was attempted";
        }
        return result.error() != null ? result.outcome() + ": " + result.error()
                : "answered HTTP " + result.status() + " " + shorten(result.body()) + " (WeChat expects 200 success)";
    }

    private static String shorten(String text) {
        return text == null ? "null" : text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
