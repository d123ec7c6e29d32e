package io.wechatopen.camel.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a merchant does on WeChat's side: the authorization page ({@code componentloginpage}, and its H5 twin
 * {@code safe/bindcomponent}) with its approve form, and the same actions through the control API
 * ({@code /sandbox/authorizations}, {@code /sandbox/authorizers/{appid}/...}). Approving on the page and through
 * the control API run the same {@link SandboxAuthorizations#approve}. A method that leads to a push leaves it in
 * {@link SandboxPusher#AUTHORIZATION_PUSH}; the route sends it alongside the reply. Code and token values are never
 * logged.
 */
public final class SandboxAuthorizationHandler {

    /** Offered when {@code auth_type} is absent or includes Official Accounts (1 OA, 3 OA + MP, 6 all). */
    private static final Set<Integer> OFFICIAL_ACCOUNT_AUTH_TYPES = Set.of(1, 3, 6);
    private static final Set<String> APPROVE_FIELDS = Set.of("pre_auth_code", "redirect_uri", "authorizer_appid",
            "func_ids");
    private static final Set<String> UPDATE_FIELDS = Set.of("func_ids");
    private static final String AUTHORIZERS_PATH = "/sandbox/authorizers/";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxAuthorizationHandler.class);

    private final SandboxState state;
    private final ObjectMapper mapper;

    public SandboxAuthorizationHandler(SandboxState state, ObjectMapper mapper) {
        this.state = state;
        this.mapper = mapper;
    }

    /**
     * {@code GET /cgi-bin/componentloginpage} (and {@code /safe/bindcomponent}) with {@code component_appid},
     * {@code pre_auth_code}, {@code redirect_uri} and optional {@code auth_type}, {@code biz_appid},
     * {@code category_id_list} ({@code 1|2|3}): the authorization page, or a 400 error page.
     */
    public void showPage(Exchange exchange) {
        try {
            SandboxForm query = SandboxForm.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY,
                    String.class));
            String appid = query.first("component_appid");
            String preAuthCode = query.first("pre_auth_code");
            String redirectUri = query.first("redirect_uri");
            String bizAppid = query.first("biz_appid");
            List<Integer> categoryIds = funcIds(query.first("category_id_list"), "category_id_list");
            Integer authType = number(query.first("auth_type"), "auth_type");
            List<SandboxAccount> accounts = state.authorizations().openPage(appid, preAuthCode, redirectUri, bizAppid,
                    categoryIds);
            String note = null;
            if (bizAppid == null && authType != null && !OFFICIAL_ACCOUNT_AUTH_TYPES.contains(authType)) {
                accounts = List.of();
                note = "auth_type=" + authType + " asks for no Official Accounts, and the sandbox has only those.";
            }
            SandboxReply.html(exchange, 200, SandboxAuthorizationPage.authorize(appid, preAuthCode, redirectUri,
                    accounts, categoryIds == null ? SandboxFuncScopes.DEFAULT_IDS : categoryIds, note));
        } catch (IllegalArgumentException e) {
            // SandboxAuthorizations.Rejected, or a broken query
            SandboxReply.html(exchange, 400, SandboxAuthorizationPage.error(e.getMessage()));
        }
    }

    /**
     * {@code POST /cgi-bin/componentloginpage/approve}, the page's form: approves, and answers 302 to
     * {@code redirect_uri} with {@code auth_code} and {@code expires_in}; or 400 with an error page, nothing done.
     */
    public void approveOnPage(Exchange exchange) {
        try {
            SandboxForm form = SandboxForm.parse(body(exchange));
            List<Integer> funcIds = new ArrayList<>();
            for (String value : form.all("func_id")) {
                funcIds.add(number(value, "func_id"));
            }
            SandboxAuthorizations.Approval approval = approve(exchange, form.first("component_appid"),
                    form.first("pre_auth_code"), form.first("authorizer_appid"), funcIds, form.first("redirect_uri"),
                    true);
            SandboxReply.redirect(exchange, approval.redirectUrl(),
                    SandboxAuthorizationPage.redirecting(approval.redirectUrl()));
        } catch (IllegalArgumentException e) {
            SandboxReply.html(exchange, 400, SandboxAuthorizationPage.error(e.getMessage()));
        }
    }

    /**
     * {@code POST /sandbox/authorizations} {@code {"pre_auth_code", "redirect_uri"?, "authorizer_appid"?,
     * "func_ids"?}}: a merchant approves as on the page. Answers {@code {"auth_code", "authorizer_appid",
     * "info_type", "redirect_url"?}}, or 400 {@code {"error"}}.
     */
    public void approveByControl(Exchange exchange) {
        try {
            JsonNode body = object(exchange, APPROVE_FIELDS, false);
            SandboxAuthorizations.Approval approval = approve(exchange, state.component().appid(),
                    string(body, "pre_auth_code"), string(body, "authorizer_appid"), funcIds(body),
                    string(body, "redirect_uri"), false);
            Map<String, Object> reply = approvalReply(approval);
            if (approval.redirectUrl() != null) {
                reply.put("redirect_url", approval.redirectUrl());
            }
            ok(exchange, reply);
        } catch (SandboxAuthorizations.Rejected e) {
            error(exchange, e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
        }
    }

    /**
     * {@code POST /sandbox/authorizers/{appid}/{action}}: {@code update} (body {@code {"func_ids"?}}; answers
     * {@code {"auth_code", ...}}), {@code unauthorize}, {@code rotate-refresh-token}, {@code expire-access-tokens}
     * (answer {@code {"ok":true, ...}}). 404 for an unknown action or account, 409 for an account not authorized now.
     */
    public void changeAuthorizer(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        String[] parts = path == null || !path.startsWith(AUTHORIZERS_PATH) ? new String[0]
                : path.substring(AUTHORIZERS_PATH.length()).split("/");
        if (parts.length != 2) {
            error(exchange, 404, "use /sandbox/authorizers/{appid}/{update|unauthorize|rotate-refresh-token|"
                    + "expire-access-tokens}");
            return;
        }
        String appid = parts[0];
        SandboxAuthorizations authorizations = state.authorizations();
        try {
            switch (parts[1]) {
                case "update" -> {
                    SandboxAuthorizations.Approval approval = authorizations.update(appid,
                            funcIds(object(exchange, UPDATE_FIELDS, true)));
                    exchange.setProperty(SandboxPusher.AUTHORIZATION_PUSH, approval.push());
                    LOG.info("Sandbox: {} changed its authorization", appid);
                    ok(exchange, approvalReply(approval));
                }
                case "unauthorize" -> {
                    exchange.setProperty(SandboxPusher.AUTHORIZATION_PUSH, authorizations.unauthorize(appid));
                    LOG.info("Sandbox: {} withdrew its authorization", appid);
                    ok(exchange, Map.of("ok", true));
                }
                case "rotate-refresh-token" -> {
                    authorizations.rotateRefreshToken(appid);
                    ok(exchange, Map.of("ok", true));
                }
                case "expire-access-tokens" -> ok(exchange,
                        Map.of("ok", true, "expired", authorizations.expireAccessTokens(appid)));
                default -> error(exchange, 404, "unknown action '" + parts[1]
                        + "'; known: update, unauthorize, rotate-refresh-token, expire-access-tokens");
            }
        } catch (SandboxAuthorizations.Rejected e) {
            error(exchange, e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
        }
    }

    private SandboxAuthorizations.Approval approve(Exchange exchange, String appid, String preAuthCode,
            String authorizerAppid, List<Integer> funcIds, String redirectUri, boolean redirectRequired) {
        SandboxAuthorizations.Approval approval = state.authorizations().approve(appid, preAuthCode,
                authorizerAppid, funcIds, redirectUri, redirectRequired);
        exchange.setProperty(SandboxPusher.AUTHORIZATION_PUSH, approval.push());
        LOG.info("Sandbox: {} approved the authorization ({})", approval.authorizerAppid(),
                approval.push().infoType());
        return approval;
    }

    private static Map<String, Object> approvalReply(SandboxAuthorizations.Approval approval) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("auth_code", approval.authCode());
        reply.put("authorizer_appid", approval.authorizerAppid());
        reply.put("info_type", approval.push().infoType());
        return reply;
    }

    /** {@code "1|2|3"} as numbers without repeats, or {@code null} when absent. */
    private static List<Integer> funcIds(String list, String name) {
        if (list == null) {
            return null;
        }
        Set<Integer> ids = new LinkedHashSet<>();
        for (String part : list.split("\\|")) {
            ids.add(number(part, name));
        }
        return List.copyOf(ids);
    }

    /** {@code func_ids} of a control body: an array of whole numbers, or {@code null} when absent. */
    private static List<Integer> funcIds(JsonNode body) {
        JsonNode value = body.get("func_ids");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("func_ids must be an array of permission set ids, e.g. [1,2,3]");
        }
        List<Integer> ids = new ArrayList<>();
        for (JsonNode id : value) {
            if (!id.canConvertToInt() || !id.isIntegralNumber()) {
                throw new IllegalArgumentException("func_ids must be an array of permission set ids, e.g. [1,2,3]");
            }
            ids.add(id.asInt());
        }
        return ids;
    }

    private static Integer number(String text, String name) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + text + "' is not a number.");
        }
    }

    private static String string(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static String body(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        return raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
    }

    /** The body as a JSON object with only {@code allowed} fields; an empty body is {@code {}} when optional. */
    private JsonNode object(Exchange exchange, Set<String> allowed, boolean bodyOptional) {
        String text = body(exchange);
        if (text.isBlank() && bodyOptional) {
            return mapper.createObjectNode();
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object with some of " + sorted(allowed));
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'; allowed: " + sorted(allowed));
            }
        }
        return json;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private void ok(Exchange exchange, Object reply) {
        SandboxReply.json(exchange, mapper, 200, SandboxReply.JSON, reply);
    }

    private void error(Exchange exchange, int status, String message) {
        SandboxReply.json(exchange, mapper, status, SandboxReply.JSON, Map.of("error", message));
    }
}
