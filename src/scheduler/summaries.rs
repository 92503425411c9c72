//! The weekly-summary step of a scheduler round. For each live cohort, the organisation's
//! latest summary slot (its day and time in the cohort's zone) is due once; the week's figures
//! are computed, the week is claimed in the outbox with a lease and the figures stored with the
//! claim, then it is posted to the organisation's summary channel. Without a summary channel,
//! or more than the grace period late, the week is recorded as skipped (with its figures, for
//! the chart) and never posted. Claims whose lease ran out and failed weeks due for a retry
//! are taken over by one conditional UPDATE each (see store::summaries); posting them goes
//! through summary_post.rs.
//!
//! Each week is claimed just before it is posted, inside the round's concurrent stream, not all
//! at the start of the round: a crash then strands at most the posts in flight, and only for
//! one short lease.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;

use super::summary_post::SummaryJob;
use super::{to_base36, Outbound, Scheduler, MAX_SLEEP};
use crate::domain::summary_week::SummarySchedule;
use crate::report::{self, Subject};
use crate::store::{Cohort, OrgSettings, SummaryClaim};

/// The nonce of a cohort's weekly summary: deterministic and at most 25 characters.
pub fn summary_nonce(cohort: i64, week_of: NaiveDate) -> String {
    format!(
        "s{}-{}",
        to_base36(cohort.unsigned_abs()),
        week_of.format("%Y%m%d")
    )
}

/// What the round decided for one cohort's latest slot.
enum Due {
    Post { late: bool, channel: u64 },
    Skip(String),
}

impl<O: Outbound> Scheduler<O> {
    /// Handles every summary due at `now`; returns when the next slot comes.
    pub(crate) async fn summaries(&self, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
        let concurrency = self.settings.concurrency.max(1);
        let stuck = self.store.summaries_to_take_over(now).await?;
        futures::stream::iter(stuck)
            .for_each_concurrent(concurrency, |stored| async move {
                match self.take_over(&stored).await {
                    Ok(Some(job)) => self.post_summary(job).await,
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(summary_id = stored.id, error.cause_chain = ?e, "a summary could not be resumed")
                    }
                }
            })
            .await;
        let cohorts = self.store.summarisable_cohorts().await?;
        let orgs: HashMap<u64, OrgSettings> = self
            .store
            .all_org_settings()
            .await?
            .into_iter()
            .map(|o| (o.guild_id, o))
            .collect();
        let recorded = self.store.latest_summary_weeks().await?;
        let mut next = now + MAX_SLEEP;
        let mut due = Vec::new();
        for cohort in &cohorts {
            let org = orgs
                .get(&cohort.guild_id)
                .cloned()
                .unwrap_or_else(|| OrgSettings::defaults(cohort.guild_id));
            let (_, upcoming) = org.schedule.next_after(cohort.timezone, now);
            next = next.min(upcoming);
            if is_due(cohort, &org, recorded.get(&cohort.id).copied(), now) {
                due.push((cohort, org));
            }
        }
        futures::stream::iter(interleave(due, |(cohort, _)| cohort.guild_id))
            .for_each_concurrent(concurrency, |(cohort, org)| async move {
                match self.claim_week(cohort, &org, now).await {
                    Ok(Some(job)) => self.post_summary(job).await,
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(cohort_id = cohort.id, error.cause_chain = ?e, "a weekly summary could not be prepared")
                    }
                }
            })
            .await;
        if let Some(attention) = self.store.next_summary_attention().await? {
            next = next.min(attention);
        }
        Ok(next)
    }

    /// Claims (or records as skipped) the cohort's latest slot at the round's time `round`,
    /// which [`is_due`] found due. The claim and its lease start now, when it is about to be
    /// posted, not when the round began.
    async fn claim_week(
        &self,
        cohort: &Cohort,
        org: &OrgSettings,
        round: DateTime<Utc>,
    ) -> anyhow::Result<Option<SummaryJob>> {
        let zone = cohort.timezone;
        let (week_of, due) = org.schedule.latest(zone, round);
        let window = SummarySchedule::week_before(week_of, zone);
        let calendar = self.store.calendar(cohort).await?;
        let subject = Subject {
            cohort,
            calendar: &calendar,
            track: self.curriculum.track(&cohort.track),
            k: org.k(self.settings.min_group_size),
        };
        let computed = report::compute(&self.store, &subject, window).await?;
        let now = self.clock.now();
        let figures = serde_json::to_string(&computed.figures)?;
        let nonce = summary_nonce(cohort.id, week_of);
        let claim = SummaryClaim {
            cohort_id: cohort.id,
            week_of,
            due_at: due,
            late: false,
            nonce: &nonce,
            channel_id: org.summary_channel,
            figures: &figures,
            counted: &computed.counted,
        };
        let (late, channel) = match self.decide_summary(org, due, now) {
            Due::Post { late, channel } => (late, channel),
            Due::Skip(reason) => {
                if self
                    .store
                    .record_skipped_summary(&claim, &reason, now)
                    .await?
                {
                    tracing::info!(cohort_id = cohort.id, %week_of, %reason, "weekly summary not posted");
                }
                return Ok(None);
            }
        };
        let claim = SummaryClaim { late, ..claim };
        let Some(id) = self
            .store
            .claim_summary(&claim, self.lease(now), now)
            .await?
        else {
            return Ok(None); // claimed already: by an earlier round, a restart or another process
        };
        let chart = report::chart_weeks(&self.store, cohort.id, &computed.figures).await?;
        Ok(Some(SummaryJob {
            summary_id: id,
            cohort_id: cohort.id,
            guild_id: cohort.guild_id,
            channel_id: channel,
            nonce,
            cohort_name: cohort.name.clone(),
            figures: computed.figures,
            chart,
            due,
            late,
            first_claimed: None,
        }))
    }

    fn decide_summary(&self, org: &OrgSettings, due: DateTime<Utc>, now: DateTime<Utc>) -> Due {
        let lateness = (now - due).to_std().unwrap_or_default();
        match (org.summary_channel, &org.summary_stopped) {
            (None, _) => Due::Skip("no summary channel is set (`/org summary-channel`)".to_owned()),
            (Some(_), Some(stopped)) => {
                Due::Skip(format!("the summary channel cannot be used: {stopped}"))
            }
            _ if lateness > self.settings.grace.max(self.settings.late_after) => {
                Due::Skip(format!(
                    "skipped: more than {} late after downtime",
                    self.grace_text()
                ))
            }
            (Some(channel), None) => Due::Post {
                late: lateness > self.settings.late_after,
                channel,
            },
        }
    }

    /// A lease for a claim made at `now` (store::lease::LEASE).
    pub(crate) fn lease(&self, now: DateTime<Utc>) -> crate::store::Lease<'_> {
        crate::store::Lease::from(&self.owner, now)
    }
}

/// One organisation's summaries all go to its one channel, which takes a post every 1.25 s: taken
/// in a row they would fill every concurrent slot and wait on that channel while other
/// organisations' channels stand idle. Taking one item of each key (guild) in turn keeps the
/// slots on different channels; within a key the order is kept.
fn interleave<T>(items: Vec<T>, key: impl Fn(&T) -> u64) -> Vec<T> {
    let mut queues: Vec<(u64, std::collections::VecDeque<T>)> = Vec::new();
    for item in items {
        let k = key(&item);
        match queues.iter_mut().find(|(q, _)| *q == k) {
            Some((_, queue)) => queue.push_back(item),
            None => queues.push((k, [item].into())),
        }
    }
    let mut turns = Vec::new();
    while queues.iter().any(|(_, queue)| !queue.is_empty()) {
        for (_, queue) in &mut queues {
            turns.extend(queue.pop_front());
        }
    }
    turns
}

/// Whether the cohort's latest slot is due and not yet handled: after the cohort was created
/// and the slot last changed, for a week the cohort had started in, and not yet recorded.
fn is_due(
    cohort: &Cohort,
    org: &OrgSettings,
    recorded: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> bool {
    let (week_of, due) = org.schedule.latest(cohort.timezone, now);
    let not_before = org
        .schedule_set_at
        .map_or(cohort.created_at, |set| set.max(cohort.created_at));
    let week_ends = week_of - chrono::Duration::days(1);
    due > not_before && recorded.is_none_or(|r| r < week_of) && week_ends >= cohort.start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_take_turns_across_organisations_and_keep_each_ones_order() {
        let items = vec![(1, 'a'), (1, 'b'), (1, 'c'), (2, 'x'), (3, 'p'), (2, 'y')];
        let turns = interleave(items, |(guild, _)| *guild);
        let order: String = turns.iter().map(|(_, c)| *c).collect();
        assert_eq!(order, "axpbyc");
    }

    #[test]
    fn summary_nonces_are_deterministic_fit_discords_limit_and_differ_from_nudges() {
        let week = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(summary_nonce(35, week), "sz-20261130");
        assert!(summary_nonce(i64::MAX, week).len() <= 25);
        assert_ne!(summary_nonce(35, week), super::super::nonce_for(35, week));
    }
}
