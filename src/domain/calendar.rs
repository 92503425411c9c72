//! Practice days: the cohort's scheduled weekdays, in its own time zone, from its start date,
//! minus holidays and paused stretches. Day 1 is the first practice day on or after the start;
//! a holiday or a pause moves the content to the next practice day rather than skipping it.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::WorkWeek;

/// A pause from `from` (inclusive) until `until` (exclusive; `None` while still paused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Pause {
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|until| date < until)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeCalendar {
    pub start: NaiveDate,
    pub week: WorkWeek,
    pub holidays: BTreeSet<NaiveDate>,
    pub pauses: Vec<Pause>,
}

/// How far ahead a search for the next practice day looks before concluding there is none
/// (an open-ended pause). Two years covers any real holiday list.
const SEARCH_DAYS: u32 = 800;

impl PracticeCalendar {
    pub fn new(start: NaiveDate, week: WorkWeek) -> Self {
        Self {
            start,
            week,
            holidays: BTreeSet::new(),
            pauses: Vec::new(),
        }
    }

    pub fn is_practice_day(&self, date: NaiveDate) -> bool {
        date >= self.start
            && self.week.contains(date.weekday())
            && !self.holidays.contains(&date)
            && !self.pauses.iter().any(|p| p.covers(date))
    }

    /// The practice-day number of `date` (1 for the first), or `None` if it is not one.
    pub fn day_number(&self, date: NaiveDate) -> Option<u32> {
        if !self.is_practice_day(date) {
            return None;
        }
        let mut count = 0;
        let mut day = self.start;
        while day <= date {
            if self.is_practice_day(day) {
                count += 1;
            }
            day = day.succ_opt()?;
        }
        Some(count)
    }

    /// The first practice day on or after `date`.
    pub fn next_practice_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date.max(self.start);
        for _ in 0..SEARCH_DAYS {
            if self.is_practice_day(day) {
                return Some(day);
            }
            day = day.succ_opt()?;
        }
        None
    }

    /// The date of practice day `number` (1-based), if it falls within the search horizon.
    pub fn date_of_day(&self, number: u32) -> Option<NaiveDate> {
        let mut seen = 0;
        let mut day = self.start;
        for _ in 0..number.saturating_mul(7).saturating_add(SEARCH_DAYS) {
            if self.is_practice_day(day) {
                seen += 1;
                if seen == number {
                    return Some(day);
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn day_one_is_the_first_practice_day_on_or_after_the_start() {
        // 2026-11-21 is a Saturday.
        let calendar = PracticeCalendar::new(date("2026-11-21"), WorkWeek::MON_FRI);
        assert_eq!(calendar.date_of_day(1), Some(date("2026-11-23")));
        assert_eq!(calendar.day_number(date("2026-11-24")), Some(2));
        assert_eq!(calendar.day_number(date("2026-11-28")), None, "Saturday");
    }

    #[test]
    fn a_holiday_shifts_content_to_the_next_practice_day() {
        let mut calendar = PracticeCalendar::new(date("2026-11-23"), WorkWeek::MON_FRI);
        calendar.holidays.insert(date("2026-11-26"));
        assert_eq!(calendar.day_number(date("2026-11-25")), Some(3));
        assert_eq!(calendar.day_number(date("2026-11-26")), None);
        assert_eq!(
            calendar.day_number(date("2026-11-27")),
            Some(4),
            "day 4 moves to Friday"
        );
    }

    #[test]
    fn a_pause_holds_the_count_until_it_ends() {
        let mut calendar = PracticeCalendar::new(date("2026-11-23"), WorkWeek::MON_FRI);
        calendar.pauses.push(Pause {
            from: date("2026-11-25"),
            until: Some(date("2026-11-30")),
        });
        assert_eq!(calendar.day_number(date("2026-11-24")), Some(2));
        assert_eq!(calendar.day_number(date("2026-11-30")), Some(3));
        calendar.pauses.push(Pause {
            from: date("2026-12-01"),
            until: None,
        });
        assert_eq!(
            calendar.next_practice_day(date("2026-12-01")),
            None,
            "paused for good"
        );
    }

    #[test]
    fn a_sunday_to_thursday_week_practises_on_sunday() {
        let calendar =
            PracticeCalendar::new(date("2026-11-22"), WorkWeek::parse("sun-thu").unwrap());
        assert_eq!(calendar.day_number(date("2026-11-22")), Some(1));
        assert_eq!(
            calendar.next_practice_day(date("2026-11-27")),
            Some(date("2026-11-29"))
        );
    }
}
