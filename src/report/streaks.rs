//! The median of members' forgiving streaks, from the activity slots the store counted.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use crate::domain::local_time::local_date;
use crate::domain::streak::streak;
use crate::domain::PracticeCalendar;
use crate::store::SLOT_SECONDS;

/// How far back streaks are followed for a summary: a longer streak shows as this many weeks'
/// worth (the median rarely comes near it, and the store then reads a bounded range).
pub const STREAK_WEEKS: i64 = 12;

/// Each member's streak as of the end of `until`, and the median of them (members with no
/// activity count as zero). `None` for no members.
pub fn median_streak(
    members: &[u64],
    slots: &[(u64, i64)],
    calendar: &PracticeCalendar,
    zone: Tz,
    until: NaiveDate,
) -> Option<u32> {
    let from = until - chrono::Duration::weeks(STREAK_WEEKS);
    let practice_days: Vec<NaiveDate> = from
        .iter_days()
        .take_while(|d| *d <= until)
        .filter(|d| calendar.is_practice_day(*d))
        .collect();
    let mut practised: HashMap<u64, BTreeSet<NaiveDate>> = HashMap::new();
    for (user, slot) in slots {
        if let Some(instant) = DateTime::from_timestamp(slot * SLOT_SECONDS, 0) {
            practised
                .entry(*user)
                .or_default()
                .insert(local_date(instant, zone));
        }
    }
    let empty = BTreeSet::new();
    let mut streaks: Vec<u32> = members
        .iter()
        .map(|m| streak(&practice_days, practised.get(m).unwrap_or(&empty), until).days)
        .collect();
    streaks.sort_unstable();
    // The lower median: never a value between two people's that nobody has.
    streaks.get(streaks.len().checked_sub(1)? / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::WorkWeek;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// The slot of 12:00 UTC on `day`.
    fn noon(day: &str) -> i64 {
        date(day)
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
            / SLOT_SECONDS
    }

    #[test]
    fn the_median_counts_members_who_did_nothing_as_zero() {
        let calendar = PracticeCalendar::new(date("2026-11-23"), WorkWeek::MON_FRI);
        let week = [
            "2026-11-23",
            "2026-11-24",
            "2026-11-25",
            "2026-11-26",
            "2026-11-27",
        ];
        let mut slots: Vec<(u64, i64)> = week.iter().map(|d| (1, noon(d))).collect();
        slots.extend(week[3..].iter().map(|d| (2, noon(d))));
        slots.push((3, noon(week[4])));
        let until = date("2026-11-27");
        let median =
            |members: &[u64]| median_streak(members, &slots, &calendar, chrono_tz::UTC, until);
        // Streaks 5, 2, 1, 0, 0: the median is 1.
        assert_eq!(median(&[1, 2, 3, 4, 5]), Some(1));
        assert_eq!(median(&[1, 2, 3]), Some(2));
        assert_eq!(median(&[]), None);
    }
}
