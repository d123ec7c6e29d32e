-- Quota tools (issue 10). Same portable subset as V1 (see its header).

-- clear_quota/v2 resets used per month (WeChat's calendar month, UTC+8, as 'YYYY-MM'): WeChat allows 10 per account
-- and month across clear_quota and clear_quota/v2. target_appid is the component appid itself (the platform's own
-- quotas) or an authorizer's appid (that account's). A reset is counted by a compare-and-set before WeChat is called,
-- so instances on one database never spend more than the budget together; a 48006 from WeChat sets used to the budget.
CREATE TABLE wechat_quota_reset (
    component_appid VARCHAR(64) NOT NULL,
    target_appid    VARCHAR(64) NOT NULL,
    reset_month     VARCHAR(7)  NOT NULL,
    used            INTEGER     NOT NULL,
    updated_at      BIGINT      NOT NULL,
    PRIMARY KEY (component_appid, target_appid, reset_month)
);

-- The latest getApiQuota reading of each watched API of a component (the scheduled refresh), shared by every
-- instance. errcode and message (secret-free) tell a failed reading; the figures are those of the last success.
CREATE TABLE wechat_quota_reading (
    component_appid VARCHAR(64)  NOT NULL,
    cgi_path        VARCHAR(128) NOT NULL,
    daily_limit     BIGINT,
    used            BIGINT,
    remain          BIGINT,
    read_at         BIGINT,
    checked_at      BIGINT       NOT NULL,
    errcode         INTEGER,
    message         VARCHAR(512),
    PRIMARY KEY (component_appid, cgi_path)
);
