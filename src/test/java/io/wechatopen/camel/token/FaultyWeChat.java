package io.wechatopen.camel.token;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.FuncInfo;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;

/**
 * A small stateful WeChat for the token layer's fault tests: single-use codes, one current refresh token per
 * account, and per-API faults that act as WeChat's would (a lost reply does the work first; a connect failure does
 * nothing; an outage answers nothing).
 */
final class FaultyWeChat implements ComponentApiClient {

    /** What the next calls of an API do. */
    enum Fault {
        /** The work is done, then the reply is lost (read timeout). */
        LOSE_REPLY,
        /** The connection is refused: nothing is done. */
        CONNECT_REFUSED,
        /** WeChat's system error -1: nothing is done. */
        SYSTEM_ERROR
    }

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Long> authTimes = new ConcurrentHashMap<>();
    private final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();
    private final AtomicInteger minted = new AtomicInteger();
    private final java.util.Set<String> refused = ConcurrentHashMap.newKeySet();
    /** When set, api_authorizer_token does its work, then waits for this latch before answering. */
    volatile CountDownLatch holdRefreshReply;
    volatile CountDownLatch refreshWorkDone;

    /** An account approves: a code is minted (not exchanged yet). */
    synchronized String approve(String appid, long authTimeSeconds) {
        String code = "code-" + minted.incrementAndGet();
        codes.put(code, appid);
        authTimes.put(appid, authTimeSeconds);
        refreshTokens.remove(appid);
        return code;
    }

    /** WeChat replaces the account's refresh token (ours then gets 61023). */
    String rotate(String appid) {
        String token = "refresh-" + appid + "-" + minted.incrementAndGet();
        refreshTokens.put(appid, token);
        return token;
    }

    /** Every refresh token of the account gets 61023, while info and list still show the current one. */
    void refuseEveryRefreshToken(String appid) {
        refused.add(appid);
    }

    String refreshToken(String appid) {
        return refreshTokens.get(appid);
    }

    synchronized void fault(String api, Fault fault, int count) {
        List<Fault> queue = faults.computeIfAbsent(api, k -> new ArrayList<>());
        for (int i = 0; i < count; i++) {
            queue.add(fault);
        }
    }

    int calls(String api) {
        return calls.getOrDefault(api, new AtomicInteger()).get();
    }

    private synchronized Fault take(String api) {
        calls.computeIfAbsent(api, k -> new AtomicInteger()).incrementAndGet();
        List<Fault> queue = faults.get(api);
        return queue == null || queue.isEmpty() ? null : queue.remove(0);
    }

    private static RuntimeException before(String api, Fault fault) {
        return switch (fault) {
            case CONNECT_REFUSED -> new WeChatUnreachableException(api, new ConnectException("Connection refused"),
                    false);
            case SYSTEM_ERROR -> new WeChatApiException(api, -1, "system error");
            case LOSE_REPLY -> null;
        };
    }

    private static RuntimeException lost(String api) {
        return new WeChatUnreachableException(api, new SocketTimeoutException("Read timed out"), true);
    }

    @Override
    public QueryAuthResponse queryAuth(String componentAppid, String code) {
        Fault fault = take("api_query_auth");
        if (fault != null && before("api_query_auth", fault) != null) {
            throw before("api_query_auth", fault);
        }
        String appid;
        synchronized (this) {
            appid = codes.remove(code);
            if (appid == null) {
                throw new WeChatApiException("api_query_auth", 61009, "code is invalid");
            }
        }
        String refresh = refreshTokens.computeIfAbsent(appid, a -> "refresh-" + a + "-" + minted.incrementAndGet());
        if (fault == Fault.LOSE_REPLY) {
            throw lost("api_query_auth");
        }
        return new QueryAuthResponse(new QueryAuthResponse.AuthorizationInfo(appid,
                "access-" + minted.incrementAndGet(), 7200, refresh, funcInfo()));
    }

    @Override
    public AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid,
            String refreshToken) {
        Fault fault = take("api_authorizer_token");
        if (fault != null && before("api_authorizer_token", fault) != null) {
            throw before("api_authorizer_token", fault);
        }
        if (refreshToken == null || refused.contains(authorizerAppid)
                || !refreshToken.equals(refreshTokens.get(authorizerAppid))) {
            throw new WeChatApiException("api_authorizer_token", 61023, "refresh_token is invalid");
        }
        String access = "access-" + minted.incrementAndGet();
        CountDownLatch done = refreshWorkDone;
        CountDownLatch hold = holdRefreshReply;
        if (done != null) {
            done.countDown();
        }
        if (hold != null) {
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new AuthorizerTokenResponse(access, 7200, refreshToken);
    }

    @Override
    public AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid) {
        Fault fault = take("api_get_authorizer_info");
        if (fault != null) {
            throw fault == Fault.LOSE_REPLY ? lost("api_get_authorizer_info")
                    : before("api_get_authorizer_info", fault);
        }
        if (!authTimes.containsKey(authorizerAppid)) {
            throw new WeChatApiException("api_get_authorizer_info", 61003, "component is not authorized");
        }
        String refresh = refreshTokens.getOrDefault(authorizerAppid, "");
        return new AuthorizerInfoResponse(null,
                new AuthorizerInfoResponse.AuthorizationInfo(authorizerAppid, refresh, funcInfo()));
    }

    @Override
    public AuthorizerListResponse authorizerList(String componentAppid, int offset, int count) {
        Fault fault = take("api_get_authorizer_list");
        if (fault != null) {
            throw fault == Fault.LOSE_REPLY ? lost("api_get_authorizer_list")
                    : before("api_get_authorizer_list", fault);
        }
        List<AuthorizerListResponse.Item> items = new ArrayList<>();
        authTimes.forEach((appid, time) -> items.add(
                new AuthorizerListResponse.Item(appid, refreshTokens.getOrDefault(appid, ""), time)));
        List<AuthorizerListResponse.Item> page = offset >= items.size() ? List.of()
                : items.subList(offset, Math.min(items.size(), offset + count));
        return new AuthorizerListResponse(items.size(), page);
    }

    private static List<FuncInfo> funcInfo() {
        return List.of(new FuncInfo(new FuncInfo.Category(1)), new FuncInfo(new FuncInfo.Category(15)));
    }

    @Override
    public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
        throw new UnsupportedOperationException("not used here");
    }

    @Override
    public void startPushTicket(String componentAppid, String appsecret) {
        throw new UnsupportedOperationException("not used here");
    }

    @Override
    public PreAuthCodeResponse createPreAuthCode(String componentAppid) {
        throw new UnsupportedOperationException("not used here");
    }
}
