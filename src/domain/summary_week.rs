//! When weekly summaries are due and which days they cover, in a cohort's own time zone.
//!
//! A summary is due on the organisation's summary weekday at its summary time (local to each
//! cohort). The summary due on date D covers the seven local days before D, from midnight to
//! midnight, so its figures never include the morning it is posted. `/cohort report` covers the
//! summary week in progress, up to the end of the cohort's previous practice day.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use super::local_time::{local_date, resolve};
use super::{PracticeCalendar, SendTime};

/// The organisation's weekly slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummarySchedule {
    pub day: Weekday,
    pub time: SendTime,
}

impl Default for SummarySchedule {
    fn default() -> Self {
        SummarySchedule {
            day: Weekday::Mon,
            time: SendTime::from_hm(9, 0).unwrap_or_else(|| unreachable!("09:00 is a time")),
        }
    }
}

/// A span of local days, `from` to `until` inclusive, and the instants that bound it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub starts: DateTime<Utc>,
    /// Exclusive: the first instant after the window.
    pub ends: DateTime<Utc>,
}

impl Window {
    /// Local days `from` to `until` inclusive in `zone`.
    pub fn days(from: NaiveDate, until: NaiveDate, zone: Tz) -> Self {
        Window {
            from,
            until,
            starts: midnight(from, zone),
            ends: midnight(until.succ_opt().unwrap_or(until), zone),
        }
    }
}

/// The first instant of a local date (the first valid one after a DST gap at midnight).
pub fn midnight(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    resolve(date, SendTime::MIDNIGHT, zone)
}

impl SummarySchedule {
    /// The most recent summary occurrence at or before `now`: (its local date, its instant).
    pub fn latest(self, zone: Tz, now: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>) {
        let today = local_date(now, zone);
        let back =
            (7 + today.weekday().num_days_from_monday() - self.day.num_days_from_monday()) % 7;
        let mut date = today - chrono::Duration::days(i64::from(back));
        let mut due = resolve(date, self.time, zone);
        if due > now {
            date -= chrono::Duration::days(7);
            due = resolve(date, self.time, zone);
        }
        (date, due)
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(self, zone: Tz, after: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>) {
        let (date, _) = self.latest(zone, after);
        let next = date + chrono::Duration::days(7);
        (next, resolve(next, self.time, zone))
    }

    /// The week a summary due on `week_of` covers: the seven local days before it.
    pub fn week_before(week_of: NaiveDate, zone: Tz) -> Window {
        Window::days(
            week_of - chrono::Duration::days(7),
            week_of - chrono::Duration::days(1),
            zone,
        )
    }

    /// What `/cohort report` covers at `now`: the summary week in progress, up to the end of
    /// the cohort's previous practice day. When that week has no finished practice day yet
    /// (the morning after a summary), the week the last summary covered. `None` before the
    /// cohort's first practice day has ended.
    pub fn report_window(
        self,
        calendar: &PracticeCalendar,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Option<Window> {
        let today = local_date(now, zone);
        let last_day = previous_practice_day(calendar, today)?;
        // The week in progress starts on the latest summary weekday on or before today.
        let back =
            (7 + today.weekday().num_days_from_monday() - self.day.num_days_from_monday()) % 7;
        let week_start = today - chrono::Duration::days(i64::from(back));
        let from = if last_day >= week_start {
            week_start
        } else {
            week_start - chrono::Duration::days(7)
        };
        Some(Window::days(from.min(last_day), last_day, zone))
    }
}

/// The latest practice day before `today`, looking back at most a year.
fn previous_practice_day(calendar: &PracticeCalendar, today: NaiveDate) -> Option<NaiveDate> {
    (1..=366)
        .map(|back| today - chrono::Duration::days(back))
        .take_while(|d| *d >= calendar.start)
        .find(|d| calendar.is_practice_day(*d))
}

/// Parses a weekday as `/org settings summary_day` accepts it: `mon` … `sun`, or the full name.
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let text = text.trim().to_lowercase();
    const DAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    DAYS.iter()
        .find(|(name, _)| text.len() >= 3 && name.starts_with(text.as_str()))
        .map(|(_, day)| *day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::WorkWeek;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_latest_occurrence_is_this_weeks_slot_once_it_has_passed() {
        let monday_nine = SummarySchedule::default();
        let zone = chrono_tz::Europe::Berlin;
        // Monday 30 Nov 2026 08:00 UTC is 09:00 in Berlin.
        let (day, due) = monday_nine.latest(zone, at("2026-11-30T08:00:00Z"));
        assert_eq!((day, due), (date("2026-11-30"), at("2026-11-30T08:00:00Z")));
        let (day, _) = monday_nine.latest(zone, at("2026-11-30T07:59:00Z"));
        assert_eq!(day, date("2026-11-23"));
        let (day, _) = monday_nine.latest(zone, at("2026-12-03T12:00:00Z"));
        assert_eq!(day, date("2026-11-30"));
        let (next, due) = monday_nine.next_after(zone, at("2026-11-30T08:00:00Z"));
        assert_eq!(
            (next, due),
            (date("2026-12-07"), at("2026-12-07T08:00:00Z"))
        );
    }

    #[test]
    fn a_week_is_seven_local_days_through_a_dst_change() {
        let zone = chrono_tz::America::New_York;
        // DST ends on Sunday 1 Nov 2026: that week has 169 hours.
        let week = SummarySchedule::week_before(date("2026-11-02"), zone);
        assert_eq!(week.from, date("2026-10-26"));
        assert_eq!(week.until, date("2026-11-01"));
        assert_eq!((week.ends - week.starts).num_hours(), 169);
    }

    #[test]
    fn a_report_stops_at_the_end_of_the_previous_practice_day() {
        let calendar = PracticeCalendar::new(date("2026-11-23"), WorkWeek::MON_FRI);
        let monday = SummarySchedule::default();
        let zone = chrono_tz::UTC;
        // Thursday: Monday to Wednesday.
        let window = monday
            .report_window(&calendar, zone, at("2026-12-03T15:00:00Z"))
            .unwrap();
        assert_eq!(
            (window.from, window.until),
            (date("2026-11-30"), date("2026-12-02"))
        );
        assert_eq!(window.ends, at("2026-12-03T00:00:00Z"));
        // Monday: the week before, through Friday.
        let window = monday
            .report_window(&calendar, zone, at("2026-11-30T15:00:00Z"))
            .unwrap();
        assert_eq!(
            (window.from, window.until),
            (date("2026-11-23"), date("2026-11-27"))
        );
        // Before the first practice day has ended: nothing yet.
        assert!(monday
            .report_window(&calendar, zone, at("2026-11-23T15:00:00Z"))
            .is_none());
    }

    #[test]
    fn weekdays_are_read_by_their_first_three_letters_or_more() {
        assert_eq!(parse_weekday("mon"), Some(Weekday::Mon));
        assert_eq!(parse_weekday(" Friday "), Some(Weekday::Fri));
        assert_eq!(parse_weekday("thu"), Some(Weekday::Thu));
        assert_eq!(parse_weekday("mo"), None);
        assert_eq!(parse_weekday("funday"), None);
    }
}
