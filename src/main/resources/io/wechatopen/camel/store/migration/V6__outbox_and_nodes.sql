-- Durable notices and one view across instances (issue 8). Same portable subset as V1 (see its header).

-- The outbox: one row per notice for integrator routes, written in the transaction of the change it tells of.
-- kind: 'authorization' (to seda:wechat-authorization-changed) or 'account-message' (to
-- seda:wechat-account-message-received). headers: the Camel headers to send, as a JSON object. An instance takes a
-- notice for delivery by setting lease_holder (its node id) and lease_until; any instance retakes it once lease_until
-- has passed. A failed delivery keeps the holder and moves lease_until to the next attempt (back-off).
CREATE TABLE wechat_notice (
    notice_id        VARCHAR(64)   NOT NULL,
    component_appid  VARCHAR(64)   NOT NULL,
    authorizer_appid VARCHAR(64)   NOT NULL,
    kind             VARCHAR(32)   NOT NULL,
    change_kind      VARCHAR(32)   NOT NULL,
    headers          ${large_text} NOT NULL,
    body             ${large_text} NOT NULL,
    created_at       BIGINT        NOT NULL,
    delivered_at     BIGINT,
    attempts         INTEGER       NOT NULL,
    last_error       VARCHAR(512),
    lease_holder     VARCHAR(64),
    lease_until      BIGINT        NOT NULL,
    PRIMARY KEY (notice_id)
);

-- claim: the due undelivered notices, oldest first; purge and pending counts: by delivered_at.
CREATE INDEX ix_wechat_notice_due ON wechat_notice (delivered_at, lease_until, created_at);
CREATE INDEX ix_wechat_notice_component ON wechat_notice (component_appid, delivered_at);

-- The instances on this database; each upserts its row every few seconds (NodeHeartbeat).
CREATE TABLE wechat_node (
    node_id    VARCHAR(64)  NOT NULL,
    host       VARCHAR(255) NOT NULL,
    started_at BIGINT       NOT NULL,
    last_seen  BIGINT       NOT NULL,
    PRIMARY KEY (node_id)
);

-- The last success and the last error of each component's token upkeep, shared by every instance (ComponentHealth).
-- outcome: 'success' or 'error'; message is secret-free.
CREATE TABLE wechat_component_health (
    component_appid VARCHAR(64)  NOT NULL,
    outcome         VARCHAR(16)  NOT NULL,
    at              BIGINT       NOT NULL,
    operation       VARCHAR(64)  NOT NULL,
    errcode         INTEGER,
    message         VARCHAR(512),
    PRIMARY KEY (component_appid, outcome)
);
