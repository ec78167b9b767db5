-- Fencing: a claim's token grows with every new claim on the contact (rows are kept, a released claim only ends its
-- lease), so a holder that lost its claim can be told from the current one.
alter table contact_claim add column fence bigint default 0 not null;
