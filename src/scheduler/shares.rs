//! Recovery of anonymous shares whose post was interrupted (a crash between the post and its
//! record, or a post whose answer never came). Like a nudge: the claim is taken over once its
//! lease has run out, then posted again with the same nonce while Discord remembers it,
//! otherwise looked for in the channel first (and posted only if it is not there: the author
//! asked for it to be shared). A claim older than a day that is not found is given up, never
//! posted that late.

use chrono::{DateTime, Duration, Utc};

use super::deliver::NONCE_TRUST;
use super::{Outbound, PostError, Scheduler, ShareOut};
use crate::store::{Lease, PendingShare, ShareRecord};

/// A share that could not be confirmed for this long is given up (the author may share again),
/// and one this old is never posted.
const GIVE_UP_AFTER: Duration = Duration::days(1);

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn recover_shares(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        for share in self.store.stuck_shares(now).await? {
            let lease = Lease::from(&self.owner, now);
            if self
                .store
                .take_over_share(share.reflection_id, lease, now)
                .await?
            {
                self.recover_share(share, now).await?;
            }
        }
        Ok(())
    }

    async fn recover_share(&self, share: PendingShare, now: DateTime<Utc>) -> anyhow::Result<()> {
        let reflection = share.reflection_id;
        let out = ShareOut {
            reflection_id: reflection,
            user_id: share.user_id,
            channel_id: share.channel_id,
            nonce: share.nonce,
            sealed_text: share.sealed_text,
            claimed_at: share.claimed_at,
        };
        let age = now - share.claimed_at;
        let posted = if age > NONCE_TRUST {
            match self.find_unrecorded(&out).await? {
                Ok(Some(message)) => Ok(message),
                // Not there, and too old to post now: a share turning up days after its author
                // asked is not what they asked for.
                Ok(None) if age >= GIVE_UP_AFTER => {
                    let why = "not found in the channel, and too old to post now";
                    return self.give_up_share(reflection, out.channel_id, why).await;
                }
                Ok(None) => self.outbound.post_share(&out).await,
                Err(e) => Err(e),
            }
        } else {
            self.outbound.post_share(&out).await
        };
        let message = match posted {
            Ok(message) => message,
            Err(e @ PostError::Transient { .. }) if age < GIVE_UP_AFTER => {
                // Held until the lease runs out; a later round tries again.
                tracing::warn!(reflection_id = reflection, error = %e, "could not settle an interrupted anonymous share yet");
                return Ok(());
            }
            Err(e) => {
                return self
                    .give_up_share(reflection, out.channel_id, &e.to_string())
                    .await
            }
        };
        match self
            .store
            .record_share(reflection, message, &self.owner, self.clock.now())
            .await?
        {
            ShareRecord::Recorded => {
                tracing::info!(
                    reflection_id = reflection,
                    "settled an interrupted anonymous share"
                )
            }
            ShareRecord::Stale => {
                tracing::warn!(
                    reflection_id = reflection,
                    "an anonymous share was settled elsewhere"
                )
            }
            ShareRecord::Gone => {
                // Deleted meanwhile: the post must not outlive its reflection.
                if let Err(e) = self.outbound.delete_message(out.channel_id, message).await {
                    tracing::error!(channel_id = out.channel_id, message_id = message, error = %e,
                        "could not remove the post of a deleted reflection; an admin must delete it");
                }
            }
        }
        Ok(())
    }

    /// The share's post among the channel's recent messages, passing over posts recorded for
    /// another share of the same words.
    async fn find_unrecorded(
        &self,
        out: &ShareOut,
    ) -> anyhow::Result<Result<Option<u64>, PostError>> {
        Ok(match self.outbound.find_share(out).await {
            Ok(candidates) => Ok(self.store.first_unrecorded_share_post(&candidates).await?),
            Err(e) => Err(e),
        })
    }

    /// Gives a share up: its reflection is unshared again (the author may share it anew), and
    /// the log tells an admin where a post may have been left.
    async fn give_up_share(&self, reflection: i64, channel: u64, why: &str) -> anyhow::Result<()> {
        tracing::error!(reflection_id = reflection, channel_id = channel, error = why,
            "gave up an interrupted anonymous share; if it reached the channel, an admin must delete it");
        let _ = self.store.abandon_share(reflection, &self.owner).await?;
        Ok(())
    }
}
