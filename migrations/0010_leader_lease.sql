-- Leadership among processes on one database (issue 14): one row per role, today only the
-- scheduler's. The holder renews `expires_at` (Unix seconds, written from Rust); another
-- process may take the row over once it has expired, and every change of holder raises
-- `epoch`. Claims are renewed and taken over only by the holder of the current epoch (the
-- fencing value: a paused former leader can no longer start a post). On SQLite one process
-- runs (the file lock), and it seizes the row at start-up.
CREATE TABLE leader_leases (
    role       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    epoch      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO leader_leases (role, holder, epoch, expires_at) VALUES ('scheduler', '', 0, 0);
