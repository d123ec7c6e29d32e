package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Official Accounts a person can authorize with in the sandbox: three fixed test accounts
 * ({@value #FIRST_APPID}, {@code wx1000000000000002}, {@code wx1000000000000003}) plus any other appid named through
 * the control API or {@code biz_appid}, for which plausible facts are made up. Thread-safe.
 */
public final class SandboxAccounts {

    /** The first test account: the default when no account is named. */
    public static final String FIRST_APPID = "wx1000000000000001";

    /** WeChat issues {@code wx} + 16 hex digits; tests may use other lengths, so only the shape is checked. */
    private static final Pattern APPID = Pattern.compile("wx[0-9A-Za-z]{8,32}");

    private static final List<SandboxAccount> CATALOGUE = List.of(
            new SandboxAccount(FIRST_APPID, "Sandbox Coffee", "http://wx.qlogo.cn/mmopen/sandbox-coffee/0", 2, 0,
                    "gh_5a4d0c0ffee1", "sandbox_coffee", "http://mmbiz.qpic.cn/mmbiz_jpg/sandbox-coffee/0",
                    "Sandbox Coffee Co., Ltd.", "Fresh coffee from the sandbox.", true),
            new SandboxAccount("wx1000000000000002", "Sandbox Notes", "http://wx.qlogo.cn/mmopen/sandbox-notes/0", 0,
                    -1, "gh_5a4d0e0be002", "", "http://mmbiz.qpic.cn/mmbiz_jpg/sandbox-notes/0", "个人",
                    "A personal subscription account for tests.", false),
            new SandboxAccount("wx1000000000000003", "Sandbox Books", "http://wx.qlogo.cn/mmopen/sandbox-books/0", 1,
                    3, "gh_5a4d0b00c003", "sandbox_books", "http://mmbiz.qpic.cn/mmbiz_jpg/sandbox-books/0",
                    "Sandbox Books Ltd.", "Books, verified by qualification only.", false));

    private final Map<String, SandboxAccount> accounts = new LinkedHashMap<>();

    public SandboxAccounts() {
        CATALOGUE.forEach(a -> accounts.put(a.appid(), a));
    }

    /** Whether {@code value} looks like an appid: {@code wx} followed by 8 to 32 letters or digits. */
    public static boolean isAppid(String value) {
        return value != null && APPID.matcher(value).matches();
    }

    /**
     * The account with this appid: a test account, or one made up (and kept) on first use.
     *
     * @throws IllegalArgumentException when {@code appid} is no appid
     */
    public synchronized SandboxAccount account(String appid) {
        if (!isAppid(appid)) {
            throw new IllegalArgumentException("'" + appid + "' is not an appid (wx followed by letters and digits)");
        }
        return accounts.computeIfAbsent(appid, SandboxAccounts::madeUp);
    }

    /**
     * The account with this appid, made up on first use with the given original id ({@code gh_...}): for accounts
     * whose original id WeChat publishes, such as the release-test accounts.
     *
     * @throws IllegalArgumentException when {@code appid} is no appid
     */
    public synchronized SandboxAccount account(String appid, String userName) {
        if (!isAppid(appid)) {
            throw new IllegalArgumentException("'" + appid + "' is not an appid (wx followed by letters and digits)");
        }
        return accounts.computeIfAbsent(appid, id -> {
            SandboxAccount madeUp = madeUp(id);
            return new SandboxAccount(id, madeUp.nickName(), madeUp.headImg(), madeUp.serviceType(),
                    madeUp.verifyType(), userName, madeUp.alias(), madeUp.qrcodeUrl(), madeUp.principalName(),
                    madeUp.signature(), madeUp.openPay());
        });
    }

    /** Every account known so far: the three test accounts first, then the made-up ones in order of first use. */
    public synchronized List<SandboxAccount> all() {
        return List.copyOf(accounts.values());
    }

    private static SandboxAccount madeUp(String appid) {
        String hash = sha1Hex(appid);
        String tail = appid.substring(appid.length() - 4);
        return new SandboxAccount(appid, "Sandbox Account " + tail, "http://wx.qlogo.cn/mmopen/sandbox-" + tail + "/0",
                2, 0, "gh_" + hash.substring(0, 12), "", "http://mmbiz.qpic.cn/mmbiz_jpg/sandbox-" + tail + "/0",
                "Sandbox Test Co., Ltd.", "A sandbox test account.", false);
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
