-- Tables of wechat-open-camel, one script for H2 2.x, PostgreSQL and MySQL/MariaDB (see StoreMigrations).
-- Portable types only: times are epoch milliseconds in BIGINT, sealed secrets (v1:<keyId>:<base64>, see
-- SecretSealer) are VARCHAR(2048), and ${large_text} is the one type no name covers on all three
-- (MEDIUMTEXT on MySQL/MariaDB, whose TEXT holds only 64 KiB; TEXT on PostgreSQL; CLOB on H2).
-- Indexed VARCHARs stay at 64 characters or less: MariaDB's utf8mb4 index key limit is 3072 bytes.

-- One row per component: the latest component_verify_ticket (by WeChat's CreateTime) and the component token.
CREATE TABLE wechat_component (
    component_appid          VARCHAR(64)   NOT NULL,
    verify_ticket            VARCHAR(2048),
    ticket_create_time       BIGINT,
    ticket_received_at       BIGINT,
    access_token             VARCHAR(2048),
    access_token_obtained_at BIGINT,
    access_token_expires_at  BIGINT,
    updated_at               BIGINT        NOT NULL,
    PRIMARY KEY (component_appid)
);

-- One row per account that authorized the component; version is the optimistic lock of every update.
CREATE TABLE wechat_authorizer (
    component_appid         VARCHAR(64)   NOT NULL,
    authorizer_appid        VARCHAR(64)   NOT NULL,
    status                  VARCHAR(32)   NOT NULL,
    access_token            VARCHAR(2048),
    access_token_expires_at BIGINT,
    refresh_token           VARCHAR(2048),
    func_info               ${large_text},
    info                    ${large_text},
    authorized_at           BIGINT,
    updated_at              BIGINT        NOT NULL,
    version                 BIGINT        NOT NULL,
    PRIMARY KEY (component_appid, authorizer_appid)
);

CREATE INDEX ix_wechat_authorizer_status ON wechat_authorizer (component_appid, status);

-- Every push accepted on the 授权事件接收URL. The unique delivery key refuses replays: WeChat signs
-- (timestamp, nonce, payload), so the same msg_signature, timestamp and nonce is the same delivery.
CREATE TABLE wechat_authorization_event (
    id               VARCHAR(36)   NOT NULL,
    component_appid  VARCHAR(64)   NOT NULL,
    info_type        VARCHAR(64)   NOT NULL,
    authorizer_appid VARCHAR(64),
    create_time      BIGINT        NOT NULL,
    received_at      BIGINT        NOT NULL,
    msg_signature    VARCHAR(64)   NOT NULL,
    push_timestamp   VARCHAR(32)   NOT NULL,
    push_nonce       VARCHAR(64)   NOT NULL,
    payload          ${large_text} NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    processed_at     BIGINT,
    PRIMARY KEY (id),
    CONSTRAINT uk_wechat_authorization_event_delivery
        UNIQUE (component_appid, msg_signature, push_timestamp, push_nonce)
);

CREATE INDEX ix_wechat_authorization_event_status ON wechat_authorization_event (component_appid, status);
