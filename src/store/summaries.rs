//! The outbox of weekly summaries: one row per cohort and week, claimed (`sending`, with a
//! lease) before it is posted and finished (`sent`, `skipped`, `failed`) after. UNIQUE(cohort,
//! week) makes "once per cohort per week" hold across restarts and processes; the lease rules
//! of [`super::lease`] make every later change belong to one worker: marking and retrying
//! happen only while `lease_owner` is that worker, and a stuck claim is taken over by one
//! conditional UPDATE.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{flag, from_db_time, id_from_db, id_to_db, parse_date, to_db_time};
use super::lease::{self, held_by, Change, Lease, LeaseOwner};
use super::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryStatus {
    Sending,
    Sent,
    Skipped,
    Failed,
}

impl SummaryStatus {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "sending" => Some(SummaryStatus::Sending),
            "sent" => Some(SummaryStatus::Sent),
            "skipped" => Some(SummaryStatus::Skipped),
            "failed" => Some(SummaryStatus::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredSummary {
    pub id: i64,
    pub cohort_id: i64,
    pub week_of: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub status: SummaryStatus,
    pub late: bool,
    pub nonce: String,
    pub channel_id: Option<u64>,
    pub message_id: Option<u64>,
    pub attempts: u32,
    pub retry_at: Option<DateTime<Utc>>,
    pub error_code: Option<i64>,
    pub reason: Option<String>,
    /// The figures as computed at the claim (JSON written by `report`).
    pub figures: String,
    pub claimed_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A new week to claim or record.
#[derive(Debug, Clone)]
pub struct SummaryClaim<'a> {
    pub cohort_id: i64,
    pub week_of: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub late: bool,
    pub nonce: &'a str,
    pub channel_id: Option<u64>,
    pub figures: &'a str,
    /// Whom the figures to date counted (the differencing baseline once claimed).
    pub counted: &'a [u64],
}

#[derive(sqlx::FromRow)]
struct Row {
    summary_id: i64,
    cohort_id: i64,
    week_of: String,
    due_at: i64,
    status: String,
    late: i64,
    nonce: String,
    channel_id: Option<i64>,
    message_id: Option<i64>,
    attempts: i64,
    retry_at: Option<i64>,
    error_code: Option<i64>,
    reason: Option<String>,
    figures: String,
    claimed_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<Row> for StoredSummary {
    type Error = StoreError;

    fn try_from(row: Row) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("summary {}: {what}", row.summary_id));
        Ok(StoredSummary {
            id: row.summary_id,
            cohort_id: row.cohort_id,
            week_of: parse_date(&row.week_of).ok_or_else(|| corrupt("week_of"))?,
            due_at: from_db_time(row.due_at),
            status: SummaryStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
            late: flag(row.late),
            channel_id: row.channel_id.map(id_from_db),
            message_id: row.message_id.map(id_from_db),
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            retry_at: row.retry_at.map(from_db_time),
            error_code: row.error_code,
            claimed_at: from_db_time(row.claimed_at),
            finished_at: row.finished_at.map(from_db_time),
            nonce: row.nonce,
            reason: row.reason,
            figures: row.figures,
        })
    }
}

macro_rules! summary_columns {
    () => {
        "summary_id, cohort_id, week_of, due_at, status, CAST(late AS INTEGER) AS late, nonce, channel_id, message_id, \
         attempts, retry_at, error_code, reason, figures, claimed_at, finished_at"
    };
}

fn select(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    // Only the constant column list and constant clauses are joined here; values are bound.
    sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM summaries {tail}",
        summary_columns!()
    ))
}

impl Store {
    /// Claims a cohort's week before posting, and makes whom it counted the cohort's baseline.
    /// Returns the summary id, or `None` when the week was already claimed or recorded (by an
    /// earlier round, a restart or another process).
    pub async fn claim_summary(
        &self,
        claim: &SummaryClaim<'_>,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(concat!(
            "INSERT INTO summaries (cohort_id, week_of, due_at, status, late, nonce, channel_id, attempts,
                                    figures, claimed_at, lease_owner, lease_until)
             SELECT $1, $2, $3, 'sending', $4, $5, $6, 1, $7, $8, $9, $10 WHERE TRUE",
            lease::fence!("9", "11"),
            " ON CONFLICT (cohort_id, week_of) DO NOTHING
             RETURNING summary_id"
        ))
        .bind(claim.cohort_id)
        .bind(claim.week_of.to_string())
        .bind(to_db_time(claim.due_at))
        .bind(claim.late)
        .bind(claim.nonce)
        .bind(claim.channel_id.map(id_to_db))
        .bind(claim.figures)
        .bind(to_db_time(now))
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(lease.owner.epoch())
        .fetch_optional(&mut *tx)
        .await?;
        if id.is_some() {
            // The people this week counts become the next summary's reference, in the same
            // transaction: a claim without its baseline could let a change slip through.
            Self::replace_summary_baseline(&mut tx, claim.cohort_id, claim.counted).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Records a week that will not be posted (no summary channel, too late after downtime),
    /// with its figures, so `/cohort status` can show it and the chart keeps the week. False
    /// if the week was already recorded.
    pub async fn record_skipped_summary(
        &self,
        claim: &SummaryClaim<'_>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO summaries (cohort_id, week_of, due_at, status, late, nonce, channel_id, attempts,
                                    reason, figures, claimed_at, finished_at)
             VALUES ($1, $2, $3, 'skipped', FALSE, $4, $5, 0, $6, $7, $8, $8)
             ON CONFLICT (cohort_id, week_of) DO NOTHING",
        )
        .bind(claim.cohort_id)
        .bind(claim.week_of.to_string())
        .bind(to_db_time(claim.due_at))
        .bind(claim.nonce)
        .bind(claim.channel_id.map(id_to_db))
        .bind(reason)
        .bind(claim.figures)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a summary posted, if `owner` still holds its claim. False when the claim was taken
    /// over or settled meanwhile: the caller then changes nothing else.
    pub async fn mark_summary_sent(
        &self,
        summary: i64,
        owner: &LeaseOwner,
        message: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE summaries SET status = 'sent', message_id = $3, finished_at = $4, retry_at = NULL,
                 error_code = NULL, reason = NULL
             WHERE summary_id = $1 AND ",
            held_by!("2")
        ))
        .bind(summary)
        .bind(owner.as_str())
        .bind(id_to_db(message))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Records a failed post, if `owner` still holds the claim; with `retry_at`, the week may
    /// be claimed again then.
    pub async fn mark_summary_failed(
        &self,
        summary: i64,
        owner: &LeaseOwner,
        failure: (Option<i64>, &str),
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let (code, reason) = failure;
        let done = sqlx::query(concat!(
            "UPDATE summaries SET status = 'failed', error_code = $3, reason = $4, retry_at = $5,
                 finished_at = $6
             WHERE summary_id = $1 AND ",
            held_by!("2")
        ))
        .bind(summary)
        .bind(owner.as_str())
        .bind(code)
        .bind(reason)
        .bind(retry_at.map(to_db_time))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Gives up a failed week for good (its cohort was archived, or it is past the grace
    /// period). Conditional on the row still waiting for a retry, so it cannot undo a post.
    pub async fn abandon_summary(
        &self,
        summary: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE summaries SET retry_at = NULL, reason = $2, finished_at = $3
             WHERE summary_id = $1 AND status = 'failed' AND retry_at IS NOT NULL",
        )
        .bind(summary)
        .bind(reason)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes a claim whose lease has run out (its worker crashed or hung), or a failed week
    /// whose retry time has come, for `lease.owner`: one conditional UPDATE, so of several
    /// workers exactly one wins. The first claim time is kept: it says how long ago a post may
    /// have reached Discord.
    pub async fn take_over_summary(
        &self,
        summary: i64,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // lease::take_over_sql! (fenced) with one more way in: a failed week whose retry time has come.
        const TAKE_OVER: &str = concat!(
            "UPDATE summaries SET status = 'sending', lease_owner = $2,
                 lease_until = $3, attempts = attempts + 1, retry_at = NULL
             WHERE summary_id = $1 AND (
                 (status = 'sending' AND lease_until < $4)
                 OR (status = 'failed' AND retry_at IS NOT NULL AND retry_at <= $4))",
            lease::fence!("2", "5")
        );
        lease::take_over_fenced(self, TAKE_OVER, summary, lease, now).await
    }

    /// Weeks someone should take over: claims whose lease ran out, and failed weeks whose retry
    /// time has come. Taking one still goes through [`Store::take_over_summary`].
    pub async fn summaries_to_take_over(
        &self,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<StoredSummary>> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT * FROM (SELECT ",
            summary_columns!(),
            " FROM summaries WHERE status = 'sending' AND lease_until < $1
             UNION ALL SELECT ",
            summary_columns!(),
            " FROM summaries WHERE status = 'failed' AND retry_at <= $1)
             AS due ORDER BY summary_id"
        ))
        .bind(to_db_time(now))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(StoredSummary::try_from).collect()
    }

    /// The earliest moment a summary needs attention again (a retry, or a lease running out).
    pub async fn next_summary_attention(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(at) FROM (
               SELECT MIN(retry_at) AS at FROM summaries WHERE status = 'failed'
               UNION ALL SELECT MIN(lease_until) FROM summaries WHERE status = 'sending') AS due",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(next.map(from_db_time))
    }

    /// Counts one more "missing permissions" refusal of a week this worker holds; returns how
    /// many in a row there have been.
    pub async fn count_summary_permission_failure(
        &self,
        summary: i64,
        owner: &LeaseOwner,
    ) -> StoreResult<Option<u32>> {
        let count: Option<i64> = sqlx::query_scalar(concat!(
            "UPDATE summaries SET permission_failures = permission_failures + 1
             WHERE summary_id = $1 AND ",
            held_by!("2"),
            " RETURNING permission_failures"
        ))
        .bind(summary)
        .bind(owner.as_str())
        .fetch_optional(self.writer())
        .await?;
        Ok(count.map(|c| u32::try_from(c).unwrap_or(u32::MAX)))
    }

    /// Extends a claim this worker holds, right before it posts; `Stale` if it no longer does.
    pub async fn renew_summary(&self, summary: i64, lease: Lease<'_>) -> StoreResult<Change> {
        lease::renew(
            self,
            lease::renew_sql!("summaries", "summary_id"),
            summary,
            lease,
        )
        .await
    }

    pub async fn summary(&self, id: i64) -> StoreResult<Option<StoredSummary>> {
        let row: Option<Row> = sqlx::query_as(select("WHERE summary_id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(StoredSummary::try_from).transpose()
    }

    /// A cohort's summaries, newest first.
    pub async fn recent_summaries(
        &self,
        cohort: i64,
        limit: u32,
    ) -> StoreResult<Vec<StoredSummary>> {
        let rows: Vec<Row> = sqlx::query_as(select(
            "WHERE cohort_id = $1 ORDER BY week_of DESC LIMIT $2",
        ))
        .bind(cohort)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(StoredSummary::try_from).collect()
    }

    /// A cohort's summaries for weeks before `week_of`, oldest first (the chart's history).
    pub async fn summaries_before(
        &self,
        cohort: i64,
        week_of: NaiveDate,
    ) -> StoreResult<Vec<StoredSummary>> {
        let rows: Vec<Row> = sqlx::query_as(select(
            "WHERE cohort_id = $1 AND week_of < $2 ORDER BY week_of",
        ))
        .bind(cohort)
        .bind(week_of.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(StoredSummary::try_from).collect()
    }

    /// For every cohort with summaries: the latest week recorded (the round skips those).
    pub async fn latest_summary_weeks(&self) -> StoreResult<HashMap<i64, NaiveDate>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT cohort_id, MAX(week_of) FROM summaries GROUP BY cohort_id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(cohort, week)| Some((cohort, parse_date(&week)?)))
            .collect())
    }
}
