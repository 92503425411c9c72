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
//! - **Fencing:** the scheduler's claims (every table but reflection_shares, whose posts are
//!   made by whichever process took the interaction) are renewed and taken over only by the
//!   process that leads in the current epoch of `leader_leases` (`leader.rs`): the statement
//!   checks the holder and epoch the worker believes in, in the same UPDATE. A paused former
//!   leader therefore cannot start a post once another process leads, and its marks change
//!   nothing once the new leader took the claim over (they check `lease_owner`).
//!
//! The statements are built by the macros below from literals, so every one is a
//! `&'static str`: a new outbox table writes `take_over_sql!("summaries", "summary_id")` and
//! gets the same rule. At start-up, a process that holds the SQLite file lock knows every other
//! owner is dead and ends their leases at once ([`Store::end_foreign_leases`]); so does a
//! process that has just become the leader on PostgreSQL (see `scheduler::leadership`).

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
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
/// Clones share the epoch this process leads the scheduler in (0: it does not lead), which the
/// leadership task keeps up to date and fenced statements bind.
#[derive(Clone)]
pub struct LeaseOwner {
    name: Arc<str>,
    epoch: Arc<AtomicI64>,
}

impl LeaseOwner {
    pub fn for_this_process() -> Self {
        let random = rand::rng().next_u32();
        Self {
            name: format!("pid{}-{random:08x}", std::process::id()).into(),
            epoch: Arc::default(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The epoch this process leads in; 0 when it does not lead.
    pub fn epoch(&self) -> i64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn leads(&self) -> bool {
        self.epoch() != 0
    }

    /// Set by the leadership task (0: leadership lost).
    pub fn set_epoch(&self, epoch: i64) {
        self.epoch.store(epoch, Ordering::SeqCst);
    }
}

impl PartialEq for LeaseOwner {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for LeaseOwner {}

impl std::hash::Hash for LeaseOwner {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl fmt::Display for LeaseOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for LeaseOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeaseOwner({})", self.name)
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

/// The condition a fenced statement adds: the owner bound as `$<owner>` leads the scheduler in
/// the epoch bound as `$<epoch>`. Write it as `fence!("2", "5")` inside a `concat!`.
macro_rules! fence {
    ($owner:literal, $epoch:literal) => {
        concat!(
            " AND EXISTS (SELECT 1 FROM leader_leases WHERE role = 'scheduler' AND holder = $",
            $owner,
            " AND epoch = $",
            $epoch,
            ")"
        )
    };
}

/// `UPDATE <table> SET lease_owner = $2, lease_until = $3, attempts = attempts + 1
/// WHERE <id> = $1 AND status = 'sending' AND lease_until < $4` ($4: now), fenced by the
/// epoch `$5` ([`take_over_fenced`]).
macro_rules! take_over_sql {
    ($table:literal, $id:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 WHERE ",
            $id,
            " = $1 AND status = 'sending' AND lease_until < $4",
            $crate::store::lease::fence!("2", "5")
        )
    };
}

/// [`take_over_sql!`] without the fence, for claims any process may work on (shares: the
/// process that took the interaction posts them) ([`take_over`]).
macro_rules! take_over_unfenced_sql {
    ($table:literal, $id:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 WHERE ",
            $id,
            " = $1 AND status = 'sending' AND lease_until < $4"
        )
    };
}

/// `UPDATE <table> SET lease_until = $3 WHERE <id> = $1 AND <held by $2>`, fenced by the epoch
/// `$4`.
macro_rules! renew_sql {
    ($table:literal, $id:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_until = $3 WHERE ",
            $id,
            " = $1 AND status = 'sending' AND lease_owner = $2",
            $crate::store::lease::fence!("2", "4")
        )
    };
}

/// The condition every status change adds: the claim is still `sending` and held by the
/// owner bound as `$<n>`. Write it as `held_by!("5")` inside a `concat!`.
macro_rules! held_by {
    ($owner:literal) => {
        concat!("status = 'sending' AND lease_owner = $", $owner)
    };
}

/// Ends every lease not held by `$1` (the caller), as of `$2`.
macro_rules! end_foreign_sql {
    ($table:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET lease_until = $2 WHERE status = 'sending' AND lease_owner IS DISTINCT FROM $1 AND lease_until >= $2"
        )
    };
}

pub(crate) use {fence, held_by, renew_sql, take_over_sql, take_over_unfenced_sql};

/// Every outbox table whose claims carry a fenced lease: the scheduler's.
const END_FOREIGN_FENCED: [&str; 5] = [
    end_foreign_sql!("deliveries"),
    end_foreign_sql!("reminder_dms"),
    end_foreign_sql!("summaries"),
    end_foreign_sql!("plan_posts"),
    end_foreign_sql!("completion_notices"),
];
/// Shares are claimed and posted by whichever process took the interaction.
const END_FOREIGN_SHARES: &str = end_foreign_sql!("reflection_shares");

/// Runs a statement made by [`take_over_sql!`] (or written with its parameters and
/// `fence!("2", "5")`): true for the one caller that won, and only while it leads.
pub(crate) async fn take_over_fenced(
    store: &Store,
    sql: &'static str,
    id: i64,
    lease: Lease<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    take_over_binding(store, sql, id, lease, now, Some(lease.owner.epoch())).await
}

/// Runs a statement made by [`take_over_unfenced_sql!`]: true for the one caller that won.
pub(crate) async fn take_over(
    store: &Store,
    sql: &'static str,
    id: i64,
    lease: Lease<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    take_over_binding(store, sql, id, lease, now, None).await
}

/// `$1` id, `$2` owner, `$3` lease end, `$4` now, and `$5` the epoch when fenced.
async fn take_over_binding(
    store: &Store,
    sql: &'static str,
    id: i64,
    lease: Lease<'_>,
    now: DateTime<Utc>,
    epoch: Option<i64>,
) -> StoreResult<bool> {
    let mut query = sqlx::query(sql)
        .bind(id)
        .bind(lease.owner.as_str())
        .bind(lease.until_db())
        .bind(to_db_time(now));
    if let Some(epoch) = epoch {
        query = query.bind(epoch);
    }
    Ok(query.execute(store.writer()).await?.rows_affected() == 1)
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
        .bind(lease.owner.epoch())
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
        self.end_leases_not_held_by(me, now, true).await
    }

    /// Ends, as of `now`, every lease of the scheduler's claims that `me` does not hold: for a
    /// process that has just become the leader (the former leader's claims can no longer be
    /// renewed, being fenced by its epoch). Share claims are left to their own leases: another
    /// live process may be posting them.
    pub async fn end_former_leaders_leases(
        &self,
        me: &LeaseOwner,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.end_leases_not_held_by(me, now, false).await
    }

    async fn end_leases_not_held_by(
        &self,
        me: &LeaseOwner,
        now: DateTime<Utc>,
        shares_too: bool,
    ) -> StoreResult<u64> {
        let shares = shares_too.then_some(END_FOREIGN_SHARES);
        let mut tx = self.begin_write().await?;
        let mut ended = 0;
        for sql in END_FOREIGN_FENCED.into_iter().chain(shares) {
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
               UNION ALL SELECT MIN(lease_until) FROM completion_notices WHERE status = 'sending') AS leases",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(next.map(super::convert::from_db_time))
    }
}
