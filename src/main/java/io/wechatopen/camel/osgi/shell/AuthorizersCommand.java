package io.wechatopen.camel.osgi.shell;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.wechatopen.camel.admin.WeChatOperations;
import io.wechatopen.camel.admin.WeChatOperations.AuthorizerSummary;
import io.wechatopen.camel.model.AuthorizerStatus;

/** {@code wechat:authorizers [--status S]}: the accounts that authorized the platforms, with token expiry only. */
@Service
@Command(scope = "wechat", name = "authorizers", description = "The authorized accounts and their token expiry")
public class AuthorizersCommand implements Action {

    @Option(name = "--status", aliases = "-s", description = "only accounts in this status: AUTHORIZED, "
            + "UNAUTHORIZED or NEEDS_REAUTHORIZATION")
    String status;

    @Reference
    WeChatOperations operations;

    @Override
    public Object execute() throws Exception {
        Optional<AuthorizerStatus> only;
        try {
            only = Optional.ofNullable(status).map(s -> AuthorizerStatus.valueOf(s.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            System.out.println("Unknown status " + status + ": use one of "
                    + java.util.Arrays.toString(AuthorizerStatus.values()));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Authorizer");
        table.column("Component");
        table.column("Status");
        table.column("Token expires");
        table.column("Refresh token");
        table.column("Authorized at");
        for (AuthorizerSummary account : operations.authorizers(only)) {
            table.addRow().addContent(account.authorizerAppid(), account.componentAppid(), account.status(),
                    text(account.accessTokenExpiresAt()), account.refreshTokenKept() ? "kept" : "MISSING",
                    text(account.authorizedAt()));
        }
        table.print(System.out);
        return null;
    }

    private static String text(Instant instant) {
        return instant == null ? "-" : instant.toString();
    }
}
