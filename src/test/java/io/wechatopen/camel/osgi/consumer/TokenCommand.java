package io.wechatopen.camel.osgi.consumer;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.wechatopen.camel.AuthorizerTokens;

/**
 * A command of the test's second bundle, "another bundle" of issue 7: it gets an authorizer's access token through
 * the {@link AuthorizerTokens} OSGi service and prints it, so the test can use it against the sandbox. (Test only:
 * the product never prints a token.)
 */
@Service
@Command(scope = "tokentest", name = "token", description = "Print an authorizer's access token (test bundle)")
public class TokenCommand implements Action {

    @Argument(index = 0, name = "appid", required = true)
    String appid;

    @Reference
    AuthorizerTokens tokens;

    @Override
    public Object execute() {
        System.out.println("token=" + tokens.accessToken(appid));
        return null;
    }
}
