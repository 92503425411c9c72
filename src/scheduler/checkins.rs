//! The check-in step of a scheduler round: commitments whose check-in is due (on the due day,
//! at the cohort's nudge time in the person's zone) go out as one private DM per person,
//! within the reminder rules (domain::reminders); with reminders off, or when the DM cannot
//! be delivered, they wait for the person's next command instead. Each DM is claimed in SQL
//! before it is sent, so nothing goes out twice. Logs carry ids and counts, never text.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::StreamExt;

use super::{to_base36, CheckinOut, Outbound, PostError, Scheduler, MAX_SLEEP, RETRY_SOON};
use crate::domain::local_time::local_date;
use crate::domain::reminders::{window_start, ReminderRules, Verdict, PER_WEEK};
use crate::domain::resolve;
use crate::store::{Change, Lease, PendingCheckin, ReminderClaim, Undelivered};

/// Check-ins due up to this many UTC days ahead are looked at: local dates run up to 14 hours
/// ahead of UTC, and a round comes at least hourly.
const HORIZON_DAYS: i64 = 2;

/// The nonce of a person's check-in DM on a local day: at most one a day, so it is unique.
pub(crate) fn checkin_nonce(user: u64, date: NaiveDate) -> String {
    format!("c{}-{}", to_base36(user), date.format("%Y%m%d"))
}

/// A person's pending check-ins with their due instants.
struct Person<'a> {
    user: u64,
    items: Vec<(&'a PendingCheckin, DateTime<Utc>)>,
}

impl Person<'_> {
    fn due_by(&self, now: DateTime<Utc>) -> Vec<(i64, NaiveDate)> {
        self.items
            .iter()
            .filter(|(_, due)| *due <= now)
            .map(|(item, _)| (item.commitment_id, item.due_date))
            .collect()
    }

    /// The item due first, and when.
    fn first(&self) -> Option<(&PendingCheckin, DateTime<Utc>)> {
        self.items
            .iter()
            .min_by_key(|(_, due)| *due)
            .map(|(item, due)| (*item, *due))
    }
}

fn group_by_person(pending: &[PendingCheckin]) -> Vec<Person<'_>> {
    let mut people: Vec<Person<'_>> = Vec::new();
    for item in pending {
        let zone = item.settings.zone_or(item.cohort_zone);
        let due = resolve(item.due_date, item.send_time, zone);
        match people.last_mut() {
            Some(person) if person.user == item.user_id => person.items.push((item, due)),
            _ => people.push(Person {
                user: item.user_id,
                items: vec![(item, due)],
            }),
        }
    }
    people
}

impl<O: Outbound> Scheduler<O> {
    /// Hands out the check-ins due at `now`; returns when the next one is due.
    pub(crate) async fn checkins(&self, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
        let settled = self.store.settle_stale_reminders(now).await?;
        if settled > 0 {
            tracing::warn!(
                count = settled,
                "check-in DMs interrupted mid-send; they wait for the next command"
            );
        }
        let horizon = now.date_naive() + Duration::days(HORIZON_DAYS);
        let pending = self.store.pending_checkins(horizon).await?;
        let mut next = now + MAX_SLEEP;
        let mut jobs = Vec::new();
        for person in group_by_person(&pending) {
            // One person's failure must not strand the DMs already claimed for others.
            match self.plan_person(&person, now).await {
                Ok(Step::Send(job)) => jobs.push(job),
                Ok(Step::WaitUntil(at)) => next = next.min(at),
                Ok(Step::Done) => {}
                Err(e) => {
                    tracing::error!(user_id = person.user, error.cause_chain = ?e, "check-in planning failed; retried next round");
                    next = next.min(now + RETRY_SOON);
                }
            }
        }
        let concurrency = self.settings.concurrency.max(1);
        futures::stream::iter(jobs)
            .for_each_concurrent(concurrency, |job| self.send_checkin(job))
            .await;
        Ok(next)
    }

    async fn plan_person(&self, person: &Person<'_>, now: DateTime<Utc>) -> anyhow::Result<Step> {
        let Some((first, first_due)) = person.first() else {
            return Ok(Step::Done);
        };
        let settings = first.settings;
        let due = person.due_by(now);
        if !settings.reminders_on {
            if due.is_empty() {
                return Ok(Step::WaitUntil(first_due));
            }
            let parked = self.store.park_checkins(&due, now).await?;
            tracing::info!(
                user_id = person.user,
                parked,
                "check-ins wait for the next command (reminders off)"
            );
            return Ok(Step::Done);
        }
        let zone = settings.zone_or(first.cohort_zone);
        let today = local_date(now, zone);
        // The allowed moment is searched from the first due time, so the history must reach
        // back to that day's cap window too.
        let since = window_start(local_date(first_due, zone).min(today));
        let sent = self.store.reminder_dates(person.user, since).await?;
        let rules = ReminderRules {
            zone,
            quiet: settings.quiet,
            usual_time: first.send_time,
            sent: &sent,
        };
        match rules.verdict(first_due, now) {
            Verdict::SendNow if !due.is_empty() => {
                self.claim_checkins(person.user, today, &due, now).await
            }
            Verdict::SendNow => Ok(Step::WaitUntil(first_due)),
            Verdict::WaitUntil(at) => Ok(Step::WaitUntil(at)),
            Verdict::Never => {
                self.store.park_checkins(&due, now).await?;
                Ok(Step::Done)
            }
        }
    }

    async fn claim_checkins(
        &self,
        user: u64,
        today: NaiveDate,
        due: &[(i64, NaiveDate)],
        now: DateTime<Utc>,
    ) -> anyhow::Result<Step> {
        let nonce = checkin_nonce(user, today);
        let claim = ReminderClaim {
            user_id: user,
            local_date: today,
            window_start: window_start(today),
            max_in_window: PER_WEEK as u32,
            nonce: &nonce,
            items: due,
        };
        let lease = Lease::from(&self.owner, now);
        let Some(reminder_id) = self.store.claim_reminder(&claim, lease, now).await? else {
            return Ok(Step::Done); // a cap is used up, or another round took them
        };
        let items = self.store.reminder_items(reminder_id).await?;
        Ok(Step::Send(CheckinOut {
            reminder_id,
            user_id: user,
            nonce,
            items,
        }))
    }

    async fn send_checkin(&self, job: CheckinOut) {
        let (reminder, user, count) = (job.reminder_id, job.user_id, job.items.len());
        let lease = Lease::from(&self.owner, self.clock.now());
        match self.store.renew_reminder(reminder, lease).await {
            Ok(Change::Applied) => {}
            Ok(Change::Stale) => {
                tracing::warn!(
                    reminder_id = reminder,
                    "a check-in DM was settled elsewhere; not sending it"
                );
                return;
            }
            Err(e) => {
                tracing::error!(reminder_id = reminder, error.cause_chain = ?e, "could not renew a check-in DM's claim; not sending it");
                return;
            }
        }
        let result = self.outbound.send_checkin(&job).await;
        let now = self.clock.now();
        let recorded = match &result {
            Ok(message) => {
                tracing::info!(
                    user_id = user,
                    reminder_id = reminder,
                    count,
                    "check-in DM sent"
                );
                self.store
                    .mark_reminder_sent(reminder, *message, &self.owner, now)
                    .await
            }
            Err(error) => {
                let how = match error {
                    PostError::DmClosed => Undelivered::DmClosed,
                    _ => Undelivered::Failed,
                };
                tracing::info!(user_id = user, reminder_id = reminder, count, error = %error,
                    "check-in DM not delivered; it waits for the next command");
                let code = error.code().map(i64::from);
                self.store
                    .mark_reminder_undelivered(reminder, how, code, &self.owner, now)
                    .await
            }
        };
        match recorded {
            Ok(Change::Applied) => {}
            Ok(Change::Stale) => {
                tracing::warn!(
                    reminder_id = reminder,
                    "a check-in DM's outcome came after it was settled elsewhere"
                );
            }
            // The claim stays `sending`; once its lease runs out a round settles it (never
            // sent again).
            Err(e) => {
                tracing::error!(reminder_id = reminder, error.cause_chain = ?e, "could not record a check-in DM");
            }
        }
    }
}

enum Step {
    Send(CheckinOut),
    WaitUntil(DateTime<Utc>),
    Done,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_in_nonces_fit_discords_limit_and_differ_by_person_and_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(checkin_nonce(u64::MAX, day).len() <= 25);
        assert_ne!(checkin_nonce(1, day), checkin_nonce(2, day));
        assert_ne!(
            checkin_nonce(1, day),
            checkin_nonce(1, day.succ_opt().unwrap())
        );
        assert_ne!(checkin_nonce(35, day), crate::scheduler::nonce_for(35, day));
    }
}
