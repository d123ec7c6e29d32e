package io.wechatopen.camel.token;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.wechatopen.camel.store.ApiBackoffStore;

/** In-memory twin of the back-off store, for unit tests of one instance (messages are not shortened). */
final class InMemoryApiBackoffStore implements ApiBackoffStore {

    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

    @Override
    public Optional<Backoff> find(String componentAppid, String api) {
        return Optional.ofNullable(backoffs.get(key(componentAppid, api)));
    }

    @Override
    public Backoff update(String componentAppid, String api, Function<Optional<Backoff>, Backoff> next) {
        return backoffs.compute(key(componentAppid, api), (k, stored) -> next.apply(Optional.ofNullable(stored)));
    }

    @Override
    public boolean delete(String componentAppid, String api) {
        return backoffs.remove(key(componentAppid, api)) != null;
    }

    @Override
    public int deleteAll(String componentAppid) {
        int before = backoffs.size();
        backoffs.keySet().removeIf(k -> k.startsWith(componentAppid + "/"));
        return before - backoffs.size();
    }

    private static String key(String componentAppid, String api) {
        return componentAppid + "/" + api;
    }
}
