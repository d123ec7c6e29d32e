-- Push intake reliability (issue 6): idempotent re-deliveries and backed-off processing of recorded pushes.
-- Same portable subset as V1 (see its header): one ADD COLUMN per ALTER TABLE, times in epoch milliseconds.

-- SHA-256 (lowercase hex) of the request body as received: a re-delivery with the same delivery key and the same
-- body is WeChat retrying after our answer was lost (answered success); another body under that key is a replay.
-- Rows recorded before V3 have none and count as another body.
ALTER TABLE wechat_authorization_event ADD COLUMN body_hash VARCHAR(64);

-- When the next processing attempt of a RECEIVED push is due; a failed attempt moves it later (exponential
-- back-off). 0 = due at once, so rows from V2 are picked as before.
ALTER TABLE wechat_authorization_event ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;

-- findUnprocessed: the due pushes of a component.
CREATE INDEX ix_wechat_authorization_event_due ON wechat_authorization_event (component_appid, status, next_attempt_at);
