-- Why an event ended as it did, as a code (io.consentsync.store.ReasonCode): the metric label reason_class comes from
-- it, not from the reason sentence. Null for rows written before this column existed.
alter table consent_event add column reason_code varchar(40);
