-- Weekly cohort summaries for the organisation: where they go and when (per guild), the outbox
-- of weekly posts (one row per cohort and week, claimed with a lease before it is posted), the
-- people the previous summary counted (so a change of fewer than k people withholds the next
-- one's figures to date), and each prompt's 4A tag so aggregation can group by it in SQL.
--
-- Keyed to a person (for /privacy export and delete): summary_baselines.user_id only. Nothing
-- here holds text a person typed; summaries.figures and summary_departed hold group figures.

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
    -- "Missing permissions" refusals of this week in a row (three stop the summaries).
    permission_failures INTEGER NOT NULL DEFAULT 0,
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
-- The round's look-ups by status; partial indexes whose condition the queries repeat exactly
-- (SQLite does not use an `IN (...)` partial index for `status = 'sending'`).
CREATE INDEX summaries_sending ON summaries (lease_until) WHERE status = 'sending';
CREATE INDEX summaries_retrying ON summaries (retry_at) WHERE status = 'failed';

-- Whom the previous weekly summary of a cohort counted "to date", written with its claim; the
-- next summary (or /cohort report) withholds its figures to date if it counts 1 to k-1 other
-- people. `/privacy delete` removes a person's rows here, after folding what they did into
-- summary_departed (below), so their deletion changes neither the totals nor the comparison.
CREATE TABLE summary_baselines (
    cohort_id  INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    user_id    INTEGER NOT NULL
);
CREATE INDEX summary_baselines_by_cohort ON summary_baselines (cohort_id);
CREATE INDEX summary_baselines_by_user ON summary_baselines (user_id);

-- What people who deleted their data had contributed to a cohort's figures "to date", as
-- anonymous counts added together (no id, no dates): otherwise the totals would drop by
-- exactly what that person did, and two summaries could be subtracted to read it off.
-- `figure` names a count: members, engaged, tried, tried:<tag>, quizzes, answers, best,
-- module:<n>, module_best:<n>, commitments, checkin:<outcome>, reflections.
CREATE TABLE summary_departed (
    cohort_id  INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    figure     TEXT NOT NULL,
    count      INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    PRIMARY KEY (cohort_id, figure)
);

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
