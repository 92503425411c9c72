-- Reliability and key handling: leases on outbox claims, the outbox of anonymous reflection
-- shares, and the record of the data key (docs/ARCHITECTURE.md, "Leases" and "Privacy").

-- Every claim carries a lease: who holds it (one id per process) and until when (Unix
-- seconds). Only the holder posts and records; a stuck claim is taken over by one conditional
-- UPDATE once its lease has run out.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
ALTER TABLE reminder_dms ADD COLUMN lease_owner TEXT;
ALTER TABLE reminder_dms ADD COLUMN lease_until INTEGER;
-- Claims left by a version without leases have no live holder: their leases have run out.
UPDATE deliveries SET lease_owner = 'before-leases', lease_until = 0 WHERE status = 'sending';
UPDATE reminder_dms SET lease_owner = 'before-leases', lease_until = 0 WHERE status = 'sending';

-- The anonymous post of a shared reflection moves from three columns of `reflections` to an
-- outbox of its own (below). Where the old columns say a reflection's post was made and
-- recorded, remember it. A share marked but never recorded (shared_at set, no message: the
-- post was cut short) is given up here, as recovery gives up a share it cannot confirm: its
-- reflection counts as not shared, and its author may share it again. Settling it instead
-- would mean posting it late, perhaps months late, in whatever channel the cohort has now
-- (0.2.0 recorded the channel only with the message).
CREATE TEMP TABLE shares_before AS
SELECT reflection_id, user_id, shared_at, shared_message_id, shared_channel_id AS channel_id
FROM reflections
WHERE shared_at IS NOT NULL AND shared_message_id IS NOT NULL;

-- `reflections` without the share columns (SQLite's DROP COLUMN cannot edit this table's
-- definition around its comments, so the table is rebuilt; nothing references it yet).
CREATE TABLE reflections_rebuilt (
    reflection_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL,
    cohort_id      INTEGER REFERENCES cohorts(cohort_id),
    -- The nudge it answers, if it came from a nudge's Reflect button.
    delivery_id    INTEGER REFERENCES deliveries(delivery_id),
    -- The curriculum question shown (not personal).
    question       TEXT NOT NULL,
    sealed_text    BLOB NOT NULL,
    created_at     INTEGER NOT NULL
);
INSERT INTO reflections_rebuilt (reflection_id, user_id, cohort_id, delivery_id, question, sealed_text, created_at)
SELECT reflection_id, user_id, cohort_id, delivery_id, question, sealed_text, created_at FROM reflections;
-- Ids are never reused, even those of deleted reflections: the new table's counter continues
-- the old one's.
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'reflections')
WHERE name = 'reflections_rebuilt'
  AND seq < (SELECT seq FROM sqlite_sequence WHERE name = 'reflections');
INSERT INTO sqlite_sequence (name, seq)
SELECT 'reflections_rebuilt', seq FROM sqlite_sequence WHERE name = 'reflections'
  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'reflections_rebuilt');
DROP TABLE reflections;
ALTER TABLE reflections_rebuilt RENAME TO reflections;
CREATE INDEX reflections_by_user ON reflections (user_id);
CREATE INDEX reflections_by_age ON reflections (created_at);
-- 0006's index for summaries, which the rebuild dropped with the old table.
CREATE INDEX reflections_by_cohort ON reflections (cohort_id, created_at);

-- The anonymous post of a shared reflection, claimed (with its nonce and channel) before it is
-- posted, so a crash between the post and its record leaves a claim that recovery settles and
-- `/privacy delete` can find. Keyed to a person: user_id. Deleting the reflection deletes it.
CREATE TABLE reflection_shares (
    reflection_id  INTEGER PRIMARY KEY REFERENCES reflections(reflection_id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,            -- the person
    channel_id     INTEGER NOT NULL,
    -- Sent with enforce_nonce: a re-post while Discord remembers it returns the first message.
    nonce          TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent')),
    message_id     INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 1,
    lease_owner    TEXT,
    lease_until    INTEGER,
    claimed_at     INTEGER NOT NULL,
    finished_at    INTEGER
);
CREATE INDEX reflection_shares_by_user ON reflection_shares (user_id);
CREATE INDEX reflection_shares_sending ON reflection_shares (lease_until) WHERE status = 'sending';

-- Shares recorded before this table existed.
INSERT INTO reflection_shares (reflection_id, user_id, channel_id, nonce, status, message_id,
                               lease_owner, lease_until, claimed_at, finished_at)
SELECT reflection_id, user_id, channel_id, 'r' || reflection_id, 'sent', shared_message_id,
       NULL, NULL, shared_at, shared_at
FROM shares_before WHERE channel_id IS NOT NULL;
DROP TABLE shares_before;

-- The data key the sealed texts are under. `format` 1: sealed values carry no key id and are
-- bound to their kind and owner only (before this migration); 2: each value starts with the
-- key id and is bound to its table, column, row and owner. The bot moves format 1 to 2 at its
-- next start, re-sealing every value in one transaction (it needs the key, which SQL has not).
CREATE TABLE data_key (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    key_id   TEXT,                               -- NULL until the first start with a key
    format   INTEGER NOT NULL CHECK (format IN (1, 2)),
    changed_at INTEGER
);
INSERT INTO data_key (id, key_id, format) VALUES (1, NULL, 1);

-- The round's look-ups of unfinished deliveries, by partial indexes whose condition the queries
-- repeat exactly (SQLite does not use 0001's `status IN (...)` index for `status = 'sending'`).
CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE status = 'sending';
CREATE INDEX deliveries_retrying ON deliveries (retry_at) WHERE status = 'failed';
