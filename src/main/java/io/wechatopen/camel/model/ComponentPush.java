package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified and decrypted push to the 授权事件接收URL.
 *
 * @param componentAppid the {@code AppId} of the push (our component)
 * @param infoType the {@code InfoType}, see {@link InfoType}; unknown types are kept as they are
 * @param createTime WeChat's {@code CreateTime}
 * @param fields every element of the decrypted message by name (may hold secrets: the ticket, authorization codes)
 */
public record ComponentPush(String componentAppid, String infoType, Instant createTime, Map<String, String> fields) {

    public ComponentPush {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(infoType, "infoType");
        Objects.requireNonNull(createTime, "createTime");
        fields = Map.copyOf(fields);
    }

    /** A field of the decrypted message, if present and not blank. */
    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name)).filter(v -> !v.isBlank());
    }

    /** {@code AuthorizerAppid} of authorization pushes. */
    public Optional<String> authorizerAppid() {
        return field("AuthorizerAppid");
    }

    public boolean isTicket() {
        return InfoType.COMPONENT_VERIFY_TICKET.equals(infoType);
    }

    @Override
    public String toString() {
        return "ComponentPush[componentAppid=" + componentAppid + ", infoType=" + infoType + ", createTime="
                + createTime + ", authorizerAppid=" + authorizerAppid().orElse("-") + "]";
    }
}
