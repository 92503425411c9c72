-- The same as migrations/0010_leader_lease.sql (see there): leadership among processes.
CREATE TABLE leader_leases (
    role       TEXT COLLATE "C" PRIMARY KEY,
    holder     TEXT COLLATE "C" NOT NULL,
    epoch      BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
INSERT INTO leader_leases (role, holder, epoch, expires_at) VALUES ('scheduler', '', 0, 0);
