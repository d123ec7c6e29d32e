-- Leases of several instances on one database (issue 8): who fetches a component token, who refreshes an
-- authorizer, who processes a recorded push. A lease is a holder (wechat.cluster.node-id) and a deadline in epoch
-- milliseconds; once the deadline has passed any instance may take the work over, so a dead instance holds nothing
-- for longer than wechat.cluster.lease-duration. Same portable subset as V1 (see its header): one ADD COLUMN per
-- ALTER TABLE.

-- The instance fetching the component_access_token: one api_component_token call per cycle, cluster-wide.
ALTER TABLE wechat_component ADD COLUMN token_lease_holder VARCHAR(64);

ALTER TABLE wechat_component ADD COLUMN token_lease_until BIGINT;

-- The instance refreshing the account's access token (claimed by a sweep or taken by an on-demand refresh).
ALTER TABLE wechat_authorizer ADD COLUMN lease_holder VARCHAR(64);

ALTER TABLE wechat_authorizer ADD COLUMN lease_until BIGINT;

-- The back-off after failed refreshes, shared by every instance: consecutive failures, when the next attempt is
-- due, and the last (secret-free) error. 0 / NULL = not backing off.
ALTER TABLE wechat_authorizer ADD COLUMN refresh_failures INT NOT NULL DEFAULT 0;

ALTER TABLE wechat_authorizer ADD COLUMN refresh_retry_at BIGINT;

ALTER TABLE wechat_authorizer ADD COLUMN refresh_error VARCHAR(512);

-- The instance processing a recorded authorization push.
ALTER TABLE wechat_authorization_event ADD COLUMN lease_holder VARCHAR(64);

ALTER TABLE wechat_authorization_event ADD COLUMN lease_until BIGINT;

-- One back-off per component and WeChat API after failed calls (token/ApiBackoff), shared by every instance so that
-- WeChat gets one call per back-off from the whole cluster. last_ms is the back-off applied (the next failure
-- doubles it); quota_exhausted (0/1) marks the 45009 breaker, open until midnight Beijing time. A row stays after its
-- back-off elapses (the next failure doubles from it) until a successful call or an operator deletes it.
CREATE TABLE wechat_api_backoff (
    component_appid VARCHAR(64)  NOT NULL,
    api             VARCHAR(64)  NOT NULL,
    until_at        BIGINT       NOT NULL,
    last_ms         BIGINT       NOT NULL,
    errcode         INT,
    message         VARCHAR(512),
    quota_exhausted SMALLINT     NOT NULL,
    updated_at      BIGINT       NOT NULL,
    PRIMARY KEY (component_appid, api)
);

-- A sweep of a component's authorizer tokens under way: the schedule fires on one instance, which announces the
-- sweep here until its deadline; every instance that sees it joins and claims batches, so all of them sweep.
CREATE TABLE wechat_authorizer_sweep (
    component_appid VARCHAR(64) NOT NULL PRIMARY KEY,
    announced_by    VARCHAR(64) NOT NULL,
    until_at        BIGINT      NOT NULL
);
