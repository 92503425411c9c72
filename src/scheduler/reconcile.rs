//! Start-up: deliveries left in `sending` by a crash (claimed, maybe posted, not marked).
//!
//! Recently claimed ones are re-posted with the same nonce: Discord returns the existing message
//! if the first post got through, so nothing doubles. Older ones (beyond the few minutes
//! Discord remembers a nonce) are looked up among the channel's recent messages first, by the
//! delivery id in their buttons; only if absent, and still within the grace period, are they
//! posted again.

use chrono::{DateTime, Utc};

use super::deliver::Job;
use super::{Outbound, Scheduler};

/// How long after a claim the nonce alone is trusted to de-duplicate (Discord: "a few minutes").
const NONCE_TRUST: chrono::Duration = chrono::Duration::minutes(3);

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn reconcile(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let unfinished = self.store.unfinished_deliveries().await?;
        if unfinished.is_empty() {
            return Ok(());
        }
        tracing::info!(
            count = unfinished.len(),
            "reconciling deliveries left unfinished"
        );
        let mut jobs = Vec::new();
        for delivery in unfinished {
            let Some(cohort) = self.store.cohort(delivery.cohort_id).await? else {
                continue;
            };
            let Some(channel) = delivery.channel_id else {
                continue;
            };
            let late =
                (now - delivery.due_at).to_std().unwrap_or_default() > self.settings.late_after;
            let late_due = late.then_some(delivery.due_at);
            if now - delivery.claimed_at > NONCE_TRUST {
                match self.outbound.find_nudge(channel, delivery.id).await {
                    Ok(Some(message)) => {
                        self.store.mark_sent(delivery.id, message, now).await?;
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(delivery_id = delivery.id, error = %e, "could not check the channel")
                    }
                }
                if (now - delivery.due_at).to_std().unwrap_or_default() > self.settings.grace {
                    let reason = "not confirmed after a restart, and now past the grace period";
                    self.store
                        .mark_failed(delivery.id, None, reason, None, now)
                        .await?;
                    continue;
                }
            }
            jobs.extend(Job::from_delivery(&cohort, &delivery, late_due));
        }
        for job in jobs {
            self.deliver(job).await;
        }
        Ok(())
    }
}
