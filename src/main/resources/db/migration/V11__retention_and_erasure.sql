-- Retention and erasure (sync.retention.*, sync.erasure.*): a final event's webhook body is dropped after
-- sync.retention.payload-days (payload null, the audit record stays); an erased person's events keep their audit
-- record under a keyed hash of the identifier (erased_at says when).
alter table consent_event alter column payload drop not null;
alter table consent_event add column erased_at timestamp with time zone;

alter table consent_event add column payload_dropped_at timestamp with time zone;

-- the purge looks for events that still have a body, by the time they reached their (final) status; then for final
-- events by that time alone, when sync.retention.audit-days drops the audit records too
create index consent_event_body_kept on consent_event (payload_dropped_at, updated_at);
create index consent_event_final on consent_event (status, updated_at);
-- the erasure sweep looks for handled user.deleted events not yet erased
create index consent_event_erasure on consent_event (event_type, erased_at);

-- The HMAC key of erasure hashes when sync.erasure.key is not set: generated once by the first instance that needs it.
create table erasure_key (
    id         integer      not null primary key,
    key_value  varchar(128) not null,
    created_at timestamp with time zone not null
);

-- A lease per scheduled store job (the purge): one instance at a time runs it, another takes over once it lapses.
create table store_lease (
    name       varchar(64)  not null primary key,
    held_by    varchar(128),
    held_until timestamp with time zone not null
);
insert into store_lease (name, held_by, held_until) values ('retention-purge', null, timestamp with time zone '1970-01-01 00:00:00+00');
