package io.wechatopen.camel.osgi.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.wechatopen.camel.admin.WeChatOperations;

/**
 * {@code wechat:events [--failed | --status S]}: the recorded pushes in a status (FAILED by default), as
 * {@code GET /admin/events} shows them; never a payload.
 */
@Service
@Command(scope = "wechat", name = "events", description = "Recorded pushes in a status (FAILED by default)")
public class EventsCommand implements Action {

    @Option(name = "--failed", description = "the pushes that failed for good (the default)")
    boolean failed;

    @Option(name = "--status", aliases = "-s", description = "RECEIVED, PROCESSED or FAILED")
    String status;

    @Reference
    WeChatOperations operations;

    @Override
    public Object execute() throws Exception {
        String wanted = failed || status == null ? "FAILED" : status;
        try {
            System.out.println(ShellJson.pretty(operations.events(wanted)));
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
        }
        return null;
    }
}
