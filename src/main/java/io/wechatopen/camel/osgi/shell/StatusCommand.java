package io.wechatopen.camel.osgi.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.wechatopen.camel.admin.WeChatOperations;

/** {@code wechat:status}: what {@code GET /admin/status} shows, as JSON. Never a ticket, token or secret. */
@Service
@Command(scope = "wechat", name = "status", description = "Ticket age, component token expiry, accounts by status "
        + "and the last upkeep results of each platform")
public class StatusCommand implements Action {

    @Reference
    WeChatOperations operations;

    @Override
    public Object execute() throws Exception {
        System.out.println(ShellJson.pretty(operations.status()));
        return null;
    }
}
