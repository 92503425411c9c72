//! Leases on outbox claims: the rules every outbox table follows (deliveries, reminder_dms,
//! reflection_shares, summaries, plan_posts, completion_notices), in one place.
//!
//! A claim row carries `status`, `lease_owner TEXT`, `lease_until INTEGER` (Unix seconds,
//! written from Rust; SQL never computes now) and `attempts`.
//!
//! - **Claim:** an INSERT in state `sending` with the lease (a UNIQUE key decides who claims).
//! - **Renew:** right before the post, the holder extends its lease, conditional on still
//!   holding it; if that changes nothing, someone took over and the holder must not post. So
//!   the time a claim waits in a round's queue never counts against the post.
//! - **Take over** a stuck claim: exactly one `UPDATE … SET lease_owner, lease_until,
//!   attempts = attempts + 1 WHERE id = ? AND status = 'sending' AND lease_until < now`;
//!   rows_affected says who won.
//! - **Finish** (sent, failed, retry, skip): every status change is conditional on
//!   `status = 'sending' AND lease_owner = me` and reports whether it applied ([`Change`]). A
//!   stale worker changes nothing and must act on nothing it learned (a dead target it saw
//!   must not stop the cohort).
//!
//! The statements are built by the macros below from literals, so every one is a
//! `&'static str`: a new outbox table writes `take_over_sql!("summaries", "summary_id")` and
//! gets the same rule. At start-up, a process that holds the SQLite file lock knows every other
//! owner is dead and ends their leases at once ([`Store::end_foreign_leases`]).

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::RngCore;

use super::convert::to_db_time;
use super::{Store, StoreResult};

/// How long a claim is held before another worker may take it over.
///
/// It must outlast the longest a holder can legitimately take between its last renewal and
/// its mark: the pacer's worst case for one post (4 attempts of at most 30 s, plus 1 + 2 + 4 s
/// of back-off: about 2 minutes) plus, for a re-post, the channel search before it (the same
/// bound again): about 4¼ minutes in all. The lease is renewed when the post begins, so the
/// time a claim waits in the round's queue does not count; but a claim is made when the round
/// plans, so the lease also covers the queue until its renewal: a 10,000-cohort fan-out at
/// 45 posts a second queues its last claim for about 3¾ minutes. Five minutes covers both.
/// Only other processes ever take over a live lease (a round's sweep runs after its own posts
/// are done), and on SQLite there are none: the file lock lets a restart take over at once.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// Who holds a lease: one per process, made once at start-up. The pid is for people reading
/// logs and rows; the random part keeps a pid reused after a restart from being the same owner.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LeaseOwner(Arc<str>);

impl LeaseOwner {
    pub fn for_this_process() -> Self {
        let random = rand::rng().next_u32();
        Self(format!("pid{}-{random:08x}", std::process::id()).into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LeaseOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LeaseOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeaseOwner({})", self.0)
    }
}

/// A lease to write into a claim: its holder, and until when it holds.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    pub owner: &'a LeaseOwner,
    pub until: DateTime<Utc>,
}

impl<'a> Lease<'a> {
    /// A lease of [`LEASE`] from `now`.
    pub fn from(owner: &'a LeaseOwner, now: DateTime<Utc>) -> Self {
        Self {
            owner,
            until: now + LEASE,
        }
    }

    pub(crate) fn until_db(&self) -> i64 {
        to_db_time(self.until)
    }
}

/// Whether a conditional change applied.
#[must_use = "a worker whose change did not apply no longer holds the claim and must stop"]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Applied,
    /// The claim is no longer this worker's (taken over, finished or gone): nothing changed.
    Stale,
}

impl Change {
    pub(crate) fn from_rows(rows: u64) -> Self {
        if rows == 1 {
            Change::Applied
        } else {
            Change::Stale
        }
    }

    pub fn applied(self) -> bool {
        self == Change::Applied
    }
}

/// `UPDATE <table> SET lease_owner = ?2, lease_until = ?3, attempts = attempts + 1
/// WHERE <id> = ?1 AND status = 'sending' AND lease_until < ?4` (?4: now).
macro_rules! take_over_sql {
    ($table:literal, $id:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_owner = ?2, lease_until = ?3, attempts = attempts + 1 WHERE ",
            $id,
            " = ?1 AND status = 'sending' AND lease_until < ?4"
        )
    };
}

/// `UPDATE <table> SET lease_until = ?3 WHERE <id> = ?1 AND <held by ?2>`.
macro_rules! renew_sql {
    ($table:literal, $id:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_until = ?3 WHERE ",
            $id,
            " = ?1 AND status = 'sending' AND lease_owner = ?2"
        )
    };
}

/// The condition every status change adds: the claim is still `sending` and held by the
/// owner bound as `?<n>`. Write it as `held_by!("5")` inside a `concat!`.
macro_rules! held_by {
    ($owner:literal) => {
        concat!("status = 'sending' AND lease_owner = ?", $owner)
    };
}

/// Ends every lease not held by `?1` (the caller), as of `?2`.
macro_rules! end_foreign_sql {
    ($table:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_until = ?2 WHERE status = 'sending' AND lease_owner IS NOT ?1 AND lease_until >= ?2"
        )
    };
}

pub(crate) use {held_by, renew_sql, take_over_sql};

/// Every outbox table whose claims carry a lease.
const END_FOREIGN: [&str; 6] = [
    end_foreign_sql!("deliveries"),
    end_foreign_sql!("reminder_dms"),
    end_foreign_sql!("reflection_shares"),
    end_foreign_sql!("summaries"),
    end_foreign_sql!("plan_posts"),
    end_foreign_sql!("completion_notices"),
];

/// Runs a statement made by [`take_over_sql!`]: true for the one caller that won.
pub(crate) async fn take_over(
    store: &Store,
    sql: &'static str,
    id: i64,
    lease: Lease<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = sqlx::query(sql)
        .bind(id)
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(to_db_time(now))
        .execute(store.writer())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Runs a statement made by [`renew_sql!`].
pub(crate) async fn renew(
    store: &Store,
    sql: &'static str,
    id: i64,
    lease: Lease<'_>,
) -> StoreResult<Change> {
    let done = sqlx::query(sql)
        .bind(id)
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .execute(store.writer())
        .await?;
    Ok(Change::from_rows(done.rows_affected()))
}

impl Store {
    /// Ends, as of `now`, every lease that `me` does not hold, in every outbox table. Only for
    /// a process that holds the database exclusively (the SQLite file lock): every other owner
    /// is then a process that has exited, and its claims can be recovered at once instead of
    /// when their leases run out. Returns how many leases ended.
    pub async fn end_foreign_leases(
        &self,
        me: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut ended = 0;
        for sql in END_FOREIGN {
            ended += sqlx::query(sql)
                .bind(me.as_str())
                .bind(to_db_time(now) - 1)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// When the first lease on a claim still `sending` runs out, in any outbox table.
    pub async fn next_lease_expiry(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(until) FROM (
               SELECT MIN(lease_until) AS until FROM deliveries WHERE status = 'sending'
               UNION ALL SELECT MIN(lease_until) FROM reminder_dms WHERE status = 'sending'
               UNION ALL SELECT MIN(lease_until) FROM reflection_shares WHERE status = 'sending'
               UNION ALL SELECT MIN(lease_until) FROM summaries WHERE status = 'sending'
               UNION ALL SELECT MIN(lease_until) FROM plan_posts WHERE status = 'sending'
               UNION ALL SELECT MIN(lease_until) FROM completion_notices WHERE status = 'sending')",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(next.map(super::convert::from_db_time))
    }
}
