package io.wechatopen.camel.web;

/**
 * Where a page may send the browser afterwards: only our own site, a relative path or a URL under our public URL,
 * so no flow can be used as an open redirect. The rule for the {@code return_to} of {@code /authorize} and of web
 * authorization on behalf.
 */
final class ReturnTargets {

    private static final int MAX_LENGTH = 2048;

    private ReturnTargets() {
    }

    /** Whether {@code target} is a path on this site (not {@code //host}) or starts with {@code publicUrl + "/"}. */
    static boolean isSafe(String publicUrl, String target) {
        if (target.length() > MAX_LENGTH || target.contains("\\") || target.chars().anyMatch(c -> c < 0x21)) {
            return false;
        }
        if (target.startsWith("/")) {
            return !target.startsWith("//");
        }
        return target.startsWith(publicUrl + "/");
    }
}
