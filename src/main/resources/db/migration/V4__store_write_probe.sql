-- One row the readiness check rewrites: a store that can be read but not written (disk full) is not ready.
create table store_write_probe (
    id integer primary key,
    probed_at timestamp with time zone not null
);
insert into store_write_probe (id, probed_at) values (1, current_timestamp);
