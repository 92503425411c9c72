//! Posting a claimed nudge and recording what happened, including the dead-target rules:
//! an unknown channel or lost access stops a cohort's deliveries at once; missing permissions
//! stop them after three failures in a row; anything temporary is retried within the grace
//! period with the same nonce.

use chrono::{DateTime, Utc};

use super::{NudgeOut, Outbound, PostError, Scheduler};
use crate::domain::Stage;
use crate::store::{Claim, Cohort, Delivery};

/// "Missing permissions" failures in a row that stop a cohort's deliveries.
const PERMISSION_FAILURES_TO_STOP: u32 = 3;
/// Retry spacing: a permission problem needs a person to fix it; a 5xx usually passes quickly.
const PERMISSION_RETRY: chrono::Duration = chrono::Duration::hours(2);
const TRANSIENT_RETRY: chrono::Duration = chrono::Duration::minutes(5);

/// A claimed nudge waiting to be posted.
pub(crate) struct Job {
    cohort_id: i64,
    nudge: NudgeOut,
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
        }
    }

    /// Rebuilds the job for a delivery row (a retry, or reconciliation after a crash).
    pub(crate) fn from_delivery(
        cohort: &Cohort,
        delivery: &Delivery,
        late_due: Option<DateTime<Utc>>,
    ) -> Option<Self> {
        Some(Job {
            cohort_id: cohort.id,
            nudge: NudgeOut {
                delivery_id: delivery.id,
                channel_id: delivery.channel_id.or(cohort.channel_id)?,
                nonce: delivery.nonce.clone(),
                track: cohort.track.clone(),
                prompt_id: delivery.prompt_id.clone(),
                stage: cohort
                    .plan
                    .stage(delivery.day_number, cohort.days_per_module),
                day: delivery.day_number,
                late_due,
            },
        })
    }
}

impl<O: Outbound> Scheduler<O> {
    pub(crate) async fn deliver(&self, job: Job) {
        let delivery = job.nudge.delivery_id;
        let result = self.outbound.post_nudge(&job.nudge).await;
        let recorded = match result {
            Ok(message) => self.record_sent(&job, message).await,
            Err(error) => self.record_failure(&job, &error).await,
        };
        if let Err(e) = recorded {
            // The row stays `sending`; start-up reconciliation settles it with the same nonce.
            tracing::error!(delivery_id = delivery, error.cause_chain = ?e, "could not record a delivery outcome");
        }
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

    /// Failed deliveries due for another attempt, claimed back; ones past the grace period
    /// are given up.
    pub(crate) async fn retry_jobs(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Job>> {
        let mut jobs = Vec::new();
        for delivery in self.store.due_retries(now).await? {
            let cohort = self.store.cohort(delivery.cohort_id).await?;
            let usable = cohort.filter(|c| !c.archived && c.stopped_reason.is_none());
            let too_late =
                (now - delivery.due_at).to_std().unwrap_or_default() > self.settings.grace;
            match usable {
                Some(cohort) if !too_late => {
                    if self.store.reclaim_failed(delivery.id, now).await? {
                        let late = (now - delivery.due_at).to_std().unwrap_or_default()
                            > self.settings.late_after;
                        jobs.extend(Job::from_delivery(
                            &cohort,
                            &delivery,
                            late.then_some(delivery.due_at),
                        ));
                    }
                }
                _ => {
                    let reason = delivery.reason.clone().unwrap_or_default();
                    self.store
                        .abandon_retry(delivery.id, &format!("{reason}; gave up retrying"))
                        .await?;
                }
            }
        }
        Ok(jobs)
    }
}
