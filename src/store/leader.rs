//! Which process runs the scheduler: the holder of the `scheduler` row of `leader_leases`
//! (migration 0010). Every statement here is one conditional UPDATE, so two processes racing
//! for the row cannot both win, and each change of holder raises the row's epoch: the fencing
//! value the outbox leases check (`lease.rs`), so a paused former leader cannot start a post
//! once another process leads.

use chrono::{DateTime, Utc};

use super::convert::{from_db_time, to_db_time};
use super::lease::LeaseOwner;
use super::{Store, StoreResult};

/// The one role today.
const SCHEDULER: &str = "scheduler";

/// Who leads, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leader {
    /// Empty before anyone has led.
    pub holder: String,
    pub epoch: i64,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Takes the scheduler's lease if it is free or has expired, or renews it if `me` holds
    /// it; returns the epoch `me` now leads in, or `None` while another process's lease runs.
    /// The epoch goes up only when the holder changes.
    pub async fn claim_leadership(
        &self,
        me: &LeaseOwner,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "UPDATE leader_leases SET holder = $1, expires_at = $2,
               epoch = CASE WHEN holder = $1 THEN epoch ELSE epoch + 1 END
             WHERE role = $4 AND (holder = $1 OR expires_at < $3)
             RETURNING epoch",
        )
        .bind(me.as_str())
        .bind(to_db_time(now + lease))
        .bind(to_db_time(now))
        .bind(SCHEDULER)
        .fetch_optional(self.writer())
        .await?)
    }

    /// Takes the scheduler's lease whoever holds it, in a new epoch. Only for a process that
    /// holds the database exclusively (the SQLite file lock): every earlier holder has exited.
    pub async fn seize_leadership(
        &self,
        me: &LeaseOwner,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "UPDATE leader_leases SET holder = $1, expires_at = $2, epoch = epoch + 1
             WHERE role = $3 RETURNING epoch",
        )
        .bind(me.as_str())
        .bind(to_db_time(now + lease))
        .bind(SCHEDULER)
        .fetch_one(self.writer())
        .await?)
    }

    /// Ends `me`'s lease at once (a clean stop), so a standby need not wait for it to expire.
    /// The epoch stays: the next holder raises it.
    pub async fn resign_leadership(&self, me: &LeaseOwner) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE leader_leases SET expires_at = 0 WHERE role = $2 AND holder = $1")
                .bind(me.as_str())
                .bind(SCHEDULER)
                .execute(self.writer())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The leader, if a process leads as of `now` (its lease has not run out). `None` too on a
    /// database from before migration 0010, where no process of this version can be running.
    pub async fn running_leader(&self, now: DateTime<Utc>) -> StoreResult<Option<Leader>> {
        if !self
            .table_names()
            .await?
            .iter()
            .any(|t| t == "leader_leases")
        {
            return Ok(None);
        }
        let leader = self.leader().await?;
        Ok((!leader.holder.is_empty() && leader.expires_at >= now).then_some(leader))
    }

    pub async fn leader(&self) -> StoreResult<Leader> {
        let (holder, epoch, expires_at): (String, i64, i64) =
            sqlx::query_as("SELECT holder, epoch, expires_at FROM leader_leases WHERE role = $1")
                .bind(SCHEDULER)
                .fetch_one(self.pool())
                .await?;
        Ok(Leader {
            holder,
            epoch,
            expires_at: from_db_time(expires_at),
        })
    }
}
