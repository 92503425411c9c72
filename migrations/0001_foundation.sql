-- allybot foundation schema: guilds, cohorts, memberships and deliveries.
--
-- Conventions (docs/ARCHITECTURE.md):
-- * Discord snowflakes are INTEGER (u64 stored bit-for-bit as i64).
-- * Instants are INTEGER Unix seconds in UTC, written only from Rust (never computed in SQL).
-- * Local calendar dates are TEXT 'YYYY-MM-DD' in the cohort's time zone, kept beside them.
-- * Statuses are TEXT with a CHECK, mirrored by a Rust enum.

CREATE TABLE guilds (
    guild_id    INTEGER PRIMARY KEY,
    joined_at   INTEGER NOT NULL,
    -- Set when Discord says the bot was removed (GUILD_DELETE without `unavailable`).
    removed_at  INTEGER
);

CREATE TABLE cohorts (
    cohort_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL REFERENCES guilds(guild_id),
    name             TEXT NOT NULL,
    track            TEXT NOT NULL,
    -- The curriculum version and the order of its prompts, pinned when the cohort is created.
    track_version    TEXT NOT NULL,
    plan             TEXT NOT NULL,
    seed             INTEGER NOT NULL,
    start_date       TEXT NOT NULL,
    channel_id       INTEGER,
    send_time        TEXT NOT NULL DEFAULT '09:00',
    timezone         TEXT NOT NULL DEFAULT 'UTC',
    weekdays         TEXT NOT NULL DEFAULT 'mon-fri',
    days_per_module  INTEGER NOT NULL DEFAULT 5 CHECK (days_per_module BETWEEN 1 AND 30),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    -- Why deliveries stopped (deleted channel, lost access); NULL while they flow.
    stopped_reason   TEXT,
    stopped_at       INTEGER,
    permission_failures INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    archived_at      INTEGER
);
-- Names are unique among a guild's live cohorts, ignoring case; an archived name can be reused.
CREATE UNIQUE INDEX cohorts_live_name ON cohorts (guild_id, lower(name)) WHERE status = 'active';

CREATE TABLE memberships (
    membership_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id      INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    joined_at      INTEGER NOT NULL,
    left_at        INTEGER
);
-- A person is in at most one live cohort per guild.
CREATE UNIQUE INDEX memberships_one_live ON memberships (guild_id, user_id) WHERE left_at IS NULL;
CREATE INDEX memberships_by_cohort ON memberships (cohort_id) WHERE left_at IS NULL;

-- The outbox: one row per cohort per practice day, claimed before the nudge is posted.
CREATE TABLE deliveries (
    delivery_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id      INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    practice_date  TEXT NOT NULL,
    day_number     INTEGER NOT NULL,
    prompt_id      TEXT NOT NULL,
    due_at         INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    late           BOOLEAN NOT NULL DEFAULT FALSE,
    -- Sent with enforce_nonce, so a retry of the same post cannot create a second message.
    nonce          TEXT NOT NULL,
    channel_id     INTEGER,
    message_id     INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 0,
    -- A failed row may be claimed again at retry_at, while it is still within the grace period.
    retry_at       INTEGER,
    error_code     INTEGER,
    reason         TEXT,
    claimed_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    UNIQUE (cohort_id, practice_date)
);
CREATE INDEX deliveries_unfinished ON deliveries (status) WHERE status IN ('sending', 'failed');
