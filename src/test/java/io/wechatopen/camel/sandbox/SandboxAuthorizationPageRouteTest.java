package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.LogCapture;

/**
 * The authorization page over real HTTP as a browser uses it: the page, its approve form, the 302 back to the
 * platform and the {@code authorized} push that goes out at the same time.
 */
class SandboxAuthorizationPageRouteTest extends SandboxWithoutTimerTestSupport {

    private static final String REDIRECT = "http://127.0.0.1:8080/wechat/authorize/callback?state=st-1";
    private static final String PAGE = "/cgi-bin/componentloginpage";

    private String componentToken;

    @BeforeEach
    void obtainComponentTokenOfTheSandbox() throws Exception {
        componentToken = obtainComponentToken();
    }

    @Test
    void pageWhenOpenedThenOffersTheTestAccountsTheDefaultPermissionSetsAndTheApproveButton() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);

        HttpResponse<String> response = get(pageUrl(PAGE, preAuthCode, REDIRECT) + "&auth_type=3");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        Document page = xml(response.body());
        assertThat(text(page, "//title")).contains("Authorize");
        Element form = element(page, "//form");
        assertThat(form.getAttribute("method")).isEqualTo("post");
        assertThat(form.getAttribute("action")).isEqualTo("/cgi-bin/componentloginpage/approve");
        assertThat(attribute(page, "//input[@name='pre_auth_code']", "value")).isEqualTo(preAuthCode);
        assertThat(attribute(page, "//input[@name='redirect_uri']", "value")).isEqualTo(REDIRECT);
        assertThat(attribute(page, "//input[@name='component_appid']", "value")).isEqualTo(APPID);
        assertThat(ids(page, "//input[@type='radio']")).containsExactly("account-wx1000000000000001",
                "account-wx1000000000000002", "account-wx1000000000000003");
        assertThat(attribute(page, "//*[@id='account-wx1000000000000001']", "checked")).isEqualTo("checked");
        assertThat(ids(page, "//input[@type='checkbox'][@checked='checked']")).containsExactly("func-1", "func-2",
                "func-3", "func-4", "func-7", "func-11", "func-15");
        assertThat(element(page, "//*[@id='approve']").getAttribute("type")).isEqualTo("submit");
    }

    @Test
    void pageWhenBizAppidAndCategoryListGivenThenOnlyThatAccountAndThoseSets() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);

        HttpResponse<String> response = get(pageUrl("/safe/bindcomponent", preAuthCode, REDIRECT)
                + "&action=bindcomponent&no_scan=1&auth_type=1&biz_appid=wx1000000000000002&category_id_list="
                + encode("1|11|1"));

        assertThat(response.statusCode()).isEqualTo(200);
        Document page = xml(response.body());
        assertThat(ids(page, "//input[@type='radio']")).containsExactly("account-wx1000000000000002");
        assertThat(ids(page, "//input[@type='checkbox']")).containsExactly("func-1", "func-11");
    }

    @Test
    void pageWhenPreAuthCodeUnknownOrPlatformWrongThen400ErrorPage() throws Exception {
        HttpResponse<String> unknown = get(pageUrl(PAGE, "preauthcode@@@unknown", REDIRECT));
        HttpResponse<String> foreign = get(PAGE + "?component_appid=wxffffffffffffffff&pre_auth_code="
                + encode(createPreAuthCode(componentToken)) + "&redirect_uri=" + encode(REDIRECT));

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(text(xml(unknown.body()), "//*[@id='error']")).contains("pre_auth_code is unknown");
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(text(xml(foreign.body()), "//*[@id='error']")).contains("not the platform");
    }

    @Test
    void approveWhenFormIsPostedThen302WithAuthCodeAndSignedAuthorizedPushWithTheSameCode() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);
        get(pageUrl(PAGE, preAuthCode, REDIRECT));
        long before = clock.instant().getEpochSecond();

        HttpResponse<String> response = postForm("/cgi-bin/componentloginpage/approve", "component_appid=" + APPID
                + "&pre_auth_code=" + encode(preAuthCode) + "&redirect_uri=" + encode(REDIRECT)
                + "&authorizer_appid=wx1000000000000003&func_id=1&func_id=15");

        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches(java.util.regex.Pattern.quote(REDIRECT)
                + "&auth_code=queryauthcode@@@[A-Za-z0-9_-]{86}&expires_in=3600");
        String authCode = location.substring(location.indexOf("auth_code=") + 10, location.indexOf("&expires_in"));
        assertThat(text(xml(response.body()), "//title")).isNotBlank();

        await().atMost(Duration.ofSeconds(10)).until(() -> received("authorized").size() == 1);
        ReceivedPush push = received("authorized").get(0);
        Map<String, String> fields = push.fields();
        long createTime = Long.parseLong(fields.get("CreateTime"));
        assertThat(createTime).isEqualTo(before);
        assertThat(push.timestamp()).isEqualTo(fields.get("CreateTime"));
        assertThat(push.envelope()).containsEntry("AppId", APPID);
        assertThat(fields).containsEntry("AppId", APPID).containsEntry("AuthorizerAppid", "wx1000000000000003")
                .containsEntry("AuthorizationCode", authCode).containsEntry("PreAuthCode", preAuthCode)
                .containsEntry("AuthorizationCodeExpiredTime", String.valueOf(createTime + 3600));
        assertThat(push.plaintext()).startsWith("<xml><AppId><![CDATA[" + APPID + "]]></AppId>\n<CreateTime>")
                .contains("<InfoType><![CDATA[authorized]]></InfoType>\n");
        assertThat(state.pushResults()).anySatisfy(r -> {
            assertThat(r.infoType()).isEqualTo("authorized");
            assertThat(r.accepted()).isTrue();
        });

        JsonNode exchanged = componentApi("api_query_auth", componentToken,
                "{\"component_appid\":\"" + APPID + "\",\"authorization_code\":\"" + authCode + "\"}");
        assertThat(exchanged.at("/authorization_info/authorizer_appid").asText()).isEqualTo("wx1000000000000003");
        assertThat(exchanged.at("/authorization_info/func_info").toString())
                .isEqualTo("[{\"funcscope_category\":{\"id\":1}},{\"funcscope_category\":{\"id\":15}}]");
    }

    @Test
    void approveWhenPreAuthCodeWasUsedThen400PageAndNoSecondPush() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);
        String form = "component_appid=" + APPID + "&pre_auth_code=" + encode(preAuthCode) + "&redirect_uri="
                + encode(REDIRECT) + "&authorizer_appid=wx1000000000000001&func_id=1";
        assertThat(postForm("/cgi-bin/componentloginpage/approve", form).statusCode()).isEqualTo(302);
        await().atMost(Duration.ofSeconds(10)).until(() -> received("authorized").size() == 1);

        HttpResponse<String> again = postForm("/cgi-bin/componentloginpage/approve",
                form.replace("wx1000000000000001", "wx1000000000000002"));

        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.headers().firstValue("Location")).isEmpty();
        assertThat(text(xml(again.body()), "//*[@id='error']")).contains("used already");
        assertThat(componentApi("api_get_authorizer_info", componentToken, "{\"component_appid\":\"" + APPID
                + "\",\"authorizer_appid\":\"wx1000000000000002\"}").get("errcode").asInt()).isEqualTo(61003);
        assertThat(received).filteredOn(p -> !"component_verify_ticket".equals(p.fields().get("InfoType")))
                .hasSize(1);
    }

    @Test
    void approveWhenNoPermissionSetIsTickedThen400AndTheCodeStaysUsable() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);
        String form = "component_appid=" + APPID + "&pre_auth_code=" + encode(preAuthCode) + "&redirect_uri="
                + encode(REDIRECT) + "&authorizer_appid=wx1000000000000001";

        HttpResponse<String> none = postForm("/cgi-bin/componentloginpage/approve", form);

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(text(xml(none.body()), "//*[@id='error']")).contains("No permission set");
        assertThat(postForm("/cgi-bin/componentloginpage/approve", form + "&func_id=2").statusCode()).isEqualTo(302);
    }

    @Test
    void approveWhenAccountAlreadyAuthorizedThenUpdateauthorizedPush() throws Exception {
        for (int i = 0; i < 2; i++) {
            postForm("/cgi-bin/componentloginpage/approve", "component_appid=" + APPID + "&pre_auth_code="
                    + encode(createPreAuthCode(componentToken)) + "&redirect_uri=" + encode(REDIRECT)
                    + "&authorizer_appid=wx1000000000000001&func_id=1");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> received("updateauthorized").size() == 1);
        assertThat(received("authorized")).hasSize(1);
        assertThat(received("updateauthorized").get(0).fields()).containsKeys("AuthorizationCode", "PreAuthCode",
                "AuthorizationCodeExpiredTime");
    }

    /**
     * The sandbox's own loggers at DEBUG, and Camel's at INFO (the configured level): Camel's netty-http DEBUG lines
     * print request lines and response headers, so they show what WeChat's protocol puts in URLs (tokens in the
     * query, the code in the redirect's Location).
     */
    @Test
    void approveWhenLoggingThenNoCodeOrTokenValueIsLogged() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);
        List<LogCapture.Event> logged = new java.util.ArrayList<>();
        HttpResponse<String> response;
        try (LogCapture sandbox = new LogCapture("io.wechatopen.camel.sandbox");
                LogCapture camel = new LogCapture(org.apache.logging.log4j.Level.INFO, "org.apache.camel")) {
            response = postForm("/cgi-bin/componentloginpage/approve", "component_appid=" + APPID
                    + "&pre_auth_code=" + encode(preAuthCode) + "&redirect_uri=" + encode(REDIRECT) + "&func_id=1");
            await().atMost(Duration.ofSeconds(10)).until(() -> received("authorized").size() == 1);
            logged.addAll(sandbox.events());
            logged.addAll(camel.events());
        }
        String location = response.headers().firstValue("Location").orElseThrow();
        String authCode = location.substring(location.indexOf("auth_code=") + 10, location.indexOf("&expires_in"));

        assertThat(logged).anySatisfy(e -> assertThat(e.message()).contains("Sandbox pushed authorized"));
        assertThat(logged).noneSatisfy(e -> assertThat(e.message()).contains(authCode))
                .noneSatisfy(e -> assertThat(e.message()).contains(preAuthCode))
                .noneSatisfy(e -> assertThat(e.message()).contains(componentToken));
    }

    private static String pageUrl(String path, String preAuthCode, String redirectUri) {
        return path + "?component_appid=" + APPID + "&pre_auth_code=" + encode(preAuthCode) + "&redirect_uri="
                + encode(redirectUri);
    }

    /** The page parsed as XML: the sandbox writes HTML that is also well-formed XML. */
    private static Document xml(String html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    private static Element element(Document page, String xpath) throws Exception {
        Element element = (Element) XPathFactory.newInstance().newXPath().evaluate(xpath, page, XPathConstants.NODE);
        assertThat(element).as(xpath).isNotNull();
        return element;
    }

    private static String attribute(Document page, String xpath, String name) throws Exception {
        return element(page, xpath).getAttribute(name);
    }

    private static String text(Document page, String xpath) throws Exception {
        return element(page, xpath).getTextContent();
    }

    private static List<String> ids(Document page, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, page,
                XPathConstants.NODESET);
        return java.util.stream.IntStream.range(0, nodes.getLength())
                .mapToObj(i -> ((Element) nodes.item(i)).getAttribute("id")).toList();
    }
}
