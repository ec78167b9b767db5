-- Delivery claims a contact, not an event: all of a contact's waiting events go out together (coalesced into one
-- write), and only one instance at a time may hold a contact. The primary key makes taking a claim atomic on H2 and
-- PostgreSQL alike; claimed_until is the lease a crashed holder's claim expires by.
create table contact_claim (
    contact_key   varchar(512) not null primary key,
    claimed_by    varchar(128) not null,
    claimed_until timestamp with time zone not null
);

alter table consent_event drop column claimed_by;
alter table consent_event drop column claimed_until;
create index consent_event_waiting on consent_event (status, contact_key, received_at);

-- Dotdigital's rate limit is per API user: a pause one instance learns of holds for every instance.
create table rate_limit_pause (
    api_user     varchar(256) not null primary key,
    paused_until timestamp with time zone not null,
    reason       varchar(500),
    set_by       varchar(128)
);
