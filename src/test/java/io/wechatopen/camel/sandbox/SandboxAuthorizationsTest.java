package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.support.MutableClock;

class SandboxAuthorizationsTest {

    private static final String APPID = "wx0123456789abcdef";
    private static final String ACCOUNT = SandboxAccounts.FIRST_APPID;
    private static final String OTHER_ACCOUNT = "wx1000000000000002";
    private static final String REDIRECT = "https://platform.example/wechat/authorize/callback?state=s1";
    private static final String RID = " rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T08:00:00Z"));
    private final SandboxAuthorizations authorizations = new SandboxAuthorizations(APPID, clock);

    @Test
    void createPreAuthCodeWhenAppidRightThenWeChatShapedCodeValid1800Seconds() {
        Map<String, Object> reply = authorizations.createPreAuthCode(APPID);

        assertThat(reply).containsOnlyKeys("pre_auth_code", "expires_in").containsEntry("expires_in", 1800L);
        assertThat((String) reply.get("pre_auth_code")).matches("preauthcode@@@[A-Za-z0-9_-]{86}");
        assertError(authorizations.createPreAuthCode("wxffffffffffffffff"), 40013, "invalid appid");
        assertError(authorizations.createPreAuthCode(null), 40013, "invalid appid");
    }

    @Test
    void approveWhenPreAuthCodeUsedThenRejectedAndEachOfSeveralCodesWorksOnce() {
        String first = preAuthCode();
        String second = preAuthCode();

        authorizations.approve(APPID, first, ACCOUNT, null, REDIRECT, true);

        assertThatThrownBy(() -> authorizations.approve(APPID, first, OTHER_ACCOUNT, null, REDIRECT, true))
                .isInstanceOf(SandboxAuthorizations.Rejected.class).hasMessageContaining("used already");
        assertThat(authorizations.approve(APPID, second, OTHER_ACCOUNT, null, REDIRECT, true).authorizerAppid())
                .isEqualTo(OTHER_ACCOUNT);
        assertThat(authorizations.authorizerInfo(APPID, OTHER_ACCOUNT)).containsKey("authorizer_info");
    }

    @Test
    void approveWhenPreAuthCodeIs1800SecondsOldThenRejectedAndNothingRecorded() {
        String young = preAuthCode();
        String old = preAuthCode();
        clock.advance(Duration.ofSeconds(1799));
        authorizations.approve(APPID, young, ACCOUNT, null, REDIRECT, true);
        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> authorizations.approve(APPID, old, OTHER_ACCOUNT, null, REDIRECT, true))
                .hasMessageContaining("expired");
        assertError(authorizations.authorizerInfo(APPID, OTHER_ACCOUNT), 61003,
                "component is not authorized by this account");
    }

    @Test
    void approveWhenCodeUnknownOrPlatformWrongOrInputBadThenRejectedWithoutUsingTheCode() {
        String code = preAuthCode();

        assertRejected(() -> authorizations.approve(APPID, "preauthcode@@@nope", ACCOUNT, null, REDIRECT, true),
                "unknown");
        assertRejected(() -> authorizations.approve("wxffffffffffffffff", code, ACCOUNT, null, REDIRECT, true),
                "not the platform");
        assertRejected(() -> authorizations.approve(APPID, code, "gh_notanappid", null, REDIRECT, true),
                "not an appid");
        assertRejected(() -> authorizations.approve(APPID, code, ACCOUNT, List.of(), REDIRECT, true),
                "No permission set");
        assertRejected(() -> authorizations.approve(APPID, code, ACCOUNT, null, null, true), "redirect_uri");

        assertThat(authorizations.approve(APPID, code, ACCOUNT, null, null, false).redirectUrl()).isNull();
    }

    @Test
    void approveWhenPageWasOpenedThenItsBizAppidCategoriesAndRedirectUriApply() {
        String code = preAuthCode();
        List<SandboxAccount> offered = authorizations.openPage(APPID, code, REDIRECT, OTHER_ACCOUNT, List.of(1, 2, 3));

        assertThat(offered).extracting(SandboxAccount::appid).containsExactly(OTHER_ACCOUNT);
        assertRejected(() -> authorizations.approve(APPID, code, ACCOUNT, null, null, false), "biz_appid");
        SandboxAuthorizations.Approval approval = authorizations.approve(APPID, code, null, null, null, false);

        assertThat(approval.authorizerAppid()).isEqualTo(OTHER_ACCOUNT);
        assertThat(approval.redirectUrl())
                .isEqualTo(REDIRECT + "&auth_code=" + approval.authCode() + "&expires_in=3600");
        assertThat(authorizations.queryAuth(APPID, approval.authCode()).toString())
                .contains("func_info=[{funcscope_category={id=1}}, {funcscope_category={id=2}}, "
                        + "{funcscope_category={id=3}}]");
    }

    @Test
    void openPageWhenAccountsAreNotNamedThenTheThreeTestAccountsAndNamedOnesAreOffered() {
        String code = preAuthCode();
        authorizations.accounts().account("wxabcdefabcdef0001");

        assertThat(authorizations.openPage(APPID, code, REDIRECT, null, null)).extracting(SandboxAccount::appid)
                .containsExactly("wx1000000000000001", "wx1000000000000002", "wx1000000000000003",
                        "wxabcdefabcdef0001");
        assertRejected(() -> authorizations.openPage(APPID, code, null, null, null), "redirect_uri");
        assertRejected(() -> authorizations.openPage(APPID, code, REDIRECT, "wx12", null), "biz_appid");
        assertRejected(() -> authorizations.openPage(APPID, code, REDIRECT, null, List.of(0)), "Permission set");
    }

    @Test
    void approveWhenAppidIsNotOfWeChatsLengthThenAcceptedWithMadeUpFacts() {
        assertThat(approve("wx300000000000009", null).authorizerAppid()).isEqualTo("wx300000000000009");

        assertThat(authorizations.authorizerInfo(APPID, "wx300000000000009").toString())
                .contains("nick_name=Sandbox Account 0009", "account_status=1");
    }

    @Test
    void approveWhenNewThenAuthorizedPushWithCodeValid3600SecondsAndThePreAuthCode() {
        String code = preAuthCode();
        Instant now = clock.instant();

        SandboxAuthorizations.Approval approval = authorizations.approve(APPID, code, ACCOUNT, null, REDIRECT, true);

        assertThat(approval.authCode()).matches("queryauthcode@@@[A-Za-z0-9_-]{86}");
        assertThat(approval.push()).isEqualTo(new SandboxAuthorizationPush("authorized", ACCOUNT, now,
                approval.authCode(), now.plusSeconds(3600), code));
        assertThat(approval.push().toString()).doesNotContain(approval.authCode()).doesNotContain(code);
    }

    @Test
    void queryAuthWhenCodeExchangedTwiceThen61009() {
        String authCode = approve(ACCOUNT, null).authCode();

        Map<String, Object> first = authorizations.queryAuth(APPID, authCode);

        assertThat(first).containsOnlyKeys("authorization_info");
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) first.get("authorization_info");
        assertThat(info).containsKeys("authorizer_appid", "authorizer_access_token", "expires_in",
                "authorizer_refresh_token", "func_info").containsEntry("expires_in", 7200L)
                .containsEntry("authorizer_appid", ACCOUNT);
        assertThat((String) info.get("authorizer_refresh_token")).matches("refreshtoken@@@[A-Za-z0-9_-]{43}");
        assertThat(info.get("func_info").toString()).contains("{funcscope_category={id=15}}");
        assertError(authorizations.queryAuth(APPID, authCode), 61009, "code is invalid");
        assertError(authorizations.queryAuth(APPID, "preauthcode@@@" + "x".repeat(86)), 61009, "code is invalid");
        assertError(authorizations.queryAuth(APPID, null), 61009, "code is invalid");
    }

    @Test
    void queryAuthWhenCode3600SecondsOldThen61010() {
        String young = approve(ACCOUNT, null).authCode();
        String old = approve(ACCOUNT, null).authCode();
        clock.advance(Duration.ofSeconds(3599));
        assertThat(authorizations.queryAuth(APPID, young)).containsKey("authorization_info");
        clock.advance(Duration.ofSeconds(1));

        assertError(authorizations.queryAuth(APPID, old), 61010, "code is expired");
        assertError(authorizations.queryAuth("wxffffffffffffffff", old), 40013, "invalid appid");
    }

    @Test
    void refreshTokenWhenFirstExchangedThenMintedAndBeforeThatEmptyInInfoAndList() {
        String authCode = approve(ACCOUNT, List.of(1, 15)).authCode();

        assertThat(authorizationInfo(ACCOUNT)).containsEntry("authorizer_refresh_token", "");
        assertThat(listItems()).singleElement().satisfies(item -> assertThat(item).containsEntry("refresh_token", "")
                .containsEntry("auth_time", clock.instant().getEpochSecond()));
        assertError(authorizations.authorizerToken(APPID, ACCOUNT, ""), 61023, "refresh_token is invalid");
        assertError(authorizations.authorizerToken(APPID, ACCOUNT, null), 61023, "refresh_token is invalid");

        String refreshToken = refreshTokenOf(authorizations.queryAuth(APPID, authCode));

        assertThat(authorizationInfo(ACCOUNT)).containsEntry("authorizer_refresh_token", refreshToken)
                .extracting(m -> m.get("func_info").toString())
                .isEqualTo("[{funcscope_category={id=1}}, {funcscope_category={id=15}}]");
        assertThat(listItems()).singleElement().satisfies(item -> assertThat(item)
                .containsEntry("refresh_token", refreshToken));
        assertThat(authorizations.authorizerToken(APPID, ACCOUNT, refreshToken))
                .containsOnlyKeys("authorizer_access_token", "expires_in", "authorizer_refresh_token")
                .containsEntry("authorizer_refresh_token", refreshToken).containsEntry("expires_in", 7200L);
        assertError(authorizations.authorizerToken(APPID, ACCOUNT, "refreshtoken@@@wrong"), 61023,
                "refresh_token is invalid");
    }

    @Test
    void approveWhenAlreadyAuthorizedThenUpdateauthorizedAndRefreshTokenKept() {
        String refreshToken = refreshTokenOf(authorizations.queryAuth(APPID, approve(ACCOUNT, null).authCode()));

        SandboxAuthorizations.Approval update = approve(ACCOUNT, List.of(1));

        assertThat(update.push().infoType()).isEqualTo("updateauthorized");
        assertThat(refreshTokenOf(authorizations.queryAuth(APPID, update.authCode()))).isEqualTo(refreshToken);
        assertThat(authorizationInfo(ACCOUNT).get("func_info").toString()).isEqualTo("[{funcscope_category={id=1}}]");
    }

    @Test
    void approveWhenAuthorizedAgainAfterWithdrawalThenNewRefreshTokenAndOldOne61023() {
        String old = refreshTokenOf(authorizations.queryAuth(APPID, approve(ACCOUNT, null).authCode()));
        authorizations.unauthorize(ACCOUNT);
        assertError(authorizations.authorizerToken(APPID, ACCOUNT, old), 61003,
                "component is not authorized by this account");

        SandboxAuthorizations.Approval again = approve(ACCOUNT, null);

        assertThat(again.push().infoType()).isEqualTo("authorized");
        assertError(authorizations.authorizerToken(APPID, ACCOUNT, old), 61023, "refresh_token is invalid");
        assertThat(listItems()).singleElement().satisfies(item -> assertThat(item).containsEntry("refresh_token", ""));
        String renewed = refreshTokenOf(authorizations.queryAuth(APPID, again.authCode()));
        assertThat(renewed).isNotEqualTo(old);
        assertThat(authorizations.authorizerToken(APPID, ACCOUNT, renewed)).containsKey("authorizer_access_token");
    }

    @Test
    void rotateRefreshTokenWhenAuthorizedThenOldOne61023AndNewOneInInfo() {
        String old = refreshTokenOf(authorizations.queryAuth(APPID, approve(ACCOUNT, null).authCode()));

        authorizations.rotateRefreshToken(ACCOUNT);

        assertError(authorizations.authorizerToken(APPID, ACCOUNT, old), 61023, "refresh_token is invalid");
        String current = (String) authorizationInfo(ACCOUNT).get("authorizer_refresh_token");
        assertThat(current).matches("refreshtoken@@@[A-Za-z0-9_-]{43}").isNotEqualTo(old);
        assertThat(authorizations.authorizerToken(APPID, ACCOUNT, current))
                .containsEntry("authorizer_refresh_token", current);
    }

    @Test
    void unauthorizeWhenAuthorizedThenEverything61003TokensInvalidAndListExcludesIt() {
        SandboxAuthorizations.Approval approval = approve(ACCOUNT, null);
        Map<String, Object> exchanged = authorizations.queryAuth(APPID, approval.authCode());
        String accessToken = accessTokenOf(exchanged);
        String pending = approve(ACCOUNT, null).authCode();
        approve(OTHER_ACCOUNT, null);

        SandboxAuthorizationPush push = authorizations.unauthorize(ACCOUNT);

        assertThat(push).isEqualTo(new SandboxAuthorizationPush("unauthorized", ACCOUNT, clock.instant(), null, null,
                null));
        assertError(authorizations.authorizerToken(APPID, ACCOUNT, refreshTokenOf(exchanged)), 61003,
                "component is not authorized by this account");
        assertError(authorizations.authorizerInfo(APPID, ACCOUNT), 61003, "component is not authorized");
        assertError(authorizations.option(APPID, ACCOUNT, "voice_recognize"), 61003, "component is not authorized");
        assertError(authorizations.queryAuth(APPID, pending), 61003, "component is not authorized");
        assertThat(authorizations.checkAccessToken(accessToken, "test").errcode()).isEqualTo(40001);
        assertThat(authorizations.authorizerList(APPID, null, null)).containsEntry("total_count", 1);
        assertThat(listItems()).extracting(item -> item.get("authorizer_appid")).containsExactly(OTHER_ACCOUNT);
        assertRejected(() -> authorizations.unauthorize(ACCOUNT), "withdrew");
        assertThatThrownBy(() -> authorizations.unauthorize("wxabcdefabcdef0009"))
                .isInstanceOfSatisfying(SandboxAuthorizations.Rejected.class,
                        e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void queryAuthWhenCodeIsFromAnEarlierAuthorizationThen61009() {
        String earlier = approve(ACCOUNT, null).authCode();
        authorizations.unauthorize(ACCOUNT);
        approve(ACCOUNT, null);

        assertError(authorizations.queryAuth(APPID, earlier), 61009, "code is invalid");
    }

    @Test
    void checkAccessTokenWhenRefreshedThenPreviousValid300SecondsThen40001() {
        Map<String, Object> exchanged = authorizations.queryAuth(APPID, approve(ACCOUNT, null).authCode());
        String previous = accessTokenOf(exchanged);
        assertThat(previous).matches("89_[A-Za-z0-9_-]{154}");
        clock.advance(Duration.ofMinutes(30));

        String current = (String) authorizations.authorizerToken(APPID, ACCOUNT, refreshTokenOf(exchanged))
                .get("authorizer_access_token");

        clock.advance(Duration.ofSeconds(299));
        assertThat(authorizations.checkAccessToken(previous, "test"))
                .isEqualTo(new SandboxAuthorizations.TokenCheck(0, ACCOUNT));
        clock.advance(Duration.ofSeconds(1));
        assertThat(authorizations.checkAccessToken(previous, "test").errcode()).isEqualTo(40001);
        assertThat(authorizations.checkAccessToken(current, "test").errcode()).isZero();
    }

    @Test
    void checkAccessTokenWhenPast7200SecondsOrExpiredByControlThen42001() {
        Map<String, Object> exchanged = authorizations.queryAuth(APPID, approve(ACCOUNT, null).authCode());
        String first = accessTokenOf(exchanged);
        clock.advance(Duration.ofSeconds(7199));
        assertThat(authorizations.checkAccessToken(first, "test").errcode()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(authorizations.checkAccessToken(first, "test").errcode()).isEqualTo(42001);

        String second = (String) authorizations.authorizerToken(APPID, ACCOUNT, refreshTokenOf(exchanged))
                .get("authorizer_access_token");
        assertThat(authorizations.expireAccessTokens(ACCOUNT)).isEqualTo(1);

        assertThat(authorizations.checkAccessToken(second, "test").errcode()).isEqualTo(42001);
    }

    @Test
    void checkAccessTokenWhenMissingMalformedOrUnknownThenWeChatErrcodes() {
        assertThat(authorizations.checkAccessToken(null, "test").errcode()).isEqualTo(41001);
        assertThat(authorizations.checkAccessToken("", "test").errcode()).isEqualTo(41001);
        assertThat(authorizations.checkAccessToken("not-a-token", "test").errcode()).isEqualTo(40014);
        assertThat(authorizations.checkAccessToken("89_" + "A".repeat(153), "test").errcode()).isEqualTo(40014);
        assertThat(authorizations.checkAccessToken("89_" + "A".repeat(154), "test"))
                .isEqualTo(new SandboxAuthorizations.TokenCheck(40001, null));
    }

    @Test
    void optionsWhenSetThenReadBackAndBadNamesOrValuesRejected() {
        approve(ACCOUNT, null);

        assertThat(authorizations.option(APPID, ACCOUNT, "location_report")).isEqualTo(
                Map.of("authorizer_appid", ACCOUNT, "option_name", "location_report", "option_value", "0"));
        assertThat(authorizations.setOption(APPID, ACCOUNT, "location_report", "2"))
                .containsEntry("errcode", 0).containsEntry("errmsg", "ok");
        assertThat(authorizations.ownOption(ACCOUNT, "location_report")).containsEntry("option_value", "2")
                .containsOnlyKeys("option_name", "option_value");
        assertThat(authorizations.setOwnOption(ACCOUNT, "customer_service", "1")).containsEntry("errcode", 0);
        assertThat(authorizations.option(APPID, ACCOUNT, "customer_service")).containsEntry("option_value", "1");

        assertError(authorizations.setOption(APPID, ACCOUNT, "voice_recognize", "2"), 61013, "invalid option value");
        assertError(authorizations.setOwnOption(ACCOUNT, "voice_recognize", null), 61013, "invalid option value");
        assertError(authorizations.option(APPID, ACCOUNT, "night_mode"), 61012, "invalid option name");
        assertError(authorizations.ownOption(ACCOUNT, null), 61012, "invalid option name");
        assertError(authorizations.option("wxffffffffffffffff", ACCOUNT, "voice_recognize"), 40013, "invalid appid");
    }

    @Test
    void authorizerListWhenPagedThenOffsetAndCountApplyAndCountIsCutTo500() {
        approve(ACCOUNT, null);
        clock.advance(Duration.ofSeconds(1));
        approve(OTHER_ACCOUNT, null);
        clock.advance(Duration.ofSeconds(1));
        approve("wx1000000000000003", null);

        assertThat(items(authorizations.authorizerList(APPID, 1L, 1L))).extracting(i -> i.get("authorizer_appid"))
                .containsExactly(OTHER_ACCOUNT);
        assertThat(authorizations.authorizerList(APPID, 0L, 10_000L)).containsEntry("total_count", 3)
                .extracting(body -> items(body).size()).isEqualTo(3);
        assertError(authorizations.authorizerList(APPID, -1L, 10L), 47001, "data format error");
        assertError(authorizations.authorizerList(APPID, 0L, 0L), 47001, "data format error");
        assertError(authorizations.authorizerList("wxffffffffffffffff", 0L, 10L), 40013, "invalid appid");
    }

    @Test
    void updateWhenAuthorizedThenNewCodeAndUpdateauthorizedPushWithAUsedPreAuthCode() {
        approve(ACCOUNT, null);

        SandboxAuthorizations.Approval update = authorizations.update(ACCOUNT, List.of(2, 2, 7));

        assertThat(update.push().infoType()).isEqualTo("updateauthorized");
        assertThat(update.push().preAuthCode()).matches("preauthcode@@@[A-Za-z0-9_-]{86}");
        assertRejected(() -> authorizations.approve(APPID, update.push().preAuthCode(), ACCOUNT, null, null, false),
                "used already");
        assertThat(authorizationInfo(ACCOUNT).get("func_info").toString())
                .isEqualTo("[{funcscope_category={id=2}}, {funcscope_category={id=7}}]");
        assertThat(authorizations.queryAuth(APPID, update.authCode())).containsKey("authorization_info");
    }

    @Test
    void snapshotWhenAuthorizedThenCountsAndFlagsWithoutValues() {
        String pending = preAuthCode();
        SandboxAuthorizations.Approval approval = approve(ACCOUNT, null);
        Map<String, Object> exchanged = authorizations.queryAuth(APPID, approval.authCode());
        authorizations.checkAccessToken(accessTokenOf(exchanged), SandboxFaults.GETCALLBACKIP);

        Map<String, Object> view = authorizations.snapshot();

        assertThat(view.get("pre_auth_codes")).isEqualTo(Map.of("issued", 2L, "usable", 1L));
        assertThat(view.get("auth_codes")).isEqualTo(Map.of("issued", 1L, "unused", 0L));
        assertThat(view.get("authorizers").toString()).contains("appid=" + ACCOUNT, "status=authorized",
                "refresh_token_present=true", "access_tokens_issued=1", "getcallbackip=1", "api_query_auth=1")
                .doesNotContain(refreshTokenOf(exchanged)).doesNotContain(accessTokenOf(exchanged))
                .doesNotContain(approval.authCode()).doesNotContain(pending);
    }

    @Test
    void redirectUrlWhenUriHasQueryOrFragmentThenParametersGoInTheRightPlace() {
        assertThat(SandboxAuthCodes.redirectUrl("https://p.example/cb", "C"))
                .isEqualTo("https://p.example/cb?auth_code=C&expires_in=3600");
        assertThat(SandboxAuthCodes.redirectUrl("https://p.example/cb?state=1", "C"))
                .isEqualTo("https://p.example/cb?state=1&auth_code=C&expires_in=3600");
        assertThat(SandboxAuthCodes.redirectUrl("https://p.example/cb?", "C"))
                .isEqualTo("https://p.example/cb?auth_code=C&expires_in=3600");
        assertThat(SandboxAuthCodes.redirectUrl("https://p.example/cb#top", "C"))
                .isEqualTo("https://p.example/cb?auth_code=C&expires_in=3600#top");
    }

    private String preAuthCode() {
        return (String) authorizations.createPreAuthCode(APPID).get("pre_auth_code");
    }

    private SandboxAuthorizations.Approval approve(String account, List<Integer> funcIds) {
        return authorizations.approve(APPID, preAuthCode(), account, funcIds, REDIRECT, true);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> authorizationInfo(String account) {
        return (Map<String, Object>) authorizations.authorizerInfo(APPID, account).get("authorization_info");
    }

    private List<Map<String, Object>> listItems() {
        return items(authorizations.authorizerList(APPID, null, null));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> list) {
        return (List<Map<String, Object>>) list.get("list");
    }

    @SuppressWarnings("unchecked")
    private static String refreshTokenOf(Map<String, Object> queryAuth) {
        return (String) ((Map<String, Object>) queryAuth.get("authorization_info")).get("authorizer_refresh_token");
    }

    @SuppressWarnings("unchecked")
    private static String accessTokenOf(Map<String, Object> queryAuth) {
        return (String) ((Map<String, Object>) queryAuth.get("authorization_info")).get("authorizer_access_token");
    }

    private static void assertRejected(Runnable action, String message) {
        assertThatThrownBy(action::run).isInstanceOf(SandboxAuthorizations.Rejected.class)
                .hasMessageContaining(message);
    }

    private static void assertError(Map<String, Object> reply, int errcode, String errmsg) {
        assertThat(reply).containsEntry("errcode", errcode);
        assertThat((String) reply.get("errmsg")).matches(Pattern.quote(errmsg) + ".*" + RID);
    }
}
