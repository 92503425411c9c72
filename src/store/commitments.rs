//! Commitments and their check-in answers. Text is sealed by the caller's sealing function,
//! bound to its row and column; nothing in this file ever sees what a person wrote. Every change is checked against the owner, so a forged
//! reference to someone else's commitment changes nothing.

use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{from_db_time, id_from_db, id_to_db, parse_date, to_db_time};
use super::sealed::{SealResult, SealedColumn, SealedField, UNSEALED};
use super::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentStatus {
    Open,
    /// "Tried it".
    Kept,
    /// "Didn't apply": the situation did not come up.
    NotApplicable,
}

impl CommitmentStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            CommitmentStatus::Open => "open",
            CommitmentStatus::Kept => "kept",
            CommitmentStatus::NotApplicable => "not_applicable",
        }
    }

    fn from_db(text: &str) -> Option<Self> {
        match text {
            "open" => Some(CommitmentStatus::Open),
            "kept" => Some(CommitmentStatus::Kept),
            "not_applicable" => Some(CommitmentStatus::NotApplicable),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: i64,
    pub user_id: u64,
    pub guild_id: u64,
    pub cohort_id: i64,
    pub when_sealed: Vec<u8>,
    pub will_sealed: Vec<u8>,
    pub follow_up_days: u32,
    /// The local date of the next check-in.
    pub due_date: NaiveDate,
    pub status: CommitmentStatus,
    /// The check-in waits for the person's next command.
    pub waiting: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy)]
pub struct NewCommitment {
    pub user_id: u64,
    pub guild_id: u64,
    pub cohort_id: i64,
    pub follow_up_days: u32,
    pub due_date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitOutcome {
    Created(i64),
    /// The person already has the maximum of open commitments.
    TooMany,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CommitmentRow {
    commitment_id: i64,
    user_id: i64,
    guild_id: i64,
    cohort_id: i64,
    when_sealed: Vec<u8>,
    will_sealed: Vec<u8>,
    follow_up_days: i64,
    due_date: String,
    status: String,
    waiting_since: Option<i64>,
    created_at: i64,
}

pub(crate) const COLUMNS: &str = "commitment_id, user_id, guild_id, cohort_id, when_sealed, \
    will_sealed, follow_up_days, due_date, status, waiting_since, created_at";

impl TryFrom<CommitmentRow> for Commitment {
    type Error = StoreError;

    fn try_from(row: CommitmentRow) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("commitment {}: {what}", row.commitment_id));
        Ok(Commitment {
            id: row.commitment_id,
            user_id: id_from_db(row.user_id),
            guild_id: id_from_db(row.guild_id),
            cohort_id: row.cohort_id,
            follow_up_days: u32::try_from(row.follow_up_days).unwrap_or(7),
            due_date: parse_date(&row.due_date).ok_or_else(|| corrupt("due_date"))?,
            status: CommitmentStatus::from_db(&row.status).ok_or_else(|| corrupt("status"))?,
            waiting: row.waiting_since.is_some(),
            created_at: from_db_time(row.created_at),
            when_sealed: row.when_sealed,
            will_sealed: row.will_sealed,
        })
    }
}

pub(crate) fn select(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    // Only constant column lists and constant clauses are joined here; values are bound.
    sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM commitments {tail}"))
}

pub(crate) fn rows_to_commitments(rows: Vec<CommitmentRow>) -> StoreResult<Vec<Commitment>> {
    rows.into_iter().map(Commitment::try_from).collect()
}

impl Store {
    /// Stores a commitment unless the person already has `max_open` open ones; `seal` seals
    /// its "when" and "will" texts for their row and column.
    pub async fn create_commitment(
        &self,
        new: NewCommitment,
        seal: impl Fn(&SealedField) -> SealResult,
        max_open: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<CommitOutcome> {
        let mut tx = self.begin_write().await?;
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM commitments WHERE user_id = $1 AND status = 'open'",
        )
        .bind(id_to_db(new.user_id))
        .fetch_one(&mut *tx)
        .await?;
        if open >= i64::from(max_open) {
            return Ok(CommitOutcome::TooMany);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO commitments (user_id, guild_id, cohort_id, when_sealed, will_sealed,
               follow_up_days, due_date, status, created_at)
             VALUES ($1, $2, $3, $7, $7, $4, $5, 'open', $6) RETURNING commitment_id",
        )
        .bind(id_to_db(new.user_id))
        .bind(id_to_db(new.guild_id))
        .bind(new.cohort_id)
        .bind(i64::from(new.follow_up_days))
        .bind(new.due_date.to_string())
        .bind(to_db_time(now))
        .bind(UNSEALED)
        .fetch_one(&mut *tx)
        .await?;
        for column in [SealedColumn::CommitmentWhen, SealedColumn::CommitmentWill] {
            let field = SealedField {
                column,
                row: id,
                owner: new.user_id,
            };
            sqlx::query(column.update_one())
                .bind(id)
                .bind(seal(&field).map_err(StoreError::Seal)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(CommitOutcome::Created(id))
    }

    pub async fn commitment(&self, id: i64) -> StoreResult<Option<Commitment>> {
        let row: Option<CommitmentRow> = sqlx::query_as(select("WHERE commitment_id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(Commitment::try_from).transpose()
    }

    /// The person's open commitments, soonest check-in first.
    pub async fn open_commitments(&self, user: u64) -> StoreResult<Vec<Commitment>> {
        let rows: Vec<CommitmentRow> = sqlx::query_as(select(
            "WHERE user_id = $1 AND status = 'open' ORDER BY due_date, commitment_id",
        ))
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        rows_to_commitments(rows)
    }

    /// Closes an open commitment of `user` as kept or not applicable, recording the answer.
    /// False if it was not open (already answered: a double click) or not theirs.
    pub async fn close_commitment(
        &self,
        id: i64,
        user: u64,
        status: CommitmentStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let outcome = match status {
            CommitmentStatus::Kept => "tried",
            CommitmentStatus::NotApplicable => "not_applicable",
            CommitmentStatus::Open => return Ok(false),
        };
        let mut tx = self.begin_write().await?;
        let round: Option<String> = sqlx::query_scalar(
            "UPDATE commitments SET status = $3, closed_at = $4, waiting_since = NULL
             WHERE commitment_id = $1 AND user_id = $2 AND status = 'open' RETURNING due_date",
        )
        .bind(id)
        .bind(id_to_db(user))
        .bind(status.as_db())
        .bind(to_db_time(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(round) = round else {
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO checkin_answers (commitment_id, user_id, round_date, outcome, answered_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(id_to_db(user))
        .bind(round)
        .bind(outcome)
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// "Not yet": moves the check-in of an open commitment of `user` to `new_due`. False if it
    /// is not open, not theirs, or already due then (the same form sent twice).
    pub async fn reschedule_commitment(
        &self,
        id: i64,
        user: u64,
        new_due: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let round: Option<String> = sqlx::query_scalar(
            "SELECT due_date FROM commitments WHERE commitment_id = $1 AND user_id = $2 AND status = 'open'",
        )
        .bind(id)
        .bind(id_to_db(user))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(round) = round.filter(|r| *r != new_due.to_string()) else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE commitments SET due_date = $2, prompted_for = NULL, waiting_since = NULL
             WHERE commitment_id = $1",
        )
        .bind(id)
        .bind(new_due.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO checkin_answers (commitment_id, user_id, round_date, outcome, new_due_date, answered_at)
             VALUES ($1, $2, $3, 'not_yet', $4, $5)
             ON CONFLICT (commitment_id, round_date, outcome)
             DO UPDATE SET new_due_date = excluded.new_due_date, answered_at = excluded.answered_at",
        )
        .bind(id)
        .bind(id_to_db(user))
        .bind(round)
        .bind(new_due.to_string())
        .bind(to_db_time(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Saves (or replaces) the note on the current check-in round of a commitment of `user`,
    /// sealed by `seal` for its row (`checkin_answers.note_sealed`). False if the commitment is
    /// not theirs.
    pub async fn save_checkin_note(
        &self,
        id: i64,
        user: u64,
        seal: impl Fn(&SealedField) -> SealResult,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let answer: Option<i64> = sqlx::query_scalar(
            "INSERT INTO checkin_answers (commitment_id, user_id, round_date, outcome, note_sealed, answered_at)
             SELECT commitment_id, user_id, due_date, 'note', $4, $3 FROM commitments
             WHERE commitment_id = $1 AND user_id = $2
             ON CONFLICT (commitment_id, round_date, outcome)
             DO UPDATE SET answered_at = excluded.answered_at
             RETURNING answer_id",
        )
        .bind(id)
        .bind(id_to_db(user))
        .bind(to_db_time(now))
        .bind(UNSEALED)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(answer) = answer else {
            return Ok(false);
        };
        let field = SealedField {
            column: SealedColumn::CheckinNote,
            row: answer,
            owner: user,
        };
        sqlx::query(SealedColumn::CheckinNote.update_one())
            .bind(answer)
            .bind(seal(&field).map_err(StoreError::Seal)?)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes check-in notes written before `cutoff` (`privacy.reflection_retention_days`);
    /// returns how many.
    pub async fn purge_checkin_notes(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done =
            sqlx::query("DELETE FROM checkin_answers WHERE outcome = 'note' AND answered_at < $1")
                .bind(to_db_time(cutoff))
                .execute(self.writer())
                .await?;
        Ok(done.rows_affected())
    }
}
