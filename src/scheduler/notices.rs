//! The completion-notice step of a scheduler round: each completion recorded by the bot (after
//! the action that met the last criterion) is told to its person by one DM, with the button for
//! their certificate. Claimed in `completion_notices` before it is sent (an INSERT with a
//! lease), renewed right before the DM, recorded only while held; a claim whose lease ran out
//! is settled as `unknown` and never sent twice (`/progress` offers the certificate anyway).

use chrono::{DateTime, Utc};

use super::{to_base36, NoticeOut, Outbound, PostError, Scheduler};
use crate::store::{Change, Lease, NoticeFailure};

/// The nonce of a completion's notice: deterministic and at most 25 characters.
pub fn notice_nonce(completion: i64) -> String {
    format!("g{}", to_base36(completion.unsigned_abs()))
}

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn notices(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let settled = self.store.settle_stale_notices(now).await?;
        if settled > 0 {
            tracing::warn!(
                count = settled,
                "completion notices interrupted mid-send; /progress offers the certificate"
            );
        }
        for (completion, user) in self.store.completions_to_notify().await? {
            let now = self.clock.now();
            let nonce = notice_nonce(completion);
            let lease = Lease::from(&self.owner, now);
            if !self
                .store
                .claim_notice(completion, user, &nonce, lease, now)
                .await?
            {
                continue;
            }
            let Some(done) = self.store.completion(completion).await? else {
                continue;
            };
            let cohort_name = self
                .store
                .cohort(done.cohort_id)
                .await?
                .map_or(String::new(), |c| c.name);
            let out = NoticeOut {
                completion_id: completion,
                user_id: user,
                nonce,
                track: done.track,
                cohort_name,
            };
            self.send_notice(out).await?;
        }
        Ok(())
    }

    async fn send_notice(&self, out: NoticeOut) -> anyhow::Result<()> {
        let completion = out.completion_id;
        let lease = Lease::from(&self.owner, self.clock.now());
        if self.store.renew_notice(completion, lease).await? == Change::Stale {
            return Ok(());
        }
        let result = self.outbound.send_notice(&out).await;
        let now = self.clock.now();
        let change = match &result {
            Ok(message) => {
                self.store
                    .mark_notice_sent(completion, &self.owner, *message, now)
                    .await?
            }
            Err(error) => {
                let how = match error {
                    PostError::DmClosed => NoticeFailure::DmClosed,
                    _ => NoticeFailure::Failed,
                };
                self.store
                    .mark_notice_undelivered(
                        completion,
                        &self.owner,
                        how,
                        error.code().map(i64::from),
                        now,
                    )
                    .await?
            }
        };
        match (&result, change) {
            (Ok(_), Change::Applied) => {
                tracing::info!(
                    user_id = out.user_id,
                    completion_id = completion,
                    "completion notice sent"
                )
            }
            (Err(e), Change::Applied) => {
                tracing::info!(user_id = out.user_id, completion_id = completion, error = %e, "completion notice not delivered; /progress offers the certificate")
            }
            (_, Change::Stale) => {
                tracing::warn!(
                    completion_id = completion,
                    "a completion notice was settled elsewhere"
                )
            }
        }
        Ok(())
    }
}
