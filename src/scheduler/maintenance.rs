//! Housekeeping done on the scheduler's rounds: deleting what people wrote (reflections, and
//! check-in notes) once it is older than `privacy.reflection_retention_days`.

use chrono::{DateTime, Utc};

use super::{Outbound, PostError, Scheduler};

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn purge_expired(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let cutoff = now - self.settings.retention;
        // A post that failed for a passing reason keeps its reflection for the next round: the
        // row is the only record of where the post is. Any other refusal will not get better,
        // so it is logged for an admin to remove by hand, and the text is purged as promised.
        let mut retry = Vec::new();
        for post in self.store.shared_posts_before(cutoff).await? {
            match self
                .outbound
                .delete_message(post.channel, post.message)
                .await
            {
                Ok(()) => {}
                Err(e @ PostError::Transient { .. }) => {
                    tracing::warn!(channel_id = post.channel, error = %e, "could not remove an expired shared reflection yet; trying again next round");
                    retry.push(post.reflection);
                }
                Err(e) => {
                    tracing::error!(channel_id = post.channel, message_id = post.message, error = %e, "could not remove an expired shared reflection; an admin must delete it")
                }
            }
        }
        let reflections = self.store.purge_reflections_before(cutoff, &retry).await?;
        let notes = self.store.purge_checkin_notes(cutoff).await?;
        if reflections + notes > 0 {
            tracing::info!(reflections, notes, "purged texts past the retention period");
        }
        Ok(())
    }
}
