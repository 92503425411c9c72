//! What `/progress` and `/privacy` need from commitments: counts, the next check-in, every
//! answer of a person, and deleting all of their commitment rows.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::convert::{from_db_time, id_to_db, parse_date};
use super::{Store, StoreResult};
use crate::domain::{resolve, SendTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommitmentProgress {
    pub made: u32,
    /// Answered "Tried it".
    pub kept: u32,
    /// Answered "Didn't apply".
    pub not_applicable: u32,
    pub open: u32,
    /// When the next check-in is due (at the cohort's nudge time in the person's zone); in the
    /// past when one is due and waiting for an answer.
    pub next_checkin: Option<DateTime<Utc>>,
}

/// One check-in answer, as stored (a note is still sealed, for `checkin_answers.note_sealed`
/// of its row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinAnswer {
    pub answer_id: i64,
    pub commitment_id: i64,
    pub round_date: NaiveDate,
    /// `tried`, `not_yet`, `not_applicable` or `note`.
    pub outcome: String,
    pub new_due_date: Option<NaiveDate>,
    pub note_sealed: Option<Vec<u8>>,
    pub answered_at: DateTime<Utc>,
}

type AnswerRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<Vec<u8>>,
    i64,
);

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    pub async fn commitment_progress(&self, user: u64) -> StoreResult<CommitmentProgress> {
        let (made, kept, not_applicable, open): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*),
                    COALESCE(SUM(CASE WHEN status = 'kept' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN status = 'not_applicable' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0)
             FROM commitments WHERE user_id = $1",
        )
        .bind(id_to_db(user))
        .fetch_one(self.pool())
        .await?;
        let own_zone = self.participant_settings(user).await?.timezone;
        let due: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT c.due_date, co.send_time, co.timezone FROM commitments c
             JOIN cohorts co ON co.cohort_id = c.cohort_id
             WHERE c.user_id = $1 AND c.status = 'open'",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        let next_checkin = due
            .iter()
            .filter_map(|(date, time, zone)| {
                let zone = own_zone.or_else(|| zone.parse::<Tz>().ok())?;
                Some(resolve(
                    parse_date(date)?,
                    SendTime::parse(time).ok()?,
                    zone,
                ))
            })
            .min();
        Ok(CommitmentProgress {
            made: count(made),
            kept: count(kept),
            not_applicable: count(not_applicable),
            open: count(open),
            next_checkin,
        })
    }

    /// Every check-in answer of `user`, oldest first.
    pub async fn checkin_answers_of(&self, user: u64) -> StoreResult<Vec<CheckinAnswer>> {
        let rows: Vec<AnswerRow> = sqlx::query_as(
            "SELECT answer_id, commitment_id, round_date, outcome, new_due_date, note_sealed, answered_at
             FROM checkin_answers WHERE user_id = $1 ORDER BY answered_at, answer_id",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(
                |(answer_id, commitment_id, round, outcome, new_due, note, at)| {
                    Some(CheckinAnswer {
                        answer_id,
                        commitment_id,
                        round_date: parse_date(&round)?,
                        outcome,
                        new_due_date: new_due.as_deref().and_then(parse_date),
                        note_sealed: note,
                        answered_at: from_db_time(at),
                    })
                },
            )
            .collect())
    }

    /// Every commitment of `user`, open or closed, oldest first (text still sealed).
    pub async fn commitments_of(&self, user: u64) -> StoreResult<Vec<super::Commitment>> {
        let rows: Vec<super::commitments::CommitmentRow> = sqlx::query_as(
            super::commitments::select("WHERE user_id = $1 ORDER BY commitment_id"),
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        super::commitments::rows_to_commitments(rows)
    }
}
