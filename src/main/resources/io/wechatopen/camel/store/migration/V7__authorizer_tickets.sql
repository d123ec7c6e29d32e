-- JS-SDK on behalf of accounts (issue 10): each account's jsapi_ticket, got with the account's access token from
-- /cgi-bin/ticket/getticket?type=jsapi and cached here because WeChat limits the calls per day and asks for a global
-- cache. One row per component, account and ticket type; the ticket is sealed (SecretSealer) like the tokens. A lease
-- (holder wechat.cluster.node-id, deadline in epoch milliseconds) lets one instance of a cluster call getticket per
-- cycle; the others wait for its ticket. version counts the stored tickets. Same portable subset as V1.
CREATE TABLE wechat_authorizer_ticket (
    component_appid  VARCHAR(64)   NOT NULL,
    authorizer_appid VARCHAR(64)   NOT NULL,
    ticket_type      VARCHAR(16)   NOT NULL,
    ticket           VARCHAR(2048),
    expires_at       BIGINT,
    lease_holder     VARCHAR(64),
    lease_until      BIGINT,
    version          BIGINT        NOT NULL,
    updated_at       BIGINT        NOT NULL,
    PRIMARY KEY (component_appid, authorizer_appid, ticket_type)
);
