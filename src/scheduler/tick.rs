//! One round of the scheduler: retries, then each deliverable cohort's due practice days,
//! then the check-ins that have come due.

use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;

use super::deliver::Job;
use super::planning::{decide, Decision, Lateness, SkipReason, Timing};
use super::{nonce_for, Outbound, Scheduler, MAX_SLEEP};
use crate::domain::PracticeCalendar;
use crate::store::{Claim, Cohort};

impl<O: Outbound> Scheduler<O> {
    pub(crate) fn lateness(&self) -> Lateness {
        Lateness {
            grace: self.settings.grace,
            late_after: self.settings.late_after,
        }
    }

    /// Handles everything due at `now`; returns when the next round is needed.
    pub(crate) async fn tick(&self, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
        let mut jobs = self.retry_jobs(now).await?;
        let cohorts = self.store.deliverable_cohorts().await?;
        let latest = self.store.latest_due_by_cohort().await?;
        let mut next = now + MAX_SLEEP;
        for cohort in &cohorts {
            let Some(channel_set) = cohort.channel_set_at else {
                continue;
            };
            let calendar = self.store.calendar(cohort).await?;
            let timing = Timing {
                calendar: &calendar,
                time: cohort.send_time,
                zone: cohort.timezone,
            };
            let handled = latest
                .get(&cohort.id)
                .map_or(channel_set, |due| (*due).max(channel_set));
            for decision in decide(&timing, handled, now, self.lateness()) {
                match decision {
                    Decision::Post { date, due, late } => {
                        jobs.extend(self.claim(cohort, &calendar, date, due, late, now).await?);
                    }
                    Decision::Skip { date, due, why } => {
                        self.skip(cohort, &calendar, date, due, why, now).await?
                    }
                }
            }
            if let Some((_, due)) = timing.next_due(now.max(handled)) {
                next = next.min(due);
            }
        }
        let concurrency = self.settings.concurrency.max(1);
        futures::stream::iter(jobs)
            .for_each_concurrent(concurrency, |job| self.deliver(job))
            .await;
        if let Some(retry) = self.store.next_retry_at().await? {
            next = next.min(retry);
        }
        // Check-ins have their own outbox; a failure there must not hold up tomorrow's nudges.
        match self.checkins(now).await {
            Ok(checkin) => next = next.min(checkin),
            Err(e) => {
                tracing::error!(error.cause_chain = ?e, "check-in round failed; trying again shortly");
                next = next.min(now + chrono::Duration::minutes(1));
            }
        }
        Ok(next)
    }

    fn claim_for<'a>(
        cohort: &Cohort,
        calendar: &PracticeCalendar,
        date: NaiveDate,
        due: DateTime<Utc>,
        late: bool,
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
        let Some(plan) = cohort.plan.day(day, cohort.days_per_module) else {
            tracing::error!(cohort_id = cohort.id, "cohort has an empty prompt plan");
            return Ok(None);
        };
        let nonce = nonce_for(cohort.id, date);
        let Some(claim) =
            Self::claim_for(cohort, calendar, date, due, late, &nonce, &plan.prompt_id)
        else {
            return Ok(None);
        };
        let Some(delivery_id) = self.store.claim_delivery(&claim, now).await? else {
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
                "skipped: more than {} hours late after downtime",
                self.settings.grace.as_secs() / 3600
            ),
            SkipReason::Superseded => {
                "skipped: a later day was due too, and only the latest is sent".to_owned()
            }
        };
        let prompt_id = calendar
            .day_number(date)
            .and_then(|day| cohort.plan.day(day, cohort.days_per_module))
            .map(|plan| plan.prompt_id)
            .unwrap_or_default();
        let nonce = nonce_for(cohort.id, date);
        if let Some(claim) = Self::claim_for(cohort, calendar, date, due, false, &nonce, &prompt_id)
        {
            if self.store.record_skipped(&claim, &reason, now).await? {
                tracing::warn!(cohort_id = cohort.id, practice_date = %date, %reason, "nudge skipped");
            }
        }
        Ok(())
    }
}
