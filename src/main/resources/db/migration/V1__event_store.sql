-- Every webhook event the connector accepted, with its delivery outcome. Portable between H2 and PostgreSQL.
create table consent_event (
    id                   varchar(36)   not null primary key,
    dedup_key            varchar(600)  not null,
    event_type           varchar(64)   not null,
    organization_user_id varchar(512),
    regulation           varchar(32),
    payload              varchar(1000000) not null,
    status               varchar(16)   not null,
    reason               varchar(2000),
    attempts             integer       default 0 not null,
    last_response_code   integer,
    received_at          timestamp with time zone not null,
    updated_at           timestamp with time zone not null,
    next_attempt_at      timestamp with time zone,
    claimed_by           varchar(128),
    claimed_until        timestamp with time zone,
    constraint consent_event_dedup unique (dedup_key)
);

create index consent_event_due on consent_event (status, next_attempt_at);
create index consent_event_contact on consent_event (organization_user_id);
