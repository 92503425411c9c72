-- Quizzes (/quiz and the nudge's Quiz me): each attempt with its questions fixed when it
-- starts, the answers given (timestamped, for progress and weekly summaries), and each person's
-- spaced-review state per quiz item.
--
-- Keyed to a person (for /privacy export and delete): quiz_attempts.user_id,
-- quiz_answers.user_id and quiz_reviews.user_id. Deleting a person's quiz_attempts removes their
-- quiz_questions and quiz_answers too (ON DELETE CASCADE); quiz_reviews is deleted on its own.
-- No column here holds text a person typed: items are curriculum ids, choices are indexes.

-- One quiz as started: by whom, for which cohort and track, and the seed its order came from.
CREATE TABLE quiz_attempts (
    attempt_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL,
    guild_id        INTEGER NOT NULL,
    cohort_id       INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    track           TEXT NOT NULL,
    -- The module asked for with /quiz module:N; NULL for "current and earlier modules".
    module          INTEGER,
    question_count  INTEGER NOT NULL CHECK (question_count BETWEEN 1 AND 20),
    seed            INTEGER NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('command', 'nudge')),
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX quiz_attempts_by_user ON quiz_attempts (user_id);

-- The questions of an attempt, in order, with the option order the person was shown, so
-- buttons mean the same thing after a restart.
CREATE TABLE quiz_questions (
    attempt_id    INTEGER NOT NULL REFERENCES quiz_attempts(attempt_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    item_id       TEXT NOT NULL,
    module        INTEGER NOT NULL,
    -- Displayed order as original option indexes, comma-separated ("2,0,3,1").
    option_order  TEXT NOT NULL,
    -- The item was due for spaced review when the quiz started.
    review        BOOLEAN NOT NULL,
    PRIMARY KEY (attempt_id, position),
    UNIQUE (attempt_id, item_id)
);

-- One answer per question: the primary key is what makes a double click count once.
CREATE TABLE quiz_answers (
    attempt_id     INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    cohort_id      INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    track          TEXT NOT NULL,
    item_id        TEXT NOT NULL,
    module         INTEGER NOT NULL,
    -- The option chosen, as its index in the curriculum item (not the displayed letter).
    choice         INTEGER NOT NULL,
    correct        BOOLEAN NOT NULL,
    -- 1-4, once given; NULL if the person moved on without rating.
    confidence     INTEGER CHECK (confidence BETWEEN 1 AND 4),
    -- The item's ladder rung before this answer (0: new or retired), so a rating given after
    -- the answer can recompute the review state.
    prior_step     INTEGER NOT NULL CHECK (prior_step BETWEEN 0 AND 3),
    -- The local date (cohort time zone) of the answer; spacing counts practice days from it.
    practice_date  TEXT NOT NULL,
    answered_at    INTEGER NOT NULL,
    rated_at       INTEGER,
    PRIMARY KEY (attempt_id, position),
    FOREIGN KEY (attempt_id, position)
        REFERENCES quiz_questions (attempt_id, position) ON DELETE CASCADE
);
CREATE INDEX quiz_answers_by_user ON quiz_answers (user_id, module);
CREATE INDEX quiz_answers_by_cohort ON quiz_answers (cohort_id, answered_at);

-- Where each item stands for each person: on the 1/3/7 practice-day ladder, or retired.
CREATE TABLE quiz_reviews (
    user_id     INTEGER NOT NULL,
    track       TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    module      INTEGER NOT NULL,
    -- 1-3: the rung, due on due_date; 0: retired (due_date NULL).
    step        INTEGER NOT NULL CHECK (step BETWEEN 0 AND 3),
    due_date    TEXT,
    -- The answer that set this state: its rating may revise it; a later answer replaces it.
    attempt_id  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, track, item_id),
    CHECK ((step = 0) = (due_date IS NULL))
);
CREATE INDEX quiz_reviews_due ON quiz_reviews (user_id, due_date) WHERE step > 0;
