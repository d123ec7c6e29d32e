package io.wechatopen.camel.token;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;

/** A scripted {@link ComponentApiClient} for unit tests of the managers: records calls, answers from a queue. */
final class RecordingComponentApi implements ComponentApiClient {

    final List<String> ticketsUsed = new CopyOnWriteArrayList<>();
    final AtomicInteger tokenCalls = new AtomicInteger();
    final AtomicInteger startPushCalls = new AtomicInteger();
    private final Deque<Supplier<ComponentTokenResponse>> answers = new ArrayDeque<>();
    private final AtomicInteger issued = new AtomicInteger();
    volatile Runnable beforeAnswer = () -> {
    };

    synchronized void answerNext(Supplier<ComponentTokenResponse> answer) {
        answers.add(answer);
    }

    @Override
    public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
        tokenCalls.incrementAndGet();
        ticketsUsed.add(verifyTicket);
        beforeAnswer.run();
        Supplier<ComponentTokenResponse> answer;
        synchronized (this) {
            answer = answers.poll();
        }
        if (answer != null) {
            return answer.get();
        }
        return new ComponentTokenResponse("token-" + issued.incrementAndGet(), 7200);
    }

    @Override
    public void startPushTicket(String componentAppid, String appsecret) {
        startPushCalls.incrementAndGet();
    }

    @Override
    public io.wechatopen.camel.api.dto.PreAuthCodeResponse createPreAuthCode(String componentAppid) {
        throw new UnsupportedOperationException("not used by the component token tests");
    }

    @Override
    public io.wechatopen.camel.api.dto.QueryAuthResponse queryAuth(String componentAppid, String code) {
        throw new UnsupportedOperationException("not used by the component token tests");
    }

    @Override
    public io.wechatopen.camel.api.dto.AuthorizerTokenResponse authorizerToken(String componentAppid,
            String authorizerAppid, String refreshToken) {
        throw new UnsupportedOperationException("not used by the component token tests");
    }

    @Override
    public io.wechatopen.camel.api.dto.AuthorizerInfoResponse authorizerInfo(String componentAppid,
            String authorizerAppid) {
        throw new UnsupportedOperationException("not used by the component token tests");
    }

    @Override
    public io.wechatopen.camel.api.dto.AuthorizerListResponse authorizerList(String componentAppid, int offset,
            int count) {
        throw new UnsupportedOperationException("not used by the component token tests");
    }
}
