//! Posting a claimed nudge and recording what happened.
//!
//! - A fresh claim is posted at once, with its nonce.
//! - A re-post (a retry, or a claim left unconfirmed) first looks for the nudge in the channel
//!   once Discord may have forgotten the nonce, and never posts blindly when it cannot look.
//! - An unknown channel or lost access stops the cohort's deliveries at once; missing
//!   permissions stop them after three failures in a row; anything temporary is retried within
//!   the grace period.

use chrono::{DateTime, Utc};

use super::{NudgeOut, Outbound, PostError, Scheduler};
use crate::domain::Stage;
use crate::store::{Claim, Cohort, Delivery};

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
        }
    }

    /// A re-post of a delivery row, to the cohort's current channel.
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
        })
    }
}

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn deliver(&self, job: Job) {
        let delivery = job.nudge.delivery_id;
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(delivery);
        let recorded = match self.post_once(&job).await {
            Ok(message) => self.record_sent(&job, message).await,
            Err(error) => self.record_failure(&job, &error).await,
        };
        if let Err(e) = recorded {
            // The row stays `sending`; the recovery path settles it without posting blindly.
            tracing::error!(delivery_id = delivery, error.cause_chain = ?e, "could not record a delivery outcome");
        }
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&delivery);
    }

    /// Posts, unless this is a re-post old enough that the nudge must be looked for first.
    async fn post_once(&self, job: &Job) -> Result<u64, PostError> {
        let stale = job
            .first_claimed
            .is_some_and(|first| self.clock.now() - first > NONCE_TRUST);
        if stale {
            let found = self
                .outbound
                .find_nudge(job.nudge.channel_id, job.nudge.delivery_id)
                .await;
            match found {
                Ok(Some(message)) => {
                    tracing::info!(
                        delivery_id = job.nudge.delivery_id,
                        "found the nudge already posted"
                    );
                    return Ok(message);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(PostError::Transient {
                        code: e.code(),
                        detail: format!("could not check the channel before posting again ({e})"),
                        retry_after: None,
                    })
                }
            }
        }
        self.outbound.post_nudge(&job.nudge).await
    }

    async fn record_sent(&self, job: &Job, message: u64) -> anyhow::Result<()> {
        self.store
            .mark_sent(job.nudge.delivery_id, message, self.clock.now())
            .await?;
        self.store.clear_permission_failures(job.cohort_id).await?;
        tracing::info!(
            cohort_id = job.cohort_id,
            delivery_id = job.nudge.delivery_id,
            day = job.nudge.day,
            late = job.nudge.late_due.is_some(),
            "nudge sent"
        );
        Ok(())
    }

    async fn record_failure(&self, job: &Job, error: &PostError) -> anyhow::Result<()> {
        let now = self.clock.now();
        let (delivery, cohort) = (job.nudge.delivery_id, job.cohort_id);
        let code = error.code().map(i64::from);
        tracing::warn!(cohort_id = cohort, delivery_id = delivery, error = %error, "nudge not sent");
        match error {
            PostError::DeadTarget { reason, .. } => {
                self.store
                    .mark_failed(delivery, code, reason, None, now)
                    .await?;
                let why =
                    format!("{reason}. Pick a channel with /cohort channel to restart deliveries.");
                self.store.stop_deliveries(cohort, &why, now).await?;
            }
            PostError::MissingPermissions => {
                let failures = self.store.count_permission_failure(cohort).await?;
                let reason = "the bot is missing permissions in the channel";
                if failures >= PERMISSION_FAILURES_TO_STOP {
                    self.store
                        .mark_failed(delivery, code, reason, None, now)
                        .await?;
                    let why = format!(
                        "The bot was refused for missing permissions {failures} times in a row. Give it View Channel, \
                         Send Messages, Embed Links, Attach Files and Read Message History there, then run /cohort channel."
                    );
                    self.store.stop_deliveries(cohort, &why, now).await?;
                } else {
                    self.store
                        .mark_failed(delivery, code, reason, Some(now + PERMISSION_RETRY), now)
                        .await?;
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
                self.store
                    .mark_failed(delivery, code, detail, Some(now + wait), now)
                    .await?;
            }
            PostError::Rejected { message, .. } => {
                self.store
                    .mark_failed(delivery, code, message, None, now)
                    .await?;
            }
            PostError::DmClosed => {
                self.store
                    .mark_failed(delivery, code, "Discord refused the post", None, now)
                    .await?;
            }
        }
        Ok(())
    }

    /// Deliveries to post again: failed ones whose retry time has come (claimed back), and
    /// claims left unconfirmed for `stranded_after` that this process is not posting right now.
    /// Ones past the grace period, or whose cohort stopped, are given up with a reason.
    pub(crate) async fn recovery_jobs(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Job>> {
        // Stranded claims first: a retry reclaimed below is back in `sending` with its first
        // claim time (the nonce's age), so it would look stranded and be posted twice.
        let mut jobs = self.stranded_jobs(now, STRANDED_AFTER).await?;
        for delivery in self.store.due_retries(now).await? {
            if let Some(cohort) = self.still_deliverable(&delivery, now).await? {
                if self.store.reclaim_failed(delivery.id, now).await? {
                    jobs.extend(Job::repost(
                        &cohort,
                        &delivery,
                        self.late_due(&delivery, now),
                    ));
                }
            }
        }
        Ok(jobs)
    }

    /// Claims in `sending` for longer than `older_than` that this process is not posting.
    pub(crate) async fn stranded_jobs(
        &self,
        now: DateTime<Utc>,
        older_than: chrono::Duration,
    ) -> anyhow::Result<Vec<Job>> {
        let mut jobs = Vec::new();
        for delivery in self.store.unfinished_deliveries().await? {
            let mine = self
                .in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&delivery.id);
            if mine || now - delivery.claimed_at < older_than {
                continue;
            }
            if let Some(cohort) = self.still_deliverable(&delivery, now).await? {
                jobs.extend(Job::repost(
                    &cohort,
                    &delivery,
                    self.late_due(&delivery, now),
                ));
            }
        }
        Ok(jobs)
    }

    fn late_due(&self, delivery: &Delivery, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let late = (now - delivery.due_at).to_std().unwrap_or_default() > self.settings.late_after;
        late.then_some(delivery.due_at)
    }

    /// The delivery's cohort if it may still be posted; otherwise the delivery is closed with
    /// the reason and `None` is returned.
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
        self.store
            .mark_failed(delivery.id, delivery.error_code, &reason, None, now)
            .await?;
        Ok(None)
    }
}

/// An unconfirmed claim older than this, not in flight here, is settled by the recovery path
/// (a crash elsewhere, or an error after the claim). Well beyond the longest post attempt.
const STRANDED_AFTER: chrono::Duration = chrono::Duration::minutes(10);
