//! The outbox of completion notices: the private message that tells someone they completed a
//! track, with the button that asks for the name on their certificate. It follows the lease
//! rules of [`super::lease`]: claimed by an INSERT in state `sending` with a lease (UNIQUE per
//! completion), renewed right before the DM, and every status change is conditional on the
//! claim still being this worker's. A claim whose lease ran out is settled as `unknown`, never
//! sent twice (like check-in DMs): `/progress` offers the certificate anyway.

use chrono::{DateTime, Utc};

use super::convert::{id_from_db, id_to_db, to_db_time};
use super::lease::{self, held_by, renew_sql, Change, Lease, LeaseOwner};
use super::{Store, StoreResult};

/// How a notice ended when it did not arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeFailure {
    DmClosed,
    Failed,
}

impl Store {
    /// Completions whose notice has not been claimed yet: (completion id, person).
    pub async fn completions_to_notify(&self) -> StoreResult<Vec<(i64, u64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT c.completion_id, c.user_id FROM completions c
             WHERE NOT EXISTS (SELECT 1 FROM completion_notices n WHERE n.completion_id = c.completion_id)
             ORDER BY c.completion_id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, user)| (id, id_from_db(user)))
            .collect())
    }

    /// Claims the notice of a completion; false if it was claimed already.
    pub async fn claim_notice(
        &self,
        completion: i64,
        user: u64,
        nonce: &str,
        lease: Lease<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(concat!(
            "INSERT INTO completion_notices (completion_id, user_id, status, nonce, attempts,
                                             lease_owner, lease_until, claimed_at)
             SELECT $1, $2, 'sending', $3, 1, $4, $5, $6 WHERE TRUE",
            lease::fence!("4", "7"),
            " ON CONFLICT (completion_id) DO NOTHING"
        ))
        .bind(completion)
        .bind(id_to_db(user))
        .bind(nonce)
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(to_db_time(now))
        .bind(lease.owner.epoch())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Extends the lease right before the DM goes out; `Stale` means someone settled it.
    pub async fn renew_notice(&self, completion: i64, lease: Lease<'_>) -> StoreResult<Change> {
        const RENEW: &str = renew_sql!("completion_notices", "completion_id");
        lease::renew(self, RENEW, completion, lease).await
    }

    pub async fn mark_notice_sent(
        &self,
        completion: i64,
        owner: &LeaseOwner,
        message: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let done = sqlx::query(concat!(
            "UPDATE completion_notices SET status = 'sent', message_id = $3, finished_at = $4
             WHERE completion_id = $1 AND ",
            held_by!("2")
        ))
        .bind(completion)
        .bind(owner.as_str())
        .bind(id_to_db(message))
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    pub async fn mark_notice_undelivered(
        &self,
        completion: i64,
        owner: &LeaseOwner,
        how: NoticeFailure,
        code: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<Change> {
        let status = match how {
            NoticeFailure::DmClosed => "dm_closed",
            NoticeFailure::Failed => "failed",
        };
        let done = sqlx::query(concat!(
            "UPDATE completion_notices SET status = $3, error_code = $4, finished_at = $5
             WHERE completion_id = $1 AND ",
            held_by!("2")
        ))
        .bind(completion)
        .bind(owner.as_str())
        .bind(status)
        .bind(code)
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(Change::from_rows(done.rows_affected()))
    }

    /// Settles notices whose lease ran out (a crash mid-send) as `unknown`: a DM is never sent
    /// twice. One conditional UPDATE: of several workers, each row is settled once.
    pub async fn settle_stale_notices(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE completion_notices SET status = 'unknown', finished_at = $1, lease_until = NULL
             WHERE status = 'sending' AND lease_until < $1",
        )
        .bind(to_db_time(now))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }
}
