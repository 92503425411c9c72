//! `migrate` and `key rotate` must never run under a bot. On SQLite the database's file lock
//! keeps them apart (`store::DatabaseLock`); on PostgreSQL nothing locks the database, since
//! several processes share it, so these commands look for a process that leads the scheduler
//! (`store::leader`) and refuse while one does. A process standing by holds no lease, but
//! whenever any process runs, one of them leads within a lease.

use chrono::{DateTime, Utc};

use super::Failure;
use crate::store::{Backend, Store};

pub(super) async fn refuse_under_a_running_bot(
    store: &Store,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    if store.backend() != Backend::Postgres {
        return Ok(()); // the file lock, taken before the store was opened, did this
    }
    match store
        .running_leader(now)
        .await
        .map_err(anyhow::Error::from)?
    {
        None => Ok(()),
        Some(leader) => Err(Failure::Other(anyhow::anyhow!(
            "an allybot process ({}) is running on this database: its lease on the scheduler \
             runs until {}; stop every allybot process first (a stopped process hands its \
             lease back at once; after a crash, wait until then)",
            leader.holder,
            leader.expires_at.format("%Y-%m-%d %H:%M:%S UTC")
        ))),
    }
}
