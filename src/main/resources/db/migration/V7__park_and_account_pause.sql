-- Park, don't kill: an event that keeps failing transiently is dead only once sync.retry.give-up-after-ms has passed
-- since its first attempt (reset by a replay).
alter table consent_event add column first_attempt_at timestamp with time zone;

-- Delivery paused for the whole Dotdigital account (per API user), shared by every instance: an outage (transient
-- failures in a row) or rejected credentials (401/403). next_probe_at lets one instance at a time send the probe.
create table delivery_pause (
    api_user      varchar(256) not null primary key,
    reason        varchar(32)  not null,
    detail        varchar(500),
    status_code   integer,
    since         timestamp with time zone not null,
    next_probe_at timestamp with time zone not null,
    set_by        varchar(128)
);
