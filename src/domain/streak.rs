//! Streaks that forgive: a run of practice days with any practice, where one missed practice day
//! per calendar week does not break the run; and consistency over the last 28 practice days.
//! A day still in progress never counts as missed.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, IsoWeek, NaiveDate};

/// How far back consistency looks, in practice days.
pub const CONSISTENCY_WINDOW: usize = 28;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streak {
    /// Practice days with practice in the current run.
    pub days: u32,
    /// Missed practice days the run forgave (at most one per week).
    pub forgiven: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consistency {
    pub practised: u32,
    pub out_of: u32,
}

impl Consistency {
    pub fn percent(self) -> u32 {
        (self.practised * 100 + self.out_of / 2)
            .checked_div(self.out_of)
            .unwrap_or(0)
    }
}

/// The current streak, given the practice days so far (oldest first, up to and including
/// `today` if it is one) and the local dates on which the person practised.
pub fn streak(
    practice_days: &[NaiveDate],
    practised: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> Streak {
    let mut result = Streak {
        days: 0,
        forgiven: 0,
    };
    let mut forgiven_weeks: HashSet<IsoWeek> = HashSet::new();
    for day in practice_days.iter().rev().filter(|d| **d <= today) {
        if practised.contains(day) {
            result.days += 1;
        } else if *day == today {
            continue; // today is not over
        } else if forgiven_weeks.insert(day.iso_week()) {
            result.forgiven += 1;
        } else {
            break;
        }
    }
    // A run that is only forgiveness is no run.
    if result.days == 0 {
        result.forgiven = 0;
    }
    result
}

/// Practice in the last 28 practice days (fewer if the cohort is younger); today counts only
/// once practised.
pub fn consistency(
    practice_days: &[NaiveDate],
    practised: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> Consistency {
    let window: Vec<&NaiveDate> = practice_days
        .iter()
        .rev()
        .filter(|d| **d < today || (**d == today && practised.contains(d)))
        .take(CONSISTENCY_WINDOW)
        .collect();
    let practised_days = window.iter().filter(|d| practised.contains(**d)).count();
    Consistency {
        practised: practised_days as u32,
        out_of: window.len() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays(from: &str, count: usize) -> Vec<NaiveDate> {
        let mut day = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
        let mut days = Vec::new();
        while days.len() < count {
            if day.weekday().num_days_from_monday() < 5 {
                days.push(day);
            }
            day = day.succ_opt().unwrap();
        }
        days
    }

    fn practised(days: &[NaiveDate], skip: &[usize]) -> BTreeSet<NaiveDate> {
        days.iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .map(|(_, d)| *d)
            .collect()
    }

    #[test]
    fn one_missed_day_a_week_is_forgiven() {
        let days = weekdays("2026-11-23", 10); // two weeks
        let done = practised(&days, &[2]); // missed Wednesday of week one
        let today = days[9];
        assert_eq!(
            streak(&days, &done, today),
            Streak {
                days: 9,
                forgiven: 1
            }
        );
    }

    #[test]
    fn a_second_miss_in_the_same_week_ends_the_run() {
        let days = weekdays("2026-11-23", 10);
        let done = practised(&days, &[6, 8]); // two misses in week two
                                              // Friday practised, Thursday forgiven, Wednesday practised, Tuesday ends it.
        assert_eq!(
            streak(&days, &done, days[9]),
            Streak {
                days: 2,
                forgiven: 1
            }
        );
    }

    #[test]
    fn today_not_yet_practised_does_not_break_the_run() {
        let days = weekdays("2026-11-23", 5);
        let done = practised(&days, &[4]);
        assert_eq!(
            streak(&days, &done, days[4]),
            Streak {
                days: 4,
                forgiven: 0
            }
        );
        assert_eq!(
            consistency(&days, &done, days[4]),
            Consistency {
                practised: 4,
                out_of: 4
            }
        );
    }

    #[test]
    fn consistency_looks_at_the_last_28_practice_days() {
        let days = weekdays("2026-11-23", 40);
        let done = practised(&days, &[0, 1, 2, 30, 31]);
        let c = consistency(&days, &done, days[39]);
        assert_eq!((c.practised, c.out_of), (26, 28));
        assert_eq!(c.percent(), 93);
    }

    #[test]
    fn no_practice_is_no_streak() {
        let days = weekdays("2026-11-23", 5);
        assert_eq!(
            streak(&days, &BTreeSet::new(), days[4]),
            Streak {
                days: 0,
                forgiven: 0
            }
        );
    }
}
