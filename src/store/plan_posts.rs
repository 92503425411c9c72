//! The outbox of published action plans: one row per plan (its primary key), so the plan's
//! message is posted once across restarts and processes. It follows the lease rules of
//! [`super::lease`]: claimed by an INSERT in state `sending` with a lease, renewed right before
//! the post, taken over by one conditional UPDATE when the lease runs out (or a failed post's
//! retry comes), and every status change carries `held_by!`. Later edits of the message (an
//! action's status, an owner) follow `plans.version`; an edit is harmless to repeat, so it
//! needs no claim.

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, id_from_db, id_to_db, to_db_time};
use super::lease::{self, held_by, renew_sql, Change, Lease, LeaseOwner};
use super::{Store, StoreResult};

/// A plan's post as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPost {
    pub plan_id: i64,
    pub cohort_id: i64,
    pub channel_id: u64,
    pub nonce: String,
    pub message_id: Option<u64>,
    pub attempts: u32,
    pub claimed_at: DateTime<Utc>,
    /// The plan's version when this was read, and the version the message shows.
    pub version: i64,
    pub shown_version: i64,
}

type Row = (i64, i64, i64, String, Option<i64>, i64, i64, i64, i64);

const SELECT: &str =
    "SELECT p.plan_id, pl.cohort_id, p.channel_id, p.nonce, p.message_id, p.attempts, \
     p.claimed_at, pl.version, p.shown_version FROM plan_posts p JOIN plans pl USING (plan_id)";

fn post(row: Row) -> PlanPost {
    let (plan, cohort, channel, nonce, message, attempts, claimed, version, shown) = row;
    PlanPost {
        plan_id: plan,
        cohort_id: cohort,
        channel_id: id_from_db(channel),
        nonce,
        message_id: message.map(id_from_db),
        attempts: u32::try_from(attempts).unwrap_or(0),
        claimed_at: from_db_time(claimed),
        version,
        shown_version: shown,
    }
}

impl Store {
    /// Published plans whose message has not been claimed yet: (plan, cohort).
    pub async fn plans_to_post(&self) -> StoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT pl.plan_id, pl.cohort_id FROM plans pl
             WHERE pl.state = 'published'
               AND NOT EXISTS (SELECT 1 FROM plan_posts p WHERE p.plan_id = pl.plan_id)
             ORDER BY pl.plan_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Claims a plan's post; false if it was claimed already.
    pub async fn claim_plan_post(
        &self,
        plan: i64,
        channel: u64,
        nonce: &str,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(concat!(
            "INSERT INTO plan_posts (plan_id, status, channel_id, nonce, attempts, lease_owner,
                                     lease_until, claimed_at)
             SELECT $1, 'sending', $2, $3, 1, $4, $5, $6 WHERE TRUE",
            lease::fence!("4", "7"),
            " ON CONFLICT (plan_id) DO NOTHING"
        ))
        .bind(plan)
        .bind(id_to_db(channel))
        .bind(nonce)
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(to_db_time(now))
        .bind(lease.owner.epoch())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn plan_post(&self, plan: i64) -> StoreResult<Option<PlanPost>> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE p.plan_id = $1"
        )))
        .bind(plan)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(post))
    }

    pub async fn renew_plan_post(&self, plan: i64, lease: Lease<'_>) -> StoreResult<Change> {
        const RENEW: &str = renew_sql!("plan_posts", "plan_id");
        lease::renew(self, RENEW, plan, lease).await
    }

    /// Records the plan's message, and the version it shows, if `owner` still holds the claim.
    pub async fn mark_plan_posted(
        &self,
        plan: i64,
        owner: &LeaseOwner,
        message: u64,
        shown_version: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE plan_posts SET status = 'sent', message_id = $3, shown_version = $4,
                 finished_at = $5, retry_at = NULL, error_code = NULL, reason = NULL
             WHERE plan_id = $1 AND ",
            held_by!("2")
        ))
        .bind(plan)
        .bind(owner.as_str())
        .bind(id_to_db(message))
        .bind(shown_version)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Records a failed post, if `owner` still holds the claim; with `retry_at`, it is taken
    /// over again then.
    pub async fn mark_plan_post_failed(
        &self,
        plan: i64,
        owner: &LeaseOwner,
        failure: (Option<i64>, &str),
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE plan_posts SET status = 'failed', error_code = $3, reason = $4, retry_at = $5,
                 finished_at = $6
             WHERE plan_id = $1 AND ",
            held_by!("2")
        ))
        .bind(plan)
        .bind(owner.as_str())
        .bind(failure.0)
        .bind(failure.1)
        .bind(retry_at.map(to_db_time))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Takes a stuck claim (lease run out) or a failed post whose retry time has come, with a
    /// channel (the organisation's current one): one conditional UPDATE, so one worker wins.
    pub async fn take_over_plan_post(
        &self,
        plan: i64,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // lease::take_over_sql! (fenced) with one more way in: a failed post whose retry time has come.
        const TAKE_OVER: &str = concat!(
            "UPDATE plan_posts SET status = 'sending', lease_owner = $2,
                 lease_until = $3, attempts = attempts + 1, retry_at = NULL
             WHERE plan_id = $1 AND (
                 (status = 'sending' AND lease_until < $4)
                 OR (status = 'failed' AND retry_at IS NOT NULL AND retry_at <= $4))",
            lease::fence!("2", "5")
        );
        lease::take_over_fenced(self, TAKE_OVER, plan, lease, now).await
    }

    /// Plan posts someone should take over.
    pub async fn plan_posts_to_take_over(&self, now: DateTime<Utc>) -> StoreResult<Vec<PlanPost>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (p.status = 'sending' AND p.lease_until < $1)
                OR (p.status = 'failed' AND p.retry_at IS NOT NULL AND p.retry_at <= $1)
             ORDER BY p.plan_id"
        )))
        .bind(to_db_time(now))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(post).collect())
    }

    /// Posted plans whose message shows an older version than the plan.
    pub async fn plan_posts_to_edit(&self) -> StoreResult<Vec<PlanPost>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE p.status = 'sent' AND p.shown_version < pl.version ORDER BY p.plan_id"
        )))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(post).collect())
    }

    /// The message now shows `version` (never moves back).
    pub async fn mark_plan_shown(&self, plan: i64, version: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE plan_posts SET shown_version = $2 WHERE plan_id = $1 AND shown_version < $2",
        )
        .bind(plan)
        .bind(version)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The earliest moment a plan post needs attention again (a retry, or a lease running out).
    pub async fn next_plan_post_attention(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(CASE WHEN status = 'failed' THEN retry_at ELSE lease_until END)
             FROM plan_posts WHERE status IN ('sending', 'failed')",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(next.map(from_db_time))
    }
}
