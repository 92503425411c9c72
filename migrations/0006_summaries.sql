-- Weekly cohort summaries for the organisation: where they go and when (per guild), the outbox
-- of weekly posts (one row per cohort and week, claimed with a lease before it is posted), the
-- people the previous summary counted (so a change of fewer than k people withholds the next
-- one's figures to date), and each prompt's 4A tag so aggregation can group by it in SQL.
--
-- Keyed to a person (for /privacy export and delete): summary_baselines.user_id only. Nothing
-- here holds text a person typed; summaries.figures holds group figures after the k rules.

-- One row per guild that changed a default: the summary channel, k, the day and time.
CREATE TABLE org_settings (
    guild_id            INTEGER PRIMARY KEY REFERENCES guilds(guild_id),
    summary_channel_id  INTEGER,
    -- Why posting to that channel stopped (deleted, access lost); NULL while it works.
    summary_stopped     TEXT,
    -- NULL: privacy.min_group_size from the configuration.
    min_group_size      INTEGER CHECK (min_group_size BETWEEN 3 AND 10),
    -- 0 = Monday … 6 = Sunday, and HH:MM, in each cohort's own time zone.
    summary_day         INTEGER NOT NULL DEFAULT 0 CHECK (summary_day BETWEEN 0 AND 6),
    summary_time        TEXT NOT NULL DEFAULT '09:00',
    -- Summaries are due only at times after the day or time was last changed, so a change
    -- never makes a past occurrence due.
    schedule_set_at     INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- The outbox of weekly summaries: UNIQUE(cohort, week_of) is what makes "once per cohort per
-- week" hold across restarts and processes. `week_of` is the local date of the summary day; the
-- week summarised is the seven local days before it.
CREATE TABLE summaries (
    summary_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id     INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    week_of       TEXT NOT NULL,
    due_at        INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    nonce         TEXT NOT NULL,
    channel_id    INTEGER,
    message_id    INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    retry_at      INTEGER,
    error_code    INTEGER,
    reason        TEXT,
    -- The figures as computed when the week was claimed (JSON, after the k rules): a re-post
    -- after a crash shows exactly what the first attempt would have, and the chart's earlier
    -- weeks never change once shown.
    figures       TEXT NOT NULL,
    claimed_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    -- Who may post, retry or mark this row, and until when (see docs/ARCHITECTURE.md).
    lease_owner   TEXT,
    lease_until   INTEGER,
    UNIQUE (cohort_id, week_of)
);
CREATE INDEX summaries_unfinished ON summaries (status) WHERE status IN ('sending', 'failed');

-- Whom the previous summary shown of a cohort (weekly, or by /cohort report) counted "to
-- date". `/privacy delete` sets user_id to NULL rather than deleting the row: the person stays
-- counted as someone who is gone, so their departure still withholds the next summary's
-- figures to date, and nothing links the row to them any more.
CREATE TABLE summary_baselines (
    cohort_id  INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    user_id    INTEGER
);
CREATE INDEX summary_baselines_by_cohort ON summary_baselines (cohort_id);
CREATE INDEX summary_baselines_by_user ON summary_baselines (user_id);

-- Each prompt's 4A tag, refreshed from the loaded curriculum at start-up, so "prompts tried by
-- tag" is one grouped query.
CREATE TABLE prompt_tags (
    prompt_id  TEXT PRIMARY KEY,
    four_a     TEXT NOT NULL CHECK (four_a IN ('awareness', 'action', 'advocacy', 'accountability'))
);

-- Aggregation reads a cohort's activity by time; these make that an index range per table.
CREATE INDEX engagements_by_cohort ON engagements (cohort_id, created_at);
CREATE INDEX reflections_by_cohort ON reflections (cohort_id, created_at);
CREATE INDEX commitments_by_cohort ON commitments (cohort_id, created_at);
CREATE INDEX checkin_answers_by_commitment ON checkin_answers (commitment_id, answered_at);
CREATE INDEX quiz_attempts_by_cohort ON quiz_attempts (cohort_id, started_at);
CREATE INDEX memberships_history ON memberships (cohort_id, joined_at);
