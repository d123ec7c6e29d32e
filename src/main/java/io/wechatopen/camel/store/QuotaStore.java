package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;

import io.wechatopen.camel.model.QuotaReading;

/**
 * The quota tools' state, shared by every instance on the database: the {@code clear_quota/v2} resets used per
 * component, target account and month ({@code wechat_quota_reset}), and the latest {@code getApiQuota} readings
 * ({@code wechat_quota_reading}). Every method is its own transaction.
 */
public interface QuotaStore {

    /**
     * Counts one reset of {@code targetAppid} in {@code month}, by a compare-and-set: only while fewer than
     * {@code budget} are counted, so that instances meeting here never count more than the budget together.
     *
     * @return true when counted; false when the budget of the month is spent (nothing changed)
     * @throws StoreException when the database cannot be written
     */
    boolean reserveReset(String componentAppid, String targetAppid, String month, int budget, Instant now);

    /** Gives back a reset counted by {@link #reserveReset} that WeChat did not carry out (never below zero). */
    void releaseReset(String componentAppid, String targetAppid, String month, Instant now);

    /** Records that WeChat says the month's resets are spent (48006): the count becomes {@code budget}. */
    void markResetsSpent(String componentAppid, String targetAppid, String month, int budget, Instant now);

    /** @return the resets counted for {@code targetAppid} in {@code month} (0 when none) */
    int resetsUsed(String componentAppid, String targetAppid, String month);

    /** Stores a successful reading of an API (replacing the previous one). */
    void saveReading(String componentAppid, String cgiPath, long dailyLimit, long used, long remain, Instant at);

    /**
     * Records a failed attempt to read an API's quota; the figures of the last successful reading stay.
     *
     * @param errcode WeChat's errcode, or -1 when WeChat did not answer
     * @param message secret-free; cut to 512 characters
     */
    void saveFailedReading(String componentAppid, String cgiPath, int errcode, String message, Instant at);

    /** @return the readings of a component, by cgi_path */
    List<QuotaReading> readings(String componentAppid);
}
