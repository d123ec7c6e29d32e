-- Web authorization (网页授权) on behalf of authorized accounts: one row per started sign-in, keyed by a hash of its
-- one-time state (the state itself is never stored). used_at is set once, by the callback that consumed it. Same
-- portable subset as V1: times in epoch milliseconds, indexed VARCHARs of 64 characters or less.
CREATE TABLE wechat_oauth_state (
    state_hash       VARCHAR(64)   NOT NULL,
    component_appid  VARCHAR(64)   NOT NULL,
    authorizer_appid VARCHAR(64)   NOT NULL,
    scope            VARCHAR(64)   NOT NULL,
    return_to        VARCHAR(2048),
    created_at       BIGINT        NOT NULL,
    expires_at       BIGINT        NOT NULL,
    used_at          BIGINT,
    PRIMARY KEY (state_hash)
);

CREATE INDEX ix_wechat_oauth_state_expires ON wechat_oauth_state (expires_at);
