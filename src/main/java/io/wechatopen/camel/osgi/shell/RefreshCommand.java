package io.wechatopen.camel.osgi.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.admin.WeChatOperations;

/** {@code wechat:refresh <appid>}: refreshes one account's access token now and shows its new expiry. */
@Service
@Command(scope = "wechat", name = "refresh", description = "Refresh an authorized account's access token now")
public class RefreshCommand implements Action {

    @Argument(index = 0, name = "appid", description = "the authorizer appid", required = true)
    @Completion(AuthorizerAppidCompleter.class)
    String appid;

    @Reference
    WeChatOperations operations;

    @Override
    public Object execute() throws Exception {
        try {
            Instant expiresAt = operations.refresh(appid);
            System.out.println("Refreshed " + appid + ": the new access token expires at " + expiresAt);
        } catch (AuthorizerUnavailableException e) {
            System.out.println("Cannot refresh " + appid + " (" + e.getReason() + "): " + e.getMessage());
        }
        return null;
    }
}
