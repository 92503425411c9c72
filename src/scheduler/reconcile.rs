//! Start-up: claims left in `sending` by a previous run (claimed, maybe posted, not marked)
//! go through the same recovery path as any unconfirmed claim: re-posted with the same nonce
//! while Discord remembers it, otherwise looked for in the channel first.

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::{Outbound, Scheduler};

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn reconcile(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let jobs = self.stranded_jobs(now, chrono::Duration::zero()).await?;
        if jobs.is_empty() {
            return Ok(());
        }
        tracing::info!(count = jobs.len(), "reconciling deliveries left unfinished");
        let concurrency = self.settings.concurrency.max(1);
        futures::stream::iter(jobs)
            .for_each_concurrent(concurrency, |job| self.deliver(job))
            .await;
        Ok(())
    }
}
