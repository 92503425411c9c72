-- Cohort schedules and daily nudges: holidays, pauses, when deliveries may begin, and the
-- "I tried this" engagements the nudge's first button records.

-- Deliveries are due only from the moment a channel is set (or re-set), so a cohort created
-- with a start date in the past does not produce a flood of skipped days.
ALTER TABLE cohorts ADD COLUMN channel_set_at INTEGER;

CREATE TABLE cohort_holidays (
    cohort_id     INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    holiday_date  TEXT NOT NULL,
    PRIMARY KEY (cohort_id, holiday_date)
);

-- A pause covers from_date (inclusive) until until_date (exclusive); NULL while still paused.
CREATE TABLE cohort_pauses (
    pause_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id   INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    from_date   TEXT NOT NULL,
    until_date  TEXT
);
CREATE INDEX cohort_pauses_by_cohort ON cohort_pauses (cohort_id);

-- One row per person per nudge and kind: a second click counts once.
CREATE TABLE engagements (
    delivery_id  INTEGER NOT NULL REFERENCES deliveries(delivery_id),
    user_id      INTEGER NOT NULL,
    cohort_id    INTEGER NOT NULL REFERENCES cohorts(cohort_id),
    kind         TEXT NOT NULL CHECK (kind IN ('tried')),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, user_id, kind)
);
CREATE INDEX engagements_by_user ON engagements (user_id);
