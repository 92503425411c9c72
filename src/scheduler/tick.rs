//! One round of the scheduler: recovery of unconfirmed claims, each deliverable cohort's due
//! practice days, the check-ins and summaries that have come due, then housekeeping (the
//! retention purge, interrupted anonymous shares). A failure for one cohort is logged and the
//! round goes on; whatever was claimed in the round is always posted.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;

use super::deliver::Job;
use super::planning::{decide, Decision, Lateness, SkipReason, Timing};
use super::{nonce_for, Outbound, Scheduler, MAX_SLEEP, RETRY_SOON};
use crate::domain::{DayPlan, PracticeCalendar};
use crate::store::{Claim, Cohort, Lease};

impl<O: Outbound> Scheduler<O> {
    pub(crate) fn lateness(&self) -> Lateness {
        Lateness {
            grace: self.settings.grace,
            late_after: self.settings.late_after,
        }
    }

    /// Handles everything due at `now`; returns when the next round is needed.
    pub(crate) async fn tick(&self, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
        let mut jobs = match self.recovery_jobs(now).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::error!(error.cause_chain = ?e, "finding deliveries to retry failed");
                Vec::new()
            }
        };
        let planned = self.plan_cohorts(now, &mut jobs).await;
        let concurrency = self.settings.concurrency.max(1);
        futures::stream::iter(jobs)
            .for_each_concurrent(concurrency, |job| self.deliver(job))
            .await;
        // Check-ins have their own outbox; a failure there must not hold up the nudges, nor a
        // failure to plan the nudges hold up the check-ins.
        let checkins = self.checkins(now).await;
        // Summaries likewise: a failure there is logged and retried soon, and holds up nothing.
        let summaries = self.summaries(now).await;
        // Action plans and completion notices likewise.
        let plans = self.plans(now).await;
        if let Err(e) = self.notices(now).await {
            tracing::error!(error.cause_chain = ?e, "completion notices failed; trying again next round");
        }
        // Housekeeping last: each expired post and interrupted share is a call to Discord (with
        // back-off while it fails), so during an outage it must not hold up anything due now.
        self.housekeeping(now).await;
        let mut next = planned?;
        if let Some(retry) = self.store.next_retry_at().await? {
            next = next.min(retry);
        }
        // A claim left unconfirmed is taken over once its lease has run out.
        if let Some(expiry) = self.store.next_lease_expiry().await? {
            next = next.min(expiry + chrono::Duration::seconds(1));
        }
        match checkins {
            Ok(checkin) => next = next.min(checkin),
            Err(e) => {
                tracing::error!(error.cause_chain = ?e, "check-in round failed; trying again shortly");
                next = next.min(now + RETRY_SOON);
            }
        }
        match summaries {
            Ok(summary) => next = next.min(summary),
            Err(e) => {
                tracing::error!(error.cause_chain = ?e, "summary round failed; trying again shortly");
                next = next.min(now + RETRY_SOON);
            }
        }
        match plans {
            Ok(plan) => next = next.min(plan),
            Err(e) => {
                tracing::error!(error.cause_chain = ?e, "action plan round failed; trying again shortly");
                next = next.min(now + RETRY_SOON);
            }
        }
        Ok(next)
    }

    /// Deletes texts past the retention period (taking their shared posts down) and settles
    /// interrupted anonymous shares; failures are logged and tried again next round.
    async fn housekeeping(&self, now: DateTime<Utc>) {
        if let Err(e) = self.purge_expired(now).await {
            tracing::error!(error.cause_chain = ?e, "purging expired texts failed");
        }
        if let Err(e) = self.recover_shares(now).await {
            tracing::error!(error.cause_chain = ?e, "recovering anonymous shares failed");
        }
    }

    /// Claims every cohort's due days into `jobs`; returns the earliest next due instant.
    async fn plan_cohorts(
        &self,
        now: DateTime<Utc>,
        jobs: &mut Vec<Job>,
    ) -> anyhow::Result<DateTime<Utc>> {
        let cohorts = self.store.deliverable_cohorts().await?;
        let latest = self.store.latest_due_by_cohort().await?;
        let calendars = self.store.calendars(&cohorts).await?;
        let mut next = now + MAX_SLEEP;
        for cohort in &cohorts {
            let Some(calendar) = calendars.get(&cohort.id) else {
                continue;
            };
            match self.plan_cohort(cohort, calendar, &latest, now, jobs).await {
                Ok(Some(due)) => next = next.min(due),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(cohort_id = cohort.id, error.cause_chain = ?e, "planning a cohort failed")
                }
            }
        }
        Ok(next)
    }

    async fn plan_cohort(
        &self,
        cohort: &Cohort,
        calendar: &PracticeCalendar,
        latest: &HashMap<i64, DateTime<Utc>>,
        now: DateTime<Utc>,
        jobs: &mut Vec<Job>,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let Some(channel_set) = cohort.channel_set_at else {
            return Ok(None);
        };
        let timing = Timing {
            calendar,
            time: cohort.send_time,
            zone: cohort.timezone,
        };
        let handled = latest
            .get(&cohort.id)
            .map_or(channel_set, |due| (*due).max(channel_set));
        for decision in decide(&timing, handled, now, self.lateness()) {
            match decision {
                Decision::Post { date, due, late } => {
                    jobs.extend(self.claim(cohort, calendar, date, due, late, now).await?);
                }
                Decision::Skip { date, due, why } => {
                    self.skip(cohort, calendar, date, due, why, now).await?
                }
            }
        }
        Ok(timing.next_due(now.max(handled)).map(|(_, due)| due))
    }

    /// The effective grace period, in words ("6 hours", "15 minutes").
    pub(crate) fn grace_text(&self) -> String {
        let seconds = self.settings.grace.max(self.settings.late_after).as_secs();
        if seconds >= 3600 {
            format!("{} hours", seconds / 3600)
        } else {
            format!("{} minutes", seconds / 60)
        }
    }

    /// The prompt of practice day `day`, passing over any the loaded curriculum no longer has.
    pub(crate) fn day_plan(&self, cohort: &Cohort, day: u32) -> Option<DayPlan> {
        let track = self.curriculum.track(&cohort.track);
        let known = |id: &str| track.is_some_and(|t| t.prompt(id).is_some());
        cohort.plan.day_among(day, &cohort.pace, known)
    }

    fn claim_for<'a>(
        cohort: &Cohort,
        calendar: &PracticeCalendar,
        (date, due, late): (NaiveDate, DateTime<Utc>, bool),
        nonce: &'a str,
        prompt_id: &'a str,
    ) -> Option<Claim<'a>> {
        Some(Claim {
            cohort_id: cohort.id,
            practice_date: date,
            day_number: calendar.day_number(date)?,
            prompt_id,
            due_at: due,
            late,
            nonce,
            channel_id: cohort.channel_id?,
        })
    }

    /// Claims a practice day; returns the job to post, or nothing if it was already claimed.
    async fn claim(
        &self,
        cohort: &Cohort,
        calendar: &PracticeCalendar,
        date: NaiveDate,
        due: DateTime<Utc>,
        late: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Job>> {
        let Some(day) = calendar.day_number(date) else {
            return Ok(None);
        };
        let Some(plan) = self.day_plan(cohort, day) else {
            tracing::error!(
                cohort_id = cohort.id,
                "no prompt of this cohort's track is in the curriculum"
            );
            return Ok(None);
        };
        let nonce = nonce_for(cohort.id, date);
        let Some(claim) =
            Self::claim_for(cohort, calendar, (date, due, late), &nonce, &plan.prompt_id)
        else {
            return Ok(None);
        };
        let lease = Lease::from(&self.owner, now);
        let Some(delivery_id) = self.store.claim_delivery(&claim, lease, now).await? else {
            return Ok(None); // claimed already: by an earlier round, a restart or another process
        };
        Ok(Some(Job::new(
            cohort,
            delivery_id,
            &claim,
            plan.stage,
            late.then_some(due),
        )))
    }

    async fn skip(
        &self,
        cohort: &Cohort,
        calendar: &PracticeCalendar,
        date: NaiveDate,
        due: DateTime<Utc>,
        why: SkipReason,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let reason = match why {
            SkipReason::TooLate => format!(
                "skipped: more than {} late after downtime",
                self.grace_text()
            ),
            SkipReason::Superseded => {
                "skipped: a later day was due too, and only the latest is sent".to_owned()
            }
        };
        let prompt_id = calendar
            .day_number(date)
            .and_then(|day| self.day_plan(cohort, day))
            .map(|plan| plan.prompt_id)
            .unwrap_or_default();
        let nonce = nonce_for(cohort.id, date);
        if let Some(claim) =
            Self::claim_for(cohort, calendar, (date, due, false), &nonce, &prompt_id)
        {
            if self.store.record_skipped(&claim, &reason, now).await? {
                tracing::warn!(cohort_id = cohort.id, practice_date = %date, %reason, "nudge skipped");
            }
        }
        Ok(())
    }
}
