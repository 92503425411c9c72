-- The certification journey and the collaborative action plan (docs/ARCHITECTURE.md,
-- "Certification" and "The action plan"). New tables only: existing tables are unchanged.
--
-- Keyed to a person (for /privacy export and delete): completions.user_id,
-- completion_notices.user_id, plan_votes.user_id, plan_owners.user_id. plan_proposals.user_id
-- is unlinked (set to NULL) instead, with the proposer's name: an anonymous proposal stays in
-- the plan when its author deletes their data.
-- Text a person typed is stored only sealed: plan_proposals.sealed_text (bound to the plan,
-- owner 0, because it outlives its author), plan_proposals.name_sealed, plan_owners.name_sealed
-- and completions.name_sealed (bound to the person).

-- A person's completion of a certification track in a cohort, and the certificate once they
-- chose the name on it.
CREATE TABLE completions (
    completion_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id            INTEGER NOT NULL,        -- the person
    cohort_id          INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    track              TEXT NOT NULL,
    -- The local date (the cohort's zone) the last criterion was met: the certificate's date.
    completed_on       TEXT NOT NULL,
    completed_at       INTEGER NOT NULL,
    -- The verification code (canonical form), set when the certificate is issued. Random, so
    -- it cannot be guessed; `allybot verify` looks it up and shows the track and date only.
    code               TEXT UNIQUE,
    name_sealed        BLOB,                    -- the name on the certificate, as they typed it
    issued_at          INTEGER,
    -- The congratulation in the cohort channel, posted only if they pressed Share.
    shared_at          INTEGER,
    shared_channel_id  INTEGER,
    shared_message_id  INTEGER,
    UNIQUE (user_id, cohort_id)
);
CREATE INDEX completions_by_cohort ON completions (cohort_id);

-- The private message that tells someone they completed the track: an outbox (claimed with a
-- lease before it is sent, never sent twice; a claim cut short by a crash is settled as
-- 'unknown', and /progress offers the certificate anyway).
CREATE TABLE completion_notices (
    completion_id  INTEGER PRIMARY KEY REFERENCES completions(completion_id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,            -- the person
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'dm_closed', 'failed', 'unknown')),
    nonce          TEXT NOT NULL,
    message_id     INTEGER,
    error_code     INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 1,
    lease_owner    TEXT,
    lease_until    INTEGER,
    claimed_at     INTEGER NOT NULL,
    finished_at    INTEGER
);
CREATE INDEX completion_notices_sending ON completion_notices (status) WHERE status = 'sending';

-- A cohort's action plan: open for proposals and votes, then published (frozen).
CREATE TABLE plans (
    plan_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id     INTEGER NOT NULL UNIQUE REFERENCES cohorts(cohort_id),
    state         TEXT NOT NULL CHECK (state IN ('open', 'published')),
    opened_at     INTEGER NOT NULL,
    published_at  INTEGER,
    -- Bumped whenever what the published plan shows changes (a status, an owner); the plan
    -- message is edited until plan_posts.shown_version catches up.
    version       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE plan_proposals (
    proposal_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id       INTEGER NOT NULL REFERENCES plans(plan_id),
    -- "Proposal 3": numbered within the plan.
    number        INTEGER NOT NULL,
    user_id       INTEGER,                      -- the proposer; NULL once they deleted their data
    -- What will change, who it helps and the first step (JSON), sealed.
    sealed_text   BLOB NOT NULL,
    -- The name the proposer chose to show; NULL: anonymous.
    name_sealed   BLOB,
    target_date   TEXT NOT NULL,
    -- Its post in the cohort channel, with the vote and volunteer buttons.
    channel_id    INTEGER,
    message_id    INTEGER,
    -- Its place in the published plan (1 first); NULL when not in it.
    rank          INTEGER,
    -- From its owners' check-ins: planned, tried (first step taken), not_yet, blocked.
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'tried', 'not_yet', 'blocked')),
    status_at     INTEGER,
    -- Removed by an admin (/cohort plan remove): no votes, not published.
    removed_at    INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (plan_id, number)
);
CREATE INDEX plan_proposals_by_user ON plan_proposals (user_id);

-- One vote per person per proposal, changeable.
CREATE TABLE plan_votes (
    proposal_id  INTEGER NOT NULL REFERENCES plan_proposals(proposal_id),
    user_id      INTEGER NOT NULL,              -- the person
    choice       TEXT NOT NULL CHECK (choice IN ('support', 'not_now')),
    voted_at     INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX plan_votes_by_user ON plan_votes (user_id);

-- Owners who volunteered for an action; named on the plan only with a name they gave.
CREATE TABLE plan_owners (
    owner_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id     INTEGER NOT NULL REFERENCES plan_proposals(proposal_id),
    user_id         INTEGER NOT NULL,           -- the person
    name_sealed     BLOB,                       -- the name to show; NULL: unnamed
    -- Their check-in on the action's date: a commitment, once the plan is published.
    commitment_id   INTEGER REFERENCES commitments(commitment_id),
    volunteered_at  INTEGER NOT NULL,
    UNIQUE (proposal_id, user_id)
);
CREATE INDEX plan_owners_by_user ON plan_owners (user_id);
CREATE INDEX plan_owners_by_commitment ON plan_owners (commitment_id);

-- The published plan's message in the organisation's summary channel: an outbox with one row
-- per plan (so it is posted once), claimed with a lease before it is posted.
CREATE TABLE plan_posts (
    plan_id        INTEGER PRIMARY KEY REFERENCES plans(plan_id),
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    channel_id     INTEGER NOT NULL,
    nonce          TEXT NOT NULL,
    message_id     INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 1,
    retry_at       INTEGER,
    error_code     INTEGER,
    reason         TEXT,
    lease_owner    TEXT,
    lease_until    INTEGER,
    claimed_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    -- The plans.version the message shows.
    shown_version  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_posts_unfinished ON plan_posts (status) WHERE status IN ('sending', 'failed');
