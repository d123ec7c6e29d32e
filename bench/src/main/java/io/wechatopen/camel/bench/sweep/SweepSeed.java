package io.wechatopen.camel.bench.sweep;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.support.DetachedSandbox;

/**
 * Puts {@code n} authorized accounts into the sandbox (in-process, in one call) and into the bundle's database (one
 * batched insert, tokens sealed as {@code JdbcAuthorizerStore} seals them), not due yet. Account {@code i} is
 * {@code wxbench} followed by {@code i} in nine digits, so SQL can order and select them by number.
 */
final class SweepSeed {

    static final String PREFIX = "wxbench";
    private static final int BATCH = 1000;
    private static final String INSERT = "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status,"
            + " status_changed_at, access_token, access_token_expires_at, refresh_token, func_info, info,"
            + " authorized_at, updated_at, version) VALUES (?, ?, 'AUTHORIZED', ?, ?, ?, ?, '[1,2,3,4,7,11,15]',"
            + " '{}', ?, ?, 1)";
    /** Makes accounts 0 to n-1 due, expiring from {@code first} on, {@code step} ms apart (soonest first). */
    private static final String MAKE_DUE = "UPDATE wechat_authorizer SET access_token_expires_at = ? + ?"
            + " * CAST(SUBSTRING(authorizer_appid, 8) AS BIGINT) WHERE component_appid = ? AND authorizer_appid < ?";

    private SweepSeed() {
    }

    static String appid(int i) {
        return String.format("%s%09d", PREFIX, i);
    }

    /** Seeds {@code n} accounts, their access tokens valid for two more hours. */
    static void seed(DataSource dataSource, DetachedSandbox sandbox, int n) throws SQLException {
        List<String> appids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            appids.add(appid(i));
        }
        Map<String, String> refreshTokens = sandbox.state().authorizations().authorizeAll(appids);
        SecretSealer sealer = sandbox.sealer();
        String component = DetachedSandbox.COMPONENT_APPID;
        long now = System.currentTimeMillis();
        long expires = Instant.ofEpochMilli(now).plusSeconds(7200).toEpochMilli();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(false);
            int pending = 0;
            for (String appid : appids) {
                insert.setString(1, component);
                insert.setString(2, appid);
                insert.setLong(3, now);
                // Not a token WeChat issued: it is never used, only replaced.
                insert.setString(4, sealer.seal("89_seeded_" + appid,
                        "wechat_authorizer.access_token:" + component + ":" + appid));
                insert.setLong(5, expires);
                insert.setString(6, sealer.seal(refreshTokens.get(appid),
                        "wechat_authorizer.refresh_token:" + component + ":" + appid));
                insert.setLong(7, now);
                insert.setLong(8, now);
                insert.addBatch();
                if (++pending == BATCH) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            insert.executeBatch();
            connection.commit();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement analyze = connection.prepareStatement("ANALYZE wechat_authorizer")) {
            analyze.execute();
        }
    }

    /**
     * Makes accounts 0 to {@code n-1} due at once: account {@code i} expires at {@code first + i * step} ms, so the
     * soonest-first sweep meets them in order of number.
     */
    static void makeDue(DataSource dataSource, int n, long first, long step) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(MAKE_DUE)) {
            update.setLong(1, first);
            update.setLong(2, step);
            update.setString(3, DetachedSandbox.COMPONENT_APPID);
            update.setString(4, appid(n));
            int updated = update.executeUpdate();
            if (updated != n) {
                throw new IllegalStateException("made " + updated + " accounts due, not " + n);
            }
        }
    }
}
