package io.wechatopen.camel.osgi.shell;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.wechatopen.camel.admin.WeChatOperations;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.quota.QuotaClearance;
import io.wechatopen.camel.quota.QuotaResetRefusedException;

/**
 * {@code wechat:quota-clear [--component C] [appid]}: as {@code POST /admin/quota/clear}, resets the platform's
 * quotas (or an authorized account's) with clear_quota/v2 and shows the month's resets left; refused without calling
 * WeChat once the month's 10 are spent. Never prints the AppSecret.
 */
@Service
@Command(scope = "wechat", name = "quota-clear",
        description = "Reset the platform's (or an account's) API quotas with clear_quota/v2 (10 per month)")
public class QuotaClearCommand implements Action {

    @Argument(index = 0, name = "appid", description = "an authorized account (default: the platform itself)")
    @Completion(AuthorizerAppidCompleter.class)
    String appid;

    @Option(name = "--component", aliases = "-c", description = "the platform's appid (default: the primary one)")
    String component;

    @Reference
    WeChatOperations operations;

    @Override
    public Object execute() throws Exception {
        try {
            QuotaClearance.Budget budget = operations.clearQuota(Optional.ofNullable(appid),
                    Optional.ofNullable(component));
            System.out.println("Quota reset for " + (appid == null ? "the platform" : appid) + "; "
                    + budget.left() + " of 10 resets left in " + budget.month() + " (Beijing time)");
        } catch (QuotaResetRefusedException e) {
            System.out.println("Refused: " + e.getMessage());
        } catch (WeChatApiException e) {
            System.out.println("WeChat refused: errcode " + e.getErrcode() + " " + e.getErrmsg());
        } catch (WeChatHttpException | WeChatUnreachableException | IllegalArgumentException
                | IllegalStateException e) {
            System.out.println("Not reset: " + e.getMessage());
        }
        return null;
    }
}
