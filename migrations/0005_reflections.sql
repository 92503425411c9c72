-- Private reflections. The text is sealed (XChaCha20-Poly1305, key outside the database) before
-- it reaches SQL; only its author can have it opened. Keyed to a person: user_id in both tables.

-- Consent to storing reflections, given once before the first one (special-category data may
-- be involved). Deleted with the person's data; withdrawing consent means deleting.
CREATE TABLE reflection_consents (
    user_id       INTEGER PRIMARY KEY,
    consented_at  INTEGER NOT NULL
);

CREATE TABLE reflections (
    reflection_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL,
    cohort_id      INTEGER REFERENCES cohorts(cohort_id),
    -- The nudge it answers, if it came from a nudge's Reflect button.
    delivery_id    INTEGER REFERENCES deliveries(delivery_id),
    -- The curriculum question shown (not personal).
    question       TEXT NOT NULL,
    sealed_text    BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    -- Set when the author shared it, without their name, in the cohort channel; the post is
    -- removed again when the reflection is deleted or purged.
    shared_at          INTEGER,
    shared_channel_id  INTEGER,
    shared_message_id  INTEGER
);
CREATE INDEX reflections_by_user ON reflections (user_id);
CREATE INDEX reflections_by_age ON reflections (created_at);
