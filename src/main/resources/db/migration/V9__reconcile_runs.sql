-- Reconcile runs (issue 13): compare Didomi's users with what the connector last wrote, and queue what differs.
-- One run at a time across instances: a run holds the single row of reconcile_lock while it goes (its primary key
-- makes taking it atomic on H2 and PostgreSQL alike). heartbeat_at moves with every page, so a run whose instance
-- died without a restart can be told from a slow one.
create table reconcile_run (
    id                   varchar(36)   not null primary key,
    status               varchar(16)   not null,
    dry_run              boolean       not null,
    force_all            boolean       not null,
    organization_user_id varchar(512),
    users_read           bigint        default 0 not null,
    users_skipped        bigint        default 0 not null,
    contacts_in_sync     bigint        default 0 not null,
    contacts_changed     bigint        default 0 not null,
    next_skip            bigint        default 0 not null,
    started_at           timestamp with time zone not null,
    finished_at          timestamp with time zone,
    heartbeat_at         timestamp with time zone not null,
    instance_id          varchar(128)  not null,
    reason               varchar(2000)
);

create index reconcile_run_started on reconcile_run (started_at);

create table reconcile_lock (
    name   varchar(32) not null primary key,
    run_id varchar(36) not null
);

-- What a run found different, per contact: {"FIELD": {"from": ..., "to": ...}} (from: the value last written).
create table reconcile_change (
    run_id               varchar(36)   not null,
    seq                  bigint        not null,
    organization_user_id varchar(512)  not null,
    data_fields          varchar(100000) not null,
    primary key (run_id, seq)
);

-- The value last written to each field, as JSON text ('null' when cleared); NULL when written before this version
-- (unknown: a reconcile run then treats the field as differing unless a newer choice holds it).
alter table contact_field_state add column written_value varchar(4000);
