//! Housekeeping done on the scheduler's rounds: deleting what people wrote (reflections, and
//! check-in notes) once it is older than `privacy.reflection_retention_days`.

use chrono::{DateTime, Utc};

use super::{Outbound, Scheduler};

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn purge_expired(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let cutoff = now - self.settings.retention;
        for (channel, message) in self.store.shared_posts_before(cutoff).await? {
            if let Err(e) = self.outbound.delete_message(channel, message).await {
                tracing::warn!(channel_id = channel, error = %e, "could not remove an expired shared reflection");
            }
        }
        let reflections = self.store.purge_reflections_before(cutoff).await?;
        let notes = self.store.purge_checkin_notes(cutoff).await?;
        if reflections + notes > 0 {
            tracing::info!(reflections, notes, "purged texts past the retention period");
        }
        Ok(())
    }
}
