-- Per-field monotonic writes and the per-contact audit trail.
alter table consent_event add column contact_key varchar(512);
alter table consent_event add column consent_time timestamp with time zone;
alter table consent_event add column consent_version bigint;
alter table consent_event add column fields_written varchar(20000);

create index consent_event_contact_key on consent_event (contact_key);

-- The consent time of the value last written to each data field of each contact: an older event never overwrites it.
create table contact_field_state (
    contact_key     varchar(512) not null,
    field_name      varchar(64)  not null,
    consent_time    timestamp with time zone not null,
    consent_version bigint       not null,
    event_id        varchar(36)  not null,
    written_at      timestamp with time zone not null,
    primary key (contact_key, field_name)
);
