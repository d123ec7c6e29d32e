package io.wechatopen.camel.store;

import java.util.Map;

/** The authorizations held in {@code wechat_authorizer}, one row per component appid and authorizer appid. */
public interface AuthorizerStore {

    /**
     * @return the number of authorizers of a component by status (e.g. {@code AUTHORIZED}), statuses with no
     *         authorizer left out
     * @throws StoreException when the database cannot be read
     */
    Map<String, Long> countByStatus(String componentAppid);
}
