//! Posting a claimed weekly summary and recording what happened, as the holder of its lease.
//!
//! - A fresh claim is posted at once, with its nonce.
//! - A claim taken over (its lease ran out, or a failed week's retry came) first looks for the
//!   summary in the channel once Discord may have forgotten the nonce, and never posts blindly
//!   when it cannot look.
//! - Every outcome is recorded only while this worker still holds the lease: a stale worker
//!   changes nothing, and cannot stop the organisation's summaries with an old failure.
//! - A deleted channel or lost access stops summaries for the organisation until an admin picks
//!   a channel again; missing permissions are retried every 2 hours and stop them after three
//!   refusals of the week; anything temporary is retried within the grace period.

use chrono::{DateTime, Utc};

use super::deliver::NONCE_TRUST;
use super::{Outbound, PostError, Scheduler, SummaryOut};
use crate::report::{self, ChartWeek, Figures};
use crate::store::StoredSummary;

/// "Missing permissions" refusals of one week in a row that stop the organisation's summaries.
const PERMISSION_ATTEMPTS_TO_STOP: u32 = 3;
const PERMISSION_RETRY: chrono::Duration = chrono::Duration::hours(2);
const TRANSIENT_RETRY: chrono::Duration = chrono::Duration::minutes(1);

/// A claimed summary waiting to be posted.
pub(crate) struct SummaryJob {
    pub summary_id: i64,
    pub cohort_id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub nonce: String,
    pub cohort_name: String,
    pub figures: Figures,
    pub chart: Vec<ChartWeek>,
    pub due: DateTime<Utc>,
    pub late: bool,
    /// For a claim taken over: when the week was first claimed (and perhaps posted).
    pub first_claimed: Option<DateTime<Utc>>,
}

impl<O: Outbound> Scheduler<O> {
    /// Takes over a claim whose lease ran out, or a failed week due for a retry, if no other
    /// worker does first; returns the job if it may still be posted.
    pub(crate) async fn take_over(
        &self,
        stored: &StoredSummary,
    ) -> anyhow::Result<Option<SummaryJob>> {
        let now = self.clock.now();
        if !self
            .store
            .take_over_summary(stored.id, self.lease(now), now)
            .await?
        {
            return Ok(None); // another worker won it
        }
        self.resumable(stored, now).await
    }

    /// The job for a summary this worker just took over, or `None` when it must not be posted
    /// any more (it is then closed with the reason).
    async fn resumable(
        &self,
        stored: &StoredSummary,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<SummaryJob>> {
        let cohort = self.store.cohort(stored.cohort_id).await?;
        let too_late = (now - stored.due_at).to_std().unwrap_or_default()
            > self.settings.grace.max(self.settings.late_after);
        let org = match &cohort {
            Some(c) => Some(self.store.org_settings(c.guild_id).await?),
            None => None,
        };
        let figures = report::stored_figures(stored);
        let why = match (&cohort, &org, &figures) {
            (None, _, _) => "the cohort no longer exists",
            (Some(c), _, _) if c.archived => "the cohort was archived",
            (_, Some(o), _) if o.summary_channel.is_none() => "no summary channel is set",
            (_, Some(o), _) if o.summary_stopped.is_some() => "the summary channel cannot be used",
            (_, _, None) => "its stored figures cannot be read",
            _ if too_late => "not confirmed in time, and now past the grace period",
            (Some(cohort), Some(org), Some(figures)) => {
                let chart = report::chart_weeks(&self.store, cohort.id, figures).await?;
                return Ok(Some(SummaryJob {
                    summary_id: stored.id,
                    cohort_id: cohort.id,
                    guild_id: cohort.guild_id,
                    // The organisation's current channel: an admin may have fixed a bad one.
                    channel_id: org.summary_channel.or(stored.channel_id).unwrap_or(0),
                    nonce: stored.nonce.clone(),
                    cohort_name: cohort.name.clone(),
                    figures: figures.clone(),
                    chart,
                    due: stored.due_at,
                    late: stored.late || now - stored.due_at > chrono::Duration::minutes(15),
                    first_claimed: Some(stored.claimed_at),
                }));
            }
            _ => "its cohort or organisation cannot be read",
        };
        let reason = stored
            .reason
            .as_deref()
            .map_or(why.to_owned(), |r| format!("{r}; {why}"));
        // Stale only if another worker took it meanwhile; it is theirs to settle then.
        let _ = self
            .store
            .mark_summary_failed(
                stored.id,
                &self.owner,
                (stored.error_code, &reason),
                None,
                now,
            )
            .await?;
        Ok(None)
    }

    pub(crate) async fn post_summary(&self, job: SummaryJob) {
        let outcome = self.post_summary_once(&job).await;
        let recorded = match outcome {
            Ok(message) => self.record_summary_sent(&job, message).await,
            Err(error) => self.record_summary_failure(&job, &error).await,
        };
        if let Err(e) = recorded {
            // The row stays `sending`; when its lease runs out it is taken over and looked for
            // in the channel before anything is posted again.
            tracing::error!(summary_id = job.summary_id, error.cause_chain = ?e, "could not record a summary's outcome");
        }
    }

    async fn post_summary_once(&self, job: &SummaryJob) -> Result<u64, PostError> {
        // The lease covers the post from here, however long the job waited in the round.
        let renewed = self
            .store
            .renew_summary(job.summary_id, self.lease(self.clock.now()))
            .await
            .map_err(|e| PostError::Transient {
                code: None,
                detail: format!("could not renew the claim ({e})"),
                retry_after: None,
            })?;
        if !renewed.applied() {
            return Err(PostError::Transient {
                code: None,
                detail: "another worker took this summary over".to_owned(),
                retry_after: None,
            });
        }
        let stale = job
            .first_claimed
            .is_some_and(|first| self.clock.now() - first > NONCE_TRUST);
        if stale {
            match self
                .outbound
                .find_summary(job.channel_id, job.summary_id)
                .await
            {
                Ok(Some(message)) => {
                    tracing::info!(
                        summary_id = job.summary_id,
                        "found the summary already posted"
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
        let out = SummaryOut {
            summary_id: job.summary_id,
            channel_id: job.channel_id,
            nonce: job.nonce.clone(),
            cohort_name: job.cohort_name.clone(),
            figures: job.figures.clone(),
            chart: job.chart.clone(),
            late_due: job.late.then_some(job.due),
        };
        self.outbound.post_summary(&out).await
    }

    async fn record_summary_sent(&self, job: &SummaryJob, message: u64) -> anyhow::Result<()> {
        let now = self.clock.now();
        if self
            .store
            .mark_summary_sent(job.summary_id, &self.owner, message, now)
            .await?
            .applied()
        {
            tracing::info!(
                cohort_id = job.cohort_id,
                summary_id = job.summary_id,
                late = job.late,
                "weekly summary sent"
            );
        } else {
            tracing::warn!(
                summary_id = job.summary_id,
                "a summary was posted after its claim passed to another worker"
            );
        }
        Ok(())
    }

    async fn record_summary_failure(
        &self,
        job: &SummaryJob,
        error: &PostError,
    ) -> anyhow::Result<()> {
        let now = self.clock.now();
        let code = error.code().map(i64::from);
        tracing::warn!(cohort_id = job.cohort_id, summary_id = job.summary_id, error = %error, "weekly summary not sent");
        let refusals = match error {
            PostError::MissingPermissions => self
                .store
                .count_summary_permission_failure(job.summary_id, &self.owner)
                .await?
                .unwrap_or(0),
            _ => 0,
        };
        let (reason, retry, stop) = match error {
            PostError::DeadTarget { reason, .. } => (reason.clone(), None, true),
            PostError::MissingPermissions if refusals >= PERMISSION_ATTEMPTS_TO_STOP => (
                "the bot is missing permissions in the summary channel".to_owned(),
                None,
                true,
            ),
            PostError::MissingPermissions => (
                "the bot is missing permissions in the summary channel".to_owned(),
                Some(now + PERMISSION_RETRY),
                false,
            ),
            PostError::Transient {
                detail,
                retry_after,
                ..
            } => {
                let wait = retry_after
                    .and_then(|w| chrono::Duration::from_std(w).ok())
                    .map_or(TRANSIENT_RETRY, |w| w.max(chrono::Duration::seconds(1)));
                (detail.clone(), Some(now + wait), false)
            }
            PostError::Rejected { message, .. } => (message.clone(), None, false),
            PostError::DmClosed => ("Discord refused the post".to_owned(), None, false),
        };
        let mine = self
            .store
            .mark_summary_failed(job.summary_id, &self.owner, (code, &reason), retry, now)
            .await?;
        if !mine.applied() {
            tracing::warn!(
                summary_id = job.summary_id,
                "a summary's claim passed to another worker; its outcome is theirs to record"
            );
            return Ok(());
        }
        if stop {
            let why = format!(
                "{reason}. Give the bot View Channel, Send Messages, Embed Links and Attach Files there, \
                 or pick another channel with /org summary-channel."
            );
            self.store.stop_summaries(job.guild_id, &why).await?;
        }
        Ok(())
    }
}
