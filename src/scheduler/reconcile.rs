//! Start-up: claims left in `sending` by a process that is gone (claimed, maybe posted, not
//! marked) go through the same recovery path as any claim whose lease ran out: taken over by
//! one conditional UPDATE, then re-posted with the same nonce while Discord remembers it,
//! otherwise looked for in the channel first. A claim another live process holds is left
//! alone until its lease runs out. (With SQLite no other process can be alive: `app::start`
//! holds the database's file lock and ends the leases of earlier processes before this runs.)
//! Interrupted anonymous shares are left to the first round's housekeeping, after its nudges.

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::{Outbound, Scheduler};

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn reconcile(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let jobs = self.recovery_jobs(now).await?;
        if !jobs.is_empty() {
            tracing::info!(count = jobs.len(), "reconciling deliveries left unfinished");
            let concurrency = self.settings.concurrency.max(1);
            futures::stream::iter(jobs)
                .for_each_concurrent(concurrency, |job| self.deliver(job))
                .await;
        }
        // Interrupted anonymous shares are settled by the rounds' housekeeping, after their
        // nudges: one at a time, each with its back-off, they must not hold nudges up.
        Ok(())
    }
}
