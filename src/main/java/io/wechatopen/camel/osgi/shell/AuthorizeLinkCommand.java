package io.wechatopen.camel.osgi.shell;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.wechatopen.camel.admin.WeChatOperations;

/** {@code wechat:authorize-link [--component C]}: the link to send an account owner to, to authorize a platform. */
@Service
@Command(scope = "wechat", name = "authorize-link", description = "The authorization page to send an account "
        + "owner to")
public class AuthorizeLinkCommand implements Action {

    @Option(name = "--component", aliases = "-c", description = "the platform's appid (default: the first one)")
    String component;

    @Reference
    WeChatOperations operations;

    @Override
    public Object execute() throws Exception {
        try {
            System.out.println(operations.authorizeLink(Optional.ofNullable(component)));
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
        }
        return null;
    }
}
