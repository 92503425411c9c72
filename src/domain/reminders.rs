//! When a private reminder (a check-in DM) may go out: at most one a day and three in any seven
//! days per person, both counted in the person's local time, and never inside their quiet
//! hours. A reminder that may not go out when due is deferred to the next allowed moment:
//! the end of the quiet stretch, or the person's usual time on the first day a cap allows.
//! Whether anything is due at all, and whether reminders are on, is the caller's question.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::local_time::resolve;
use super::{QuietHours, SendTime};

/// Reminders per person per local day.
pub const PER_DAY: usize = 1;
/// Reminders per person in any window of [`WINDOW_DAYS`] consecutive local days.
pub const PER_WEEK: usize = 3;
pub const WINDOW_DAYS: i64 = 7;

/// How many deferrals the search tries before giving up (it needs a handful at most).
const SEARCH_STEPS: usize = 64;

/// One person's reminder rules and history.
#[derive(Debug, Clone)]
pub struct ReminderRules<'a> {
    pub zone: Tz,
    pub quiet: Option<QuietHours>,
    /// Where a reminder deferred to a later day lands: the person's usual check-in time.
    pub usual_time: SendTime,
    /// Local dates on which a reminder already went out (or is going out), reaching back to
    /// the cap window of the earliest day a search starts from.
    pub sent: &'a [NaiveDate],
}

/// What to do about reminders due by now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    SendNow,
    WaitUntil(DateTime<Utc>),
    /// No allowed moment was found (cannot happen with valid quiet hours); park instead.
    Never,
}

/// The first local date of the seven-day window ending on `day`.
pub fn window_start(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(WINDOW_DAYS - 1)
}

impl ReminderRules<'_> {
    /// The earliest instant at or after `from` at which a reminder may go out.
    pub fn next_allowed(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut at = from;
        for _ in 0..SEARCH_STEPS {
            let local = at.with_timezone(&self.zone).naive_local();
            if let Some(quiet) = self.quiet.filter(|q| q.contains(local.time())) {
                at = quiet.end_after(at, self.zone);
                continue;
            }
            match self.blocked_until(local.date()) {
                Some(day) => {
                    at = resolve(day, self.usual_time, self.zone)
                        .max(at + chrono::Duration::seconds(1))
                }
                None => return Some(at),
            }
        }
        None
    }

    /// Whether the reminders due since `earliest_due` go out at `now`, or when. The allowed
    /// moment is found from the due time, not from `now`, so a round that happens to run at
    /// local midnight does not bring a deferred reminder forward; once that moment has passed
    /// (say, after downtime), `now` itself must be allowed.
    pub fn verdict(&self, earliest_due: DateTime<Utc>, now: DateTime<Utc>) -> Verdict {
        let from_due = self.next_allowed(earliest_due);
        let at = match from_due {
            Some(at) if at > now => return Verdict::WaitUntil(at),
            Some(_) => self.next_allowed(now),
            None => None,
        };
        match at {
            Some(at) if at <= now => Verdict::SendNow,
            Some(at) => Verdict::WaitUntil(at),
            None => Verdict::Never,
        }
    }

    /// `None` when a reminder may go out on local `day`; otherwise the first later day worth
    /// trying.
    fn blocked_until(&self, day: NaiveDate) -> Option<NaiveDate> {
        let on_day = self.sent.iter().filter(|d| **d == day).count();
        if on_day >= PER_DAY {
            return day.succ_opt();
        }
        let mut in_window: Vec<NaiveDate> = self
            .sent
            .iter()
            .copied()
            .filter(|d| *d >= window_start(day) && *d <= day)
            .collect();
        if in_window.len() < PER_WEEK {
            return None;
        }
        in_window.sort_unstable();
        // The window must slide past all but the newest PER_WEEK - 1 reminders.
        let oldest_kept = in_window[in_window.len() - PER_WEEK];
        Some(oldest_kept + chrono::Duration::days(WINDOW_DAYS))
    }
}

#[cfg(test)]
#[path = "reminders/tests.rs"]
mod tests;
