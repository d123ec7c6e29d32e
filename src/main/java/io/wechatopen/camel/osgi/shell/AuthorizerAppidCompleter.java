package io.wechatopen.camel.osgi.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.wechatopen.camel.admin.WeChatOperations;

/** Completes authorizer appids from the store. */
@Service
public class AuthorizerAppidCompleter implements Completer {

    @Reference
    WeChatOperations operations;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(operations.authorizerAppids()).complete(session, commandLine, candidates);
    }
}
