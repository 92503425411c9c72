//! Pure decisions for one cohort: which practice days have come due since the last one it
//! handled, which of them to post (on time or late) and which to skip, and when the next one
//! is due. No I/O and no clock: `now` is a parameter, so a property test can drive it through
//! two years of DST changes.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::local_time::{local_date, resolve};
use crate::domain::{PracticeCalendar, SendTime};

/// How far back a scheduler looks for missed days after downtime. Older ones are not even
/// recorded as skipped: they are long past any grace period.
const LOOKBACK_DAYS: i64 = 31;

/// When a cohort's nudges go out.
#[derive(Debug, Clone, Copy)]
pub struct Timing<'a> {
    pub calendar: &'a PracticeCalendar,
    pub time: SendTime,
    pub zone: Tz,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Post the nudge of `date`; `late` when it goes out noticeably after `due`.
    Post {
        date: NaiveDate,
        due: DateTime<Utc>,
        late: bool,
    },
    /// Record `date` as skipped.
    Skip {
        date: NaiveDate,
        due: DateTime<Utc>,
        why: SkipReason,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// More than the grace period late.
    TooLate,
    /// A later practice day came due too; only the latest is posted, never a burst.
    Superseded,
}

#[derive(Debug, Clone, Copy)]
pub struct Lateness {
    /// A nudge more than this late is skipped. A grace shorter than `late_after` counts as
    /// `late_after`: a round always runs a moment after the due instant, so a grace of zero
    /// must not skip everything.
    pub grace: Duration,
    /// A nudge more than this late is marked late (fan-out and retries take a little while).
    pub late_after: Duration,
}

impl Timing<'_> {
    pub fn due_on(&self, date: NaiveDate) -> DateTime<Utc> {
        resolve(date, self.time, self.zone)
    }

    /// Practice days whose due instant lies in `(after, until]`, oldest first.
    fn due_between(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Vec<(NaiveDate, DateTime<Utc>)> {
        let floor = until - chrono::Duration::days(LOOKBACK_DAYS);
        let after = after.max(floor);
        // One local day of margin either side: a due instant can sit on either side of UTC midnight.
        let mut date = local_date(after, self.zone)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        let last = local_date(until, self.zone)
            .succ_opt()
            .unwrap_or(NaiveDate::MAX);
        let mut due = Vec::new();
        while date <= last {
            if self.calendar.is_practice_day(date) {
                let instant = self.due_on(date);
                if instant > after && instant <= until {
                    due.push((date, instant));
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        due
    }

    /// The first practice day due strictly after `after`.
    pub fn next_due(&self, after: DateTime<Utc>) -> Option<(NaiveDate, DateTime<Utc>)> {
        let mut date = local_date(after, self.zone).pred_opt()?;
        loop {
            date = self.calendar.next_practice_day(date)?;
            let instant = self.due_on(date);
            if instant > after {
                return Some((date, instant));
            }
            date = date.succ_opt()?;
        }
    }
}

impl Timing<'_> {
    /// The next `count` practice days due after `after`.
    pub fn upcoming(&self, after: DateTime<Utc>, count: usize) -> Vec<(NaiveDate, DateTime<Utc>)> {
        let mut found = Vec::with_capacity(count);
        let mut from = after;
        while found.len() < count {
            let Some((date, due)) = self.next_due(from) else {
                break;
            };
            found.push((date, due));
            from = due;
        }
        found
    }
}

/// What to do for a cohort at `now`, given that everything due up to `after` was handled.
pub fn decide(
    timing: &Timing<'_>,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
    lateness: Lateness,
) -> Vec<Decision> {
    let due = timing.due_between(after, now);
    let latest = due.len().checked_sub(1);
    due.into_iter()
        .enumerate()
        .map(|(index, (date, due))| {
            let delay = (now - due).to_std().unwrap_or(Duration::ZERO);
            if Some(index) != latest {
                Decision::Skip {
                    date,
                    due,
                    why: SkipReason::Superseded,
                }
            } else if delay > lateness.grace.max(lateness.late_after) {
                Decision::Skip {
                    date,
                    due,
                    why: SkipReason::TooLate,
                }
            } else {
                Decision::Post {
                    date,
                    due,
                    late: delay > lateness.late_after,
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
