-- An erased person's tombstone: the keyed hash of the identifier (as in their audit records) and the newest consent
-- time among their erased events. An event for that identifier arriving later whose consent time is not after it is
-- older than the erasure (a Didomi retry, a late webhook): stored as ignored under the hash, without its body, and not
-- delivered. A later choice is a new person's.
create table erased_contact (
    contact_hash   varchar(80) not null primary key,
    erased_through timestamp with time zone not null
);
