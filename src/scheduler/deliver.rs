//! Posting a claimed nudge and recording what happened.
//!
//! - A fresh claim is posted at once, with its nonce.
//! - A re-post (a retry, or a claim left unconfirmed) first looks for the nudge in the channel
//!   of its earlier attempts if the cohort's channel changed since, and in the current channel
//!   once Discord may have forgotten the nonce; it never posts blindly when it cannot look. The
//!   row records the channel the nudge is in.
//! - An unknown channel or lost access stops the cohort's deliveries at once; missing
//!   permissions stop them after three failures in a row; anything temporary is retried within
//!   the grace period.

use chrono::{DateTime, Utc};

use super::{NudgeOut, Outbound, PostError, Scheduler};
use crate::domain::Stage;
use crate::store::{Change, Claim, Cohort, Delivery, Failure, Lease};

/// "Missing permissions" failures in a row that stop a cohort's deliveries.
const PERMISSION_FAILURES_TO_STOP: u32 = 3;
/// Retry spacing: a permission problem needs a person to fix it; a 5xx usually passes quickly.
const PERMISSION_RETRY: chrono::Duration = chrono::Duration::hours(2);
const TRANSIENT_RETRY: chrono::Duration = chrono::Duration::minutes(1);
/// How long after the first attempt the nonce alone is trusted to de-duplicate a re-post
/// (Discord: "the past few minutes").
pub(crate) const NONCE_TRUST: chrono::Duration = chrono::Duration::minutes(2);

/// A claimed nudge waiting to be posted.
pub(crate) struct Job {
    cohort_id: i64,
    nudge: NudgeOut,
    /// For a re-post: when the day was first claimed (and perhaps posted).
    first_claimed: Option<DateTime<Utc>>,
    /// For a re-post: the channel the earlier attempts went to (an admin may have changed the
    /// cohort's channel since).
    first_channel: Option<u64>,
}

impl Job {
    pub(crate) fn new(
        cohort: &Cohort,
        delivery_id: i64,
        claim: &Claim<'_>,
        stage: Stage,
        late_due: Option<DateTime<Utc>>,
    ) -> Self {
        Job {
            cohort_id: cohort.id,
            nudge: NudgeOut {
                delivery_id,
                channel_id: claim.channel_id,
                nonce: claim.nonce.to_owned(),
                track: cohort.track.clone(),
                prompt_id: claim.prompt_id.to_owned(),
                stage,
                day: claim.day_number,
                late_due,
            },
            first_claimed: None,
            first_channel: None,
        }
    }

    /// A re-post of a delivery row, to the cohort's current channel (after a look in the
    /// channel of the earlier attempts, if that changed).
    pub(crate) fn repost(
        cohort: &Cohort,
        delivery: &Delivery,
        late_due: Option<DateTime<Utc>>,
    ) -> Option<Self> {
        Some(Job {
            cohort_id: cohort.id,
            nudge: NudgeOut {
                delivery_id: delivery.id,
                channel_id: cohort.channel_id.or(delivery.channel_id)?,
                nonce: delivery.nonce.clone(),
                track: cohort.track.clone(),
                prompt_id: delivery.prompt_id.clone(),
                stage: cohort.plan.stage(delivery.day_number, &cohort.pace),
                day: delivery.day_number,
                late_due,
            },
            first_claimed: Some(delivery.claimed_at),
            first_channel: delivery.channel_id,
        })
    }
}

impl<O: Outbound> Scheduler<O> {
    /// Posts a claimed nudge and records what happened, as long as this process still holds
    /// the claim: the lease is renewed first, so the time the job waited in the round's queue
    /// does not count, and a claim another worker took over meanwhile is left to it.
    pub(crate) async fn deliver(&self, job: Job) {
        let delivery = job.nudge.delivery_id;
        let lease = Lease::from(&self.owner, self.clock.now());
        match self.store.renew_delivery(delivery, lease).await {
            Ok(Change::Applied) => {}
            Ok(Change::Stale) => {
                tracing::warn!(
                    delivery_id = delivery,
                    "another worker took this nudge over; not posting it here"
                );
                return;
            }
            Err(e) => {
                // Not posted; the claim's lease runs out and recovery takes it.
                tracing::error!(delivery_id = delivery, error.cause_chain = ?e, "could not renew a claim before posting");
                return;
            }
        }
        let recorded = match self.post_once(&job).await {
            Ok((message, channel)) => self.record_sent(&job, message, channel).await,
            Err(error) => self.record_failure(&job, &error).await,
        };
        if let Err(e) = recorded {
            // The row stays `sending`; when its lease runs out the recovery path settles it
            // without posting blindly.
            tracing::error!(delivery_id = delivery, error.cause_chain = ?e, "could not record a delivery outcome");
        }
    }

    /// Posts, unless this is a re-post that must look for the nudge first; returns the message
    /// and the channel it is in. A re-post looks in the channel of its earlier attempts if the
    /// cohort's channel changed since (a nonce does not carry across channels), and in the
    /// current channel once Discord may have forgotten the nonce.
    async fn post_once(&self, job: &Job) -> Result<(u64, u64), PostError> {
        let channel = job.nudge.channel_id;
        let stale = job
            .first_claimed
            .is_some_and(|first| self.clock.now() - first > NONCE_TRUST);
        let moved = job.first_channel.filter(|first| *first != channel);
        for place in moved.into_iter().chain(stale.then_some(channel)) {
            match self.outbound.find_nudge(place, job.nudge.delivery_id).await {
                Ok(Some(message)) => {
                    tracing::info!(
                        delivery_id = job.nudge.delivery_id,
                        "found the nudge already posted"
                    );
                    return Ok((message, place));
                }
                Ok(None) => {}
                // The earlier channel is gone or out of the bot's reach: what the cohort sees
                // now is the new channel.
                Err(PostError::DeadTarget { .. }) if Some(place) == moved => {}
                Err(e) => {
                    return Err(PostError::Transient {
                        code: e.code(),
                        detail: format!("could not check the channel before posting again ({e})"),
                        retry_after: None,
                    })
                }
            }
        }
        let message = self.outbound.post_nudge(&job.nudge).await?;
        Ok((message, channel))
    }

    async fn record_sent(&self, job: &Job, message: u64, channel: u64) -> anyhow::Result<()> {
        let now = self.clock.now();
        let delivery = job.nudge.delivery_id;
        if !self
            .store
            .mark_sent(delivery, message, channel, &self.owner, now)
            .await?
            .applied()
        {
            stale_outcome(delivery, "sent");
            return Ok(());
        }
        self.store.clear_permission_failures(job.cohort_id).await?;
        tracing::info!(
            cohort_id = job.cohort_id,
            delivery_id = delivery,
            day = job.nudge.day,
            late = job.nudge.late_due.is_some(),
            "nudge sent"
        );
        Ok(())
    }

    /// Records a failed post. Whatever it says about the channel (gone, no access, missing
    /// permissions) acts on the cohort only if this worker still held the claim: a stale
    /// worker's view is older than the holder's.
    async fn record_failure(&self, job: &Job, error: &PostError) -> anyhow::Result<()> {
        let now = self.clock.now();
        let (delivery, cohort) = (job.nudge.delivery_id, job.cohort_id);
        let code = error.code().map(i64::from);
        tracing::warn!(cohort_id = cohort, delivery_id = delivery, error = %error, "nudge not sent");
        let failed = |reason, retry_at| Failure {
            code,
            reason,
            retry_at,
        };
        let change = match error {
            PostError::DeadTarget { reason, .. } => {
                let change = self
                    .mark_failed(delivery, failed(reason, None), now)
                    .await?;
                if change.applied() {
                    let why = format!(
                        "{reason}. Pick a channel with /cohort channel to restart deliveries."
                    );
                    self.store.stop_deliveries(cohort, &why, now).await?;
                }
                change
            }
            PostError::MissingPermissions => {
                let reason = "the bot is missing permissions in the channel";
                let Some(failures) = self
                    .store
                    .count_permission_failure(delivery, &self.owner)
                    .await?
                else {
                    stale_outcome(delivery, "failed");
                    return Ok(());
                };
                if failures >= PERMISSION_FAILURES_TO_STOP {
                    let change = self
                        .mark_failed(delivery, failed(reason, None), now)
                        .await?;
                    if change.applied() {
                        let why = format!(
                            "The bot was refused for missing permissions {failures} times in a row. Give it View Channel, \
                             Send Messages, Embed Links, Attach Files and Read Message History there, then run /cohort channel."
                        );
                        self.store.stop_deliveries(cohort, &why, now).await?;
                    }
                    change
                } else {
                    let retry = Some(now + PERMISSION_RETRY);
                    self.mark_failed(delivery, failed(reason, retry), now)
                        .await?
                }
            }
            PostError::Transient {
                detail,
                retry_after,
                ..
            } => {
                let wait = retry_after
                    .and_then(|w| chrono::Duration::from_std(w).ok())
                    .map_or(TRANSIENT_RETRY, |w| w.max(chrono::Duration::seconds(1)));
                self.mark_failed(delivery, failed(detail, Some(now + wait)), now)
                    .await?
            }
            PostError::Rejected { message, .. } => {
                self.mark_failed(delivery, failed(message, None), now)
                    .await?
            }
            PostError::DmClosed => {
                self.mark_failed(delivery, failed("Discord refused the post", None), now)
                    .await?
            }
        };
        if !change.applied() {
            stale_outcome(delivery, "failed");
        }
        Ok(())
    }

    async fn mark_failed(
        &self,
        delivery: i64,
        failure: Failure<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Change> {
        Ok(self
            .store
            .mark_failed(delivery, &failure, &self.owner, now)
            .await?)
    }

    /// Deliveries to post again, each now held by this process: claims whose lease ran out
    /// (a crash, or an outcome that could not be recorded), taken over; and failed ones whose
    /// retry time has come, claimed back. Ones past the grace period, or whose cohort stopped,
    /// are given up with a reason.
    pub(crate) async fn recovery_jobs(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Job>> {
        // Stuck claims first: a retry reclaimed below holds a fresh lease, so it is not stuck.
        let mut jobs = Vec::new();
        for delivery in self.store.stuck_deliveries(now).await? {
            let lease = Lease::from(&self.owner, now);
            if self
                .store
                .take_over_delivery(delivery.id, lease, now)
                .await?
            {
                tracing::info!(
                    delivery_id = delivery.id,
                    from = delivery.lease_owner.as_deref().unwrap_or("nobody"),
                    "took over an unconfirmed nudge"
                );
                jobs.extend(self.repost_job(&delivery, now).await?);
            }
        }
        for delivery in self.store.due_retries(now).await? {
            let lease = Lease::from(&self.owner, now);
            if self.store.reclaim_failed(delivery.id, lease, now).await? {
                jobs.extend(self.repost_job(&delivery, now).await?);
            }
        }
        Ok(jobs)
    }

    /// The job for a delivery this process now holds, or none if it may no longer be posted.
    async fn repost_job(
        &self,
        delivery: &Delivery,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Job>> {
        let Some(cohort) = self.still_deliverable(delivery, now).await? else {
            return Ok(None);
        };
        let job = Job::repost(&cohort, delivery, self.late_due(delivery, now));
        if job.is_none() {
            let failure = Failure {
                code: delivery.error_code,
                reason: "the cohort has no channel",
                retry_at: None,
            };
            let _ = self
                .store
                .mark_failed(delivery.id, &failure, &self.owner, now)
                .await?;
        }
        Ok(job)
    }

    fn late_due(&self, delivery: &Delivery, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let late = (now - delivery.due_at).to_std().unwrap_or_default() > self.settings.late_after;
        late.then_some(delivery.due_at)
    }

    /// The delivery's cohort if it may still be posted; otherwise the delivery (held by this
    /// process) is closed with the reason and `None` is returned.
    async fn still_deliverable(
        &self,
        delivery: &Delivery,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Cohort>> {
        let cohort = self.store.cohort(delivery.cohort_id).await?;
        let too_late = (now - delivery.due_at).to_std().unwrap_or_default()
            > self.settings.grace.max(self.settings.late_after);
        let why = match &cohort {
            None => "the cohort no longer exists",
            Some(c) if c.archived => "the cohort was archived",
            Some(c) if c.stopped_reason.is_some() => "the cohort's deliveries stopped",
            Some(_) if too_late => "not confirmed in time, and now past the grace period",
            Some(_) => return Ok(cohort),
        };
        let reason = delivery
            .reason
            .as_deref()
            .map_or(why.to_owned(), |r| format!("{r}; {why}"));
        let failure = Failure {
            code: delivery.error_code,
            reason: &reason,
            retry_at: None,
        };
        let _ = self
            .store
            .mark_failed(delivery.id, &failure, &self.owner, now)
            .await?;
        Ok(None)
    }
}

fn stale_outcome(delivery: i64, outcome: &str) {
    tracing::warn!(
        delivery_id = delivery,
        outcome,
        "a nudge's outcome came after another worker took it over; left to that worker"
    );
}
