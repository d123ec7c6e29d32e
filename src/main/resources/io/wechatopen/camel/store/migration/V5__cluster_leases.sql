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
