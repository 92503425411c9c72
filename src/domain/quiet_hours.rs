//! A person's quiet hours: a daily stretch of local time, `HH:MM-HH:MM`, that may cross
//! midnight (`22:00-07:30`), during which the bot sends them nothing.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::local_time::resolve;
use super::SendTime;

/// Quiet from `start` (inclusive) to `end` (exclusive), every day; `start != end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: SendTime,
    end: SendTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuietHoursError {
    #[error("`{0}` isn't a range of times. Write it as HH:MM-HH:MM on a 24-hour clock, like 22:00-07:30")]
    Shape(String),
    #[error("`{0}` starts and ends at the same time. Pick two different times, like 22:00-07:30")]
    Empty(String),
}

impl QuietHours {
    pub fn new(start: SendTime, end: SendTime) -> Option<Self> {
        (start != end).then_some(Self { start, end })
    }

    /// Reads `HH:MM-HH:MM` (spaces around the dash allowed; an en dash too).
    pub fn parse(text: &str) -> Result<Self, QuietHoursError> {
        let shown = text.trim().to_owned();
        let shape = || QuietHoursError::Shape(shown.clone());
        let normalised = shown.replace(['–', '—'], "-");
        let (from, to) = normalised.split_once('-').ok_or_else(shape)?;
        let start = SendTime::parse(from).map_err(|_| shape())?;
        let end = SendTime::parse(to).map_err(|_| shape())?;
        Self::new(start, end).ok_or(QuietHoursError::Empty(shown))
    }

    pub fn start(self) -> SendTime {
        self.start
    }

    pub fn end(self) -> SendTime {
        self.end
    }

    fn crosses_midnight(self) -> bool {
        self.start > self.end
    }

    /// Whether a local time of day falls inside the quiet stretch.
    pub fn contains(self, time: NaiveTime) -> bool {
        let (start, end) = (self.start.time(), self.end.time());
        if self.crosses_midnight() {
            time >= start || time < end
        } else {
            time >= start && time < end
        }
    }

    /// When the quiet stretch containing the instant `at` ends, in `zone`. In a repeated hour
    /// (clocks going back) the end may read as already past; the wall-clock distance to it
    /// is used instead, so the answer is always later than `at`.
    pub fn end_after(self, at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let local: NaiveDateTime = at.with_timezone(&zone).naive_local();
        let date = local.date();
        let ends_tomorrow = self.crosses_midnight() && local.time() >= self.start.time();
        let end_date = if ends_tomorrow {
            date.succ_opt().unwrap_or(date)
        } else {
            date
        };
        let end = resolve(end_date, self.end, zone);
        if end > at {
            end
        } else {
            let wall = end_date.and_time(self.end.time()) - local;
            at + wall.max(chrono::Duration::minutes(1))
        }
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> NaiveTime {
        SendTime::parse(text).unwrap().time()
    }

    #[test]
    fn ranges_parse_strictly_and_may_cross_midnight() {
        assert_eq!(
            QuietHours::parse(" 22:00 - 07:30 ").unwrap().to_string(),
            "22:00-07:30"
        );
        assert_eq!(
            QuietHours::parse("12:00–13:00").unwrap().to_string(),
            "12:00-13:00"
        );
        for bad in ["22:00", "25:00-07:00", "22-07", "night", "", "10:00-10:60"] {
            assert!(
                matches!(QuietHours::parse(bad), Err(QuietHoursError::Shape(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            QuietHours::parse("08:00-08:00"),
            Err(QuietHoursError::Empty(_))
        ));
    }

    #[test]
    fn a_stretch_over_midnight_covers_late_evening_and_early_morning() {
        let night = QuietHours::parse("22:00-07:30").unwrap();
        assert!(night.contains(time("22:00")));
        assert!(night.contains(time("03:00")));
        assert!(!night.contains(time("07:30")), "the end is not quiet");
        assert!(!night.contains(time("12:00")));

        let lunch = QuietHours::parse("12:00-13:00").unwrap();
        assert!(lunch.contains(time("12:30")));
        assert!(!lunch.contains(time("13:00")));
        assert!(!lunch.contains(time("11:59")));
    }

    #[test]
    fn the_end_of_a_night_is_the_next_morning_when_it_starts_in_the_evening() {
        let night = QuietHours::parse("22:00-07:30").unwrap();
        let zone = chrono_tz::Europe::London;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let evening = resolve(day, SendTime::parse("23:00").unwrap(), zone);
        let early = resolve(day, SendTime::parse("03:00").unwrap(), zone);
        let next_morning = resolve(
            day.succ_opt().unwrap(),
            SendTime::parse("07:30").unwrap(),
            zone,
        );
        let same_morning = resolve(day, SendTime::parse("07:30").unwrap(), zone);
        assert_eq!(night.end_after(evening, zone), next_morning);
        assert_eq!(night.end_after(early, zone), same_morning);
    }

    #[test]
    fn quiet_hours_ending_in_a_repeated_hour_still_end_later() {
        // New York falls back at 02:00 on 1 November 2026: 01:00-01:59 happens twice.
        let zone = chrono_tz::America::New_York;
        let quiet = QuietHours::parse("00:00-01:30").unwrap();
        let second_one_am = chrono::DateTime::parse_from_rfc3339("2026-11-01T06:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            quiet.end_after(second_one_am, zone),
            second_one_am + chrono::Duration::minutes(30)
        );
    }
}
