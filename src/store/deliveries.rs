//! The outbox of daily nudges: one row per cohort per practice day, claimed (`sending`, with a
//! lease) before the post and finished (`sent`, `skipped`, `failed`) after it by the lease's
//! holder only (see [`super::lease`]). UNIQUE(cohort, date) is what makes "exactly once" hold
//! across restarts and across processes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{flag, from_db_time, id_from_db, id_to_db, parse_date, to_db_time};
use super::lease::{self, held_by, renew_sql, take_over_sql, Change, Lease, LeaseOwner};
use super::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Sending,
    Sent,
    Skipped,
    Failed,
}

impl DeliveryStatus {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "sending" => Some(DeliveryStatus::Sending),
            "sent" => Some(DeliveryStatus::Sent),
            "skipped" => Some(DeliveryStatus::Skipped),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub cohort_id: i64,
    pub practice_date: NaiveDate,
    pub day_number: u32,
    pub prompt_id: String,
    pub due_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    pub late: bool,
    pub nonce: String,
    pub channel_id: Option<u64>,
    pub message_id: Option<u64>,
    pub attempts: u32,
    pub retry_at: Option<DateTime<Utc>>,
    pub error_code: Option<i64>,
    pub reason: Option<String>,
    pub claimed_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Who holds (or last held) the claim, and until when while it is `sending`.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
}

/// Why a post failed, as recorded: Discord's code, the reason shown in `/cohort status`, and
/// when to try again (none: never).
#[derive(Debug, Clone, Copy)]
pub struct Failure<'a> {
    pub code: Option<i64>,
    pub reason: &'a str,
    pub retry_at: Option<DateTime<Utc>>,
}

/// A claim on one cohort's practice day.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    pub cohort_id: i64,
    pub practice_date: NaiveDate,
    pub day_number: u32,
    pub prompt_id: &'a str,
    pub due_at: DateTime<Utc>,
    pub late: bool,
    pub nonce: &'a str,
    pub channel_id: u64,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    delivery_id: i64,
    cohort_id: i64,
    practice_date: String,
    day_number: i64,
    prompt_id: String,
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
    claimed_at: i64,
    finished_at: Option<i64>,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("delivery {}: {what}", row.delivery_id));
        Ok(Delivery {
            id: row.delivery_id,
            cohort_id: row.cohort_id,
            practice_date: parse_date(&row.practice_date)
                .ok_or_else(|| corrupt("practice_date"))?,
            day_number: u32::try_from(row.day_number).unwrap_or(0),
            due_at: from_db_time(row.due_at),
            status: DeliveryStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
            late: flag(row.late),
            channel_id: row.channel_id.map(id_from_db),
            message_id: row.message_id.map(id_from_db),
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            retry_at: row.retry_at.map(from_db_time),
            error_code: row.error_code,
            claimed_at: from_db_time(row.claimed_at),
            finished_at: row.finished_at.map(from_db_time),
            lease_until: row.lease_until.map(from_db_time),
            lease_owner: row.lease_owner,
            prompt_id: row.prompt_id,
            nonce: row.nonce,
            reason: row.reason,
        })
    }
}

const COLUMNS: &str =
    "delivery_id, cohort_id, practice_date, day_number, prompt_id, due_at, status, CAST(late AS INTEGER) AS late, nonce, \
    channel_id, message_id, attempts, retry_at, error_code, reason, claimed_at, finished_at, \
    lease_owner, lease_until";

fn select(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    // Only constant column lists and clauses are joined here; values are bound.
    sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM deliveries {tail}"))
}

impl Store {
    /// Claims a cohort's practice day before posting. Returns the delivery id, or `None` when
    /// the day was already claimed (by an earlier run, or by another process).
    pub async fn claim_delivery(
        &self,
        claim: &Claim<'_>,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(concat!(
            "INSERT INTO deliveries (cohort_id, practice_date, day_number, prompt_id, due_at, status, late, nonce,
                                     channel_id, attempts, claimed_at, lease_owner, lease_until)
             SELECT $1, $2, $3, $4, $5, 'sending', $6, $7, $8, 1, $9, $10, $11 WHERE TRUE",
            lease::fence!("10", "12"),
            " ON CONFLICT (cohort_id, practice_date) DO NOTHING
             RETURNING delivery_id"
        ))
        .bind(claim.cohort_id)
        .bind(claim.practice_date.to_string())
        .bind(i64::from(claim.day_number))
        .bind(claim.prompt_id)
        .bind(to_db_time(claim.due_at))
        .bind(claim.late)
        .bind(claim.nonce)
        .bind(id_to_db(claim.channel_id))
        .bind(to_db_time(now))
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(lease.owner.epoch())
        .fetch_optional(self.writer())
        .await?)
    }

    /// Extends the lease on a claim right before posting it; `Stale` if another worker took
    /// it over meanwhile (then this one must not post).
    pub async fn renew_delivery(&self, delivery: i64, lease: Lease<'_>) -> StoreResult<Change> {
        lease::renew(
            self,
            renew_sql!("deliveries", "delivery_id"),
            delivery,
            lease,
        )
        .await
    }

    /// Takes over a claim whose lease ran out before `now` (its holder crashed or gave up):
    /// true for the one worker that won.
    pub async fn take_over_delivery(
        &self,
        delivery: i64,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = take_over_sql!("deliveries", "delivery_id");
        lease::take_over_fenced(self, sql, delivery, lease, now).await
    }

    /// Records a practice day that will not be posted (too late after downtime), so status can
    /// show it and it is never posted later. Returns false if the day was already recorded.
    pub async fn record_skipped(
        &self,
        claim: &Claim<'_>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO deliveries (cohort_id, practice_date, day_number, prompt_id, due_at, status, late, nonce,
                                     channel_id, attempts, reason, claimed_at, finished_at)
             VALUES ($1, $2, $3, $4, $5, 'skipped', FALSE, $6, $7, 0, $8, $9, $9)
             ON CONFLICT (cohort_id, practice_date) DO NOTHING",
        )
        .bind(claim.cohort_id)
        .bind(claim.practice_date.to_string())
        .bind(i64::from(claim.day_number))
        .bind(claim.prompt_id)
        .bind(to_db_time(claim.due_at))
        .bind(claim.nonce)
        .bind(id_to_db(claim.channel_id))
        .bind(reason)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a post that reached the channel, if `owner` still holds the claim.
    pub async fn mark_sent(
        &self,
        delivery: i64,
        message: u64,
        channel: u64,
        owner: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE deliveries SET status = 'sent', message_id = $2, finished_at = $3, retry_at = NULL,
             error_code = NULL, reason = NULL, lease_until = NULL, channel_id = $5
             WHERE delivery_id = $1 AND ",
            held_by!("4")
        ))
        .bind(delivery)
        .bind(id_to_db(message))
        .bind(to_db_time(now))
        .bind(owner.as_str())
        .bind(id_to_db(channel))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Records a failed post, if `owner` still holds the claim; with `retry_at`, the scheduler
    /// may claim it again then.
    pub async fn mark_failed(
        &self,
        delivery: i64,
        failure: &Failure<'_>,
        owner: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE deliveries SET status = 'failed', error_code = $2, reason = $3, retry_at = $4,
             finished_at = $5, lease_until = NULL WHERE delivery_id = $1 AND ",
            held_by!("6")
        ))
        .bind(delivery)
        .bind(failure.code)
        .bind(failure.reason)
        .bind(failure.retry_at.map(to_db_time))
        .bind(to_db_time(now))
        .bind(owner.as_str())
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Counts a "missing permissions" failure against the delivery's cohort, if `owner` still
    /// holds the delivery's claim; returns how many there have been in a row, or `None` for a
    /// stale worker (nothing counted).
    pub async fn count_permission_failure(
        &self,
        delivery: i64,
        owner: &LeaseOwner,
    ) -> StoreResult<Option<u32>> {
        let count: Option<i64> = sqlx::query_scalar(concat!(
            "UPDATE cohorts SET permission_failures = permission_failures + 1
             WHERE cohort_id = (SELECT cohort_id FROM deliveries WHERE delivery_id = $1 AND ",
            held_by!("2"),
            ") RETURNING permission_failures"
        ))
        .bind(delivery)
        .bind(owner.as_str())
        .fetch_optional(self.writer())
        .await?;
        Ok(count.map(|c| u32::try_from(c).unwrap_or(u32::MAX)))
    }

    /// Takes a failed delivery back for another attempt, with a fresh lease (its first claim
    /// time is kept: it says how long ago a post may have reached Discord). False if another
    /// worker already did.
    pub async fn reclaim_failed(
        &self,
        delivery: i64,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(concat!(
            "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, retry_at = NULL,
             lease_owner = $3, lease_until = $4
             WHERE delivery_id = $1 AND status = 'failed' AND retry_at IS NOT NULL AND retry_at <= $2",
            lease::fence!("3", "5")
        ))
        .bind(delivery)
        .bind(to_db_time(now))
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(lease.owner.epoch())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deliveries in `sending`, whoever holds them (for tests and status).
    pub async fn unfinished_deliveries(&self) -> StoreResult<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> =
            sqlx::query_as(select("WHERE status = 'sending' ORDER BY delivery_id"))
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// Claims in `sending` whose lease ran out before `now`: their holder crashed, or failed
    /// to record an outcome. Candidates for [`Store::take_over_delivery`].
    pub async fn stuck_deliveries(&self, now: DateTime<Utc>) -> StoreResult<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(select(
            "WHERE status = 'sending' AND lease_until < $1 ORDER BY delivery_id",
        ))
        .bind(to_db_time(now))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// Failed deliveries whose retry time has come.
    pub async fn due_retries(&self, now: DateTime<Utc>) -> StoreResult<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(select(
            "WHERE status = 'failed' AND retry_at IS NOT NULL AND retry_at <= $1 ORDER BY retry_at",
        ))
        .bind(to_db_time(now))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// The earliest pending retry, for the scheduler's next wake-up.
    pub async fn next_retry_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(retry_at) FROM deliveries WHERE status = 'failed' AND retry_at IS NOT NULL",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(next.map(from_db_time))
    }

    pub async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>> {
        let row: Option<DeliveryRow> = sqlx::query_as(select("WHERE delivery_id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(Delivery::try_from).transpose()
    }

    /// A cohort's most recent deliveries, newest first.
    pub async fn recent_deliveries(&self, cohort: i64, limit: u32) -> StoreResult<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(select(
            "WHERE cohort_id = $1 ORDER BY practice_date DESC LIMIT $2",
        ))
        .bind(cohort)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// The cohort's most recent nudge that reached the channel.
    pub async fn latest_sent(&self, cohort: i64) -> StoreResult<Option<Delivery>> {
        let row: Option<DeliveryRow> = sqlx::query_as(select(
            "WHERE cohort_id = $1 AND status = 'sent' ORDER BY practice_date DESC LIMIT 1",
        ))
        .bind(cohort)
        .fetch_optional(self.pool())
        .await?;
        row.map(Delivery::try_from).transpose()
    }

    /// For every cohort with deliveries: the due instant of its latest recorded practice day.
    pub async fn latest_due_by_cohort(&self) -> StoreResult<HashMap<i64, DateTime<Utc>>> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT cohort_id, MAX(due_at) FROM deliveries GROUP BY cohort_id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(cohort, due)| (cohort, from_db_time(due)))
            .collect())
    }
}
