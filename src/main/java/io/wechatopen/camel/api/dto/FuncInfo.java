package io.wechatopen.camel.api.dto;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code func_info}: a granted permission set.
 *
 * @param funcscopeCategory the permission set
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FuncInfo(@JsonProperty("funcscope_category") Category funcscopeCategory) {

    /** @param id the permission-set id (1 消息管理, 2 用户管理, ...) */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Category(@JsonProperty("id") int id) {
    }

    /** The ids of a {@code func_info} array, in order, entries without a category skipped. */
    public static List<Integer> ids(List<FuncInfo> funcInfo) {
        if (funcInfo == null) {
            return List.of();
        }
        return funcInfo.stream().map(FuncInfo::funcscopeCategory).filter(Objects::nonNull).map(Category::id)
                .toList();
    }
}
