-- Why an event's consent_time is not the time Didomi sent (a time too far after receipt is not trusted).
alter table consent_event add column consent_time_note varchar(300);
