//! Completions of certification tracks: what a person did that the criteria count (as raw
//! rows; `report::standing` weighs them), the completion itself, the certificate issued from
//! it (its code and the name on it, sealed), and the look-up that verifies a code.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{flag, from_db_time, id_from_db, id_to_db, parse_date, to_db_time};
use super::sealed::{SealResult, SealedColumn, SealedField};
use super::{Store, StoreError, StoreResult};

/// What a person did in a cohort that certification counts, before it is sorted into modules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEvidence {
    /// Practice dates whose nudge they tried.
    pub tried_dates: BTreeSet<NaiveDate>,
    /// Each reflection: the practice date of the nudge it answers, if any, and when written.
    pub reflections: Vec<(Option<NaiveDate>, DateTime<Utc>)>,
    /// Quiz items of the track they answered with the best answer at least once.
    pub best_items: BTreeSet<String>,
    /// Commitments made in the cohort with at least one check-in answered.
    pub commitments_checked_in: u32,
    pub proposed: bool,
    pub voted: bool,
    pub owned: bool,
}

/// A completion, with its certificate once issued.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub id: i64,
    pub user_id: u64,
    pub cohort_id: i64,
    pub track: String,
    pub completed_on: NaiveDate,
    pub completed_at: DateTime<Utc>,
    /// The canonical verification code, once issued.
    pub code: Option<String>,
    pub name_sealed: Option<Vec<u8>>,
    pub issued_at: Option<DateTime<Utc>>,
    pub shared_at: Option<DateTime<Utc>>,
}

/// What `verify` may say about a genuine code: the track and the date, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub track: String,
    pub completed_on: NaiveDate,
}

type CompletionRow = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<Vec<u8>>,
    Option<i64>,
    Option<i64>,
);

const COMPLETION: &str =
    "SELECT completion_id, user_id, cohort_id, track, completed_on, completed_at, code, \
     name_sealed, issued_at, shared_at FROM completions";

fn completion(row: CompletionRow) -> StoreResult<Completion> {
    let (id, user, cohort, track, on, at, code, name, issued, shared) = row;
    Ok(Completion {
        id,
        user_id: id_from_db(user),
        cohort_id: cohort,
        track,
        completed_on: parse_date(&on)
            .ok_or_else(|| StoreError::Corrupt(format!("completion {id}: completed_on")))?,
        completed_at: from_db_time(at),
        code,
        name_sealed: name,
        issued_at: issued.map(from_db_time),
        shared_at: shared.map(from_db_time),
    })
}

impl Store {
    /// Everything `user` did in `cohort` that certification counts, on `track`.
    pub async fn certification_evidence(
        &self,
        user: u64,
        cohort: i64,
        track: &str,
    ) -> StoreResult<RawEvidence> {
        let user_db = id_to_db(user);
        let tried: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT d.practice_date FROM engagements e JOIN deliveries d USING (delivery_id)
             WHERE e.user_id = $1 AND e.cohort_id = $2",
        )
        .bind(user_db)
        .bind(cohort)
        .fetch_all(self.pool())
        .await?;
        let reflections: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT d.practice_date, r.created_at FROM reflections r
             LEFT JOIN deliveries d ON d.delivery_id = r.delivery_id
             WHERE r.user_id = $1 AND r.cohort_id = $2",
        )
        .bind(user_db)
        .bind(cohort)
        .fetch_all(self.pool())
        .await?;
        let best_items: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT item_id FROM quiz_answers WHERE user_id = $1 AND track = $2 AND correct",
        )
        .bind(user_db)
        .bind(track)
        .fetch_all(self.pool())
        .await?;
        let checked_in: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT a.commitment_id) FROM checkin_answers a
             JOIN commitments c ON c.commitment_id = a.commitment_id
             WHERE a.user_id = $1 AND c.cohort_id = $2 AND a.outcome <> 'note'",
        )
        .bind(user_db)
        .bind(cohort)
        .fetch_one(self.pool())
        .await?;
        let (proposed, voted, owned): (i64, i64, i64) = sqlx::query_as(
            "SELECT
               CAST(EXISTS (SELECT 1 FROM plan_proposals p JOIN plans pl USING (plan_id)
                       WHERE pl.cohort_id = $2 AND p.user_id = $1 AND p.removed_at IS NULL)
                    AS INTEGER),
               CAST(EXISTS (SELECT 1 FROM plan_votes v JOIN plan_proposals p USING (proposal_id)
                       JOIN plans pl USING (plan_id)
                       WHERE pl.cohort_id = $2 AND v.user_id = $1 AND p.removed_at IS NULL)
                    AS INTEGER),
               CAST(EXISTS (SELECT 1 FROM plan_owners o JOIN plan_proposals p USING (proposal_id)
                       JOIN plans pl USING (plan_id)
                       WHERE pl.cohort_id = $2 AND o.user_id = $1 AND p.removed_at IS NULL)
                    AS INTEGER)",
        )
        .bind(user_db)
        .bind(cohort)
        .fetch_one(self.pool())
        .await?;
        Ok(RawEvidence {
            tried_dates: tried.iter().filter_map(|d| parse_date(d)).collect(),
            reflections: reflections
                .into_iter()
                .map(|(date, at)| (date.as_deref().and_then(parse_date), from_db_time(at)))
                .collect(),
            best_items: best_items.into_iter().collect(),
            commitments_checked_in: u32::try_from(checked_in).unwrap_or(0),
            proposed: flag(proposed),
            voted: flag(voted),
            owned: flag(owned),
        })
    }

    /// Records that `user` completed `cohort`'s track. Returns the completion id, or `None`
    /// when it was already recorded.
    pub async fn record_completion(
        &self,
        user: u64,
        cohort: i64,
        track: &str,
        completed_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "INSERT INTO completions (user_id, cohort_id, track, completed_on, completed_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, cohort_id) DO NOTHING RETURNING completion_id",
        )
        .bind(id_to_db(user))
        .bind(cohort)
        .bind(track)
        .bind(completed_on.to_string())
        .bind(to_db_time(now))
        .fetch_optional(self.writer())
        .await?)
    }

    pub async fn completion(&self, id: i64) -> StoreResult<Option<Completion>> {
        let row: Option<CompletionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMPLETION} WHERE completion_id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(completion).transpose()
    }

    /// `user`'s completion of `cohort`, if any.
    pub async fn completion_of(&self, user: u64, cohort: i64) -> StoreResult<Option<Completion>> {
        let row: Option<CompletionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMPLETION} WHERE user_id = $1 AND cohort_id = $2"
        )))
        .bind(id_to_db(user))
        .bind(cohort)
        .fetch_optional(self.pool())
        .await?;
        row.map(completion).transpose()
    }

    /// Every completion of `user` (for the export).
    pub async fn completions_of(&self, user: u64) -> StoreResult<Vec<Completion>> {
        let rows: Vec<CompletionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMPLETION} WHERE user_id = $1 ORDER BY completion_id"
        )))
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(completion).collect()
    }

    /// Issues the certificate of completion `id` (theirs): its code and the name on it, sealed
    /// for its row. A second issue keeps the first code and takes the new name. False if the
    /// completion is not `user`'s.
    pub async fn issue_certificate(
        &self,
        id: i64,
        user: u64,
        code: &str,
        seal_name: impl Fn(&SealedField) -> SealResult,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let field = SealedField {
            column: SealedColumn::CertificateName,
            row: id,
            owner: user,
        };
        let sealed = seal_name(&field).map_err(StoreError::Seal)?;
        let done = sqlx::query(
            "UPDATE completions SET code = COALESCE(code, $3), name_sealed = $4,
                 issued_at = COALESCE(issued_at, $5)
             WHERE completion_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(id_to_db(user))
        .bind(code)
        .bind(sealed)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims the congratulation post of a certificate (once). False when it was shared
    /// already, or is not `user`'s or not issued.
    pub async fn claim_congratulation(
        &self,
        id: i64,
        user: u64,
        channel: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE completions SET shared_at = $3, shared_channel_id = $4
             WHERE completion_id = $1 AND user_id = $2 AND code IS NOT NULL AND shared_at IS NULL",
        )
        .bind(id)
        .bind(id_to_db(user))
        .bind(to_db_time(now))
        .bind(id_to_db(channel))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the congratulation's message, or (with `None`) gives the claim back after the
    /// post failed, so the person can press Share again.
    pub async fn settle_congratulation(&self, id: i64, message: Option<u64>) -> StoreResult<()> {
        let sql = if message.is_some() {
            "UPDATE completions SET shared_message_id = $2 WHERE completion_id = $1"
        } else {
            "UPDATE completions SET shared_at = NULL, shared_channel_id = NULL WHERE completion_id = $1"
        };
        sqlx::query(sql)
            .bind(id)
            .bind(message.map(id_to_db))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// A code's track and date, if a certificate with that (canonical) code exists.
    pub async fn verify_code(&self, code: &str) -> StoreResult<Option<Verified>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT track, completed_on FROM completions WHERE code = $1")
                .bind(code)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.and_then(|(track, on)| {
            Some(Verified {
                track,
                completed_on: parse_date(&on)?,
            })
        }))
    }

    /// How many people completed the cohort's track (a figure for the k rules).
    pub async fn completion_count(&self, cohort: i64) -> StoreResult<u32> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM completions WHERE cohort_id = $1")
                .bind(cohort)
                .fetch_one(self.pool())
                .await?;
        Ok(u32::try_from(count).unwrap_or(0))
    }

    /// How many people completed the cohort's track by `until`.
    pub async fn completion_count_by(&self, cohort: i64, until: DateTime<Utc>) -> StoreResult<u32> {
        // People who completed and later deleted their data stay counted (summary_departed):
        // otherwise the count would drop by exactly them.
        let count: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM completions WHERE cohort_id = $1 AND completed_at < $2)
                  + (SELECT CAST(COALESCE(SUM(people), 0) AS BIGINT) FROM summary_departed
                     WHERE cohort_id = $1 AND figure = 'completions')",
        )
        .bind(cohort)
        .bind(to_db_time(until))
        .fetch_one(self.pool())
        .await?;
        Ok(u32::try_from(count).unwrap_or(0))
    }

    /// The cohorts `user` is a live member of.
    pub async fn live_cohorts_of(&self, user: u64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT cohort_id FROM memberships WHERE user_id = $1 AND left_at IS NULL",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?)
    }

    /// The latest nudge posted for practice days `first` to `last` (a module's), if any.
    pub async fn latest_sent_between(
        &self,
        cohort: i64,
        first: u32,
        last: u32,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT delivery_id FROM deliveries WHERE cohort_id = $1 AND status = 'sent'
               AND day_number BETWEEN $2 AND $3
             ORDER BY day_number DESC LIMIT 1",
        )
        .bind(cohort)
        .bind(i64::from(first))
        .bind(i64::from(last))
        .fetch_optional(self.pool())
        .await?)
    }

    /// The congratulation posts naming `user`: (channel, message).
    pub async fn congratulations_of(&self, user: u64) -> StoreResult<Vec<(u64, u64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT shared_channel_id, shared_message_id FROM completions
             WHERE user_id = $1 AND shared_channel_id IS NOT NULL AND shared_message_id IS NOT NULL",
        )
        .bind(id_to_db(user))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(c, m)| (id_from_db(c), id_from_db(m)))
            .collect())
    }
}
