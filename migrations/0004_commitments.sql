-- Commitments ("When …, I will …") with private follow-up check-ins, the reminder DMs that
-- carry them, and each person's /settings.
--
-- Keyed to a person (for /privacy export and delete): every table here has `user_id`.
-- Text a person typed is stored only sealed (crypto.rs): commitments.when_sealed and
-- commitments.will_sealed (context "commitment:<user id>"), and checkin_answers.note_sealed
-- (context "checkin-note:<user id>").

-- One row per person (their own preferences, across every server).
CREATE TABLE participant_settings (
    user_id       INTEGER PRIMARY KEY,          -- the person
    -- IANA name; NULL means "my cohort's time zone".
    timezone      TEXT,
    reminders_on  BOOLEAN NOT NULL DEFAULT TRUE,
    -- Quiet hours as HH:MM local times (may cross midnight); both NULL when none.
    quiet_start   TEXT,
    quiet_end     TEXT,
    updated_at    INTEGER NOT NULL
);

-- The check-in DMs: one row per DM, claimed (status 'sending') before it is sent, so a
-- restart or a second process never sends it twice. `local_date` is the person's local date
-- when it went out; at most one row per person and day that may have reached them.
CREATE TABLE reminder_dms (
    reminder_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL,             -- the person
    local_date    TEXT NOT NULL,
    -- sending: claimed; sent: delivered; dm_closed: Discord 50007; failed: another refusal;
    -- unknown: a crash left it sending (its check-ins were moved to the person's next command).
    status        TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'dm_closed', 'failed', 'unknown')),
    nonce         TEXT NOT NULL,
    message_id    INTEGER,
    error_code    INTEGER,
    claimed_at    INTEGER NOT NULL,
    finished_at   INTEGER
);
CREATE UNIQUE INDEX reminder_dms_one_a_day ON reminder_dms (user_id, local_date)
    WHERE status IN ('sending', 'sent', 'unknown');
CREATE INDEX reminder_dms_by_user ON reminder_dms (user_id, local_date);
CREATE INDEX reminder_dms_sending ON reminder_dms (claimed_at) WHERE status = 'sending';

CREATE TABLE commitments (
    commitment_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL,           -- the person
    guild_id        INTEGER NOT NULL,
    -- The cohort whose nudge time the check-in follows.
    cohort_id       INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    when_sealed     BLOB NOT NULL,              -- sealed text the person typed
    will_sealed     BLOB NOT NULL,              -- sealed text the person typed
    follow_up_days  INTEGER NOT NULL CHECK (follow_up_days BETWEEN 1 AND 60),
    -- The local date (person's zone) of the next check-in.
    due_date        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'kept', 'not_applicable')),
    -- The due_date whose check-in has been handed out (by DM or parked); NULL before the first.
    prompted_for    TEXT,
    -- The DM that carried it, if any.
    reminder_id     INTEGER REFERENCES reminder_dms(reminder_id),
    -- Set while a check-in waits for the person's next command (DMs closed, reminders off).
    waiting_since   INTEGER,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER
);
CREATE INDEX commitments_by_user ON commitments (user_id, status);
CREATE INDEX commitments_open_by_due ON commitments (due_date) WHERE status = 'open';
CREATE INDEX commitments_by_reminder ON commitments (reminder_id);

-- Check-in answers as timestamped rows, for /progress and summaries. One answer of each kind
-- per check-in round (`round_date`, the due date answered), so a double click counts once.
CREATE TABLE checkin_answers (
    answer_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    commitment_id   INTEGER NOT NULL REFERENCES commitments(commitment_id),
    user_id         INTEGER NOT NULL,           -- the person
    round_date      TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('tried', 'not_yet', 'not_applicable', 'note')),
    -- For 'not_yet': the new check-in date.
    new_due_date    TEXT,
    note_sealed     BLOB,                       -- sealed text the person typed ('note' only)
    answered_at     INTEGER NOT NULL,
    UNIQUE (commitment_id, round_date, outcome)
);
CREATE INDEX checkin_answers_by_user ON checkin_answers (user_id);
