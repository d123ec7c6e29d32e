-- The authorization flow: ordered status changes of authorizers, processing state of recorded pushes, one-time
-- authorization states and authorization-code claims. Same portable subset as V1 (see its header): one
-- ADD COLUMN per ALTER TABLE, times in epoch milliseconds, indexed VARCHARs of 64 characters or less.

-- When the current status took effect: a status change older than this one is ignored. Rows from V1 count
-- their last update as that time.
ALTER TABLE wechat_authorizer ADD COLUMN status_changed_at BIGINT NOT NULL DEFAULT 0;

UPDATE wechat_authorizer SET status_changed_at = updated_at;

-- findDueForRefresh and findByAuthorizer.
CREATE INDEX ix_wechat_authorizer_expiry ON wechat_authorizer (component_appid, status, access_token_expires_at);

CREATE INDEX ix_wechat_authorizer_authorizer ON wechat_authorizer (authorizer_appid);

-- Failed processing attempts of a recorded push and the last (secret-free) error; processed_at, from V1, is
-- when it was processed or given up.
ALTER TABLE wechat_authorization_event ADD COLUMN attempts INT NOT NULL DEFAULT 0;

ALTER TABLE wechat_authorization_event ADD COLUMN last_error VARCHAR(512);

-- One row per started authorization, keyed by a hash of its one-time state (the state itself is never stored).
-- used_at is set once, by the callback that consumed it.
CREATE TABLE wechat_authorization_state (
    state_hash      VARCHAR(64)   NOT NULL,
    component_appid VARCHAR(64)   NOT NULL,
    pre_auth_code   VARCHAR(512)  NOT NULL,
    return_to       VARCHAR(2048),
    created_at      BIGINT        NOT NULL,
    expires_at      BIGINT        NOT NULL,
    used_at         BIGINT,
    PRIMARY KEY (state_hash)
);

CREATE INDEX ix_wechat_authorization_state_expires ON wechat_authorization_state (expires_at);

-- One row per authorization code being (or having been) exchanged, keyed by a hash of the code: the primary key
-- lets exactly one of the callback and the authorized push, on any instance, call api_query_auth.
CREATE TABLE wechat_authorization_code (
    component_appid  VARCHAR(64)   NOT NULL,
    code_hash        VARCHAR(64)   NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    authorizer_appid VARCHAR(64),
    errcode          INT,
    claimed_at       BIGINT        NOT NULL,
    completed_at     BIGINT,
    PRIMARY KEY (component_appid, code_hash)
);
