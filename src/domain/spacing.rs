//! Spaced re-asking of quiz items, counted in practice days of the person's cohort calendar.
//!
//! An item answered wrongly, or right with low confidence (1-2, or no rating at all), climbs a
//! ladder: it comes back after 1, then 3, then 7 practice days. Right with high confidence
//! (3-4) retires it. A wrong answer, even on a review, starts the ladder again at 1. A low
//! confidence right answer on the top rung keeps it at 7 practice days: only a confident right
//! answer retires an item.

use chrono::NaiveDate;

use super::PracticeCalendar;

/// Practice days until an item comes back, per rung of the ladder (rung 1 first).
pub const INTERVALS: [u32; 3] = [1, 3, 7];

/// The lowest confidence (1-4) that counts as sure.
pub const SURE: u8 = 3;

/// Where an item stands for one person after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// Comes back on `due` (a practice day), on rung `step` (1-based) of the ladder.
    Scheduled { step: u8, due: NaiveDate },
    /// Answered right with confidence: not asked for review again.
    Retired,
}

impl Review {
    /// The rung, or 0 when retired (a retired item answered again starts from the bottom).
    pub fn step(&self) -> u8 {
        match self {
            Review::Scheduled { step, .. } => *step,
            Review::Retired => 0,
        }
    }

    /// Whether the item is due for review on `today`.
    pub fn is_due(&self, today: NaiveDate) -> bool {
        matches!(self, Review::Scheduled { due, .. } if *due <= today)
    }

    /// How many practice days after the answer the item comes back.
    pub fn interval(&self) -> Option<u32> {
        match self {
            Review::Scheduled { step, .. } => {
                INTERVALS.get(usize::from(*step).checked_sub(1)?).copied()
            }
            Review::Retired => None,
        }
    }
}

/// The rung after an answer, from the rung before it (0: new or retired); `None` retires.
pub fn next_step(prior_step: u8, correct: bool, confidence: Option<u8>) -> Option<u8> {
    if !correct {
        return Some(1);
    }
    if confidence.is_some_and(|level| level >= SURE) {
        return None;
    }
    Some((prior_step + 1).clamp(1, INTERVALS.len() as u8))
}

/// The review state after answering on local date `answered_on`.
pub fn after_answer(
    calendar: &PracticeCalendar,
    answered_on: NaiveDate,
    prior_step: u8,
    correct: bool,
    confidence: Option<u8>,
) -> Review {
    match next_step(prior_step, correct, confidence) {
        None => Review::Retired,
        Some(step) => {
            let days = INTERVALS[usize::from(step) - 1];
            Review::Scheduled {
                step,
                due: practice_days_after(calendar, answered_on, days),
            }
        }
    }
}

/// The `n`th practice day after `date` (not counting `date` itself). If the cohort is paused
/// with no end in sight, calendar days stand in, so the item is simply due once it resumes.
pub fn practice_days_after(calendar: &PracticeCalendar, date: NaiveDate, n: u32) -> NaiveDate {
    let mut day = date;
    for _ in 0..n.max(1) {
        let next = day
            .succ_opt()
            .and_then(|tomorrow| calendar.next_practice_day(tomorrow));
        match next {
            Some(next) => day = next,
            None => return date + chrono::Days::new(u64::from(n)),
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Pause, WorkWeek};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Monday 23 November 2026, Monday to Friday.
    fn weekdays() -> PracticeCalendar {
        PracticeCalendar::new(date("2026-11-23"), WorkWeek::MON_FRI)
    }

    #[test]
    fn a_wrong_answer_comes_back_the_next_practice_day() {
        let review = after_answer(&weekdays(), date("2026-11-23"), 0, false, None);
        assert_eq!(
            review,
            Review::Scheduled {
                step: 1,
                due: date("2026-11-24")
            }
        );
    }

    #[test]
    fn a_weekend_is_not_counted() {
        // Friday + 1 practice day is Monday; Friday + 3 is Wednesday.
        let friday = date("2026-11-27");
        assert_eq!(
            practice_days_after(&weekdays(), friday, 1),
            date("2026-11-30")
        );
        assert_eq!(
            practice_days_after(&weekdays(), friday, 3),
            date("2026-12-02")
        );
    }

    #[test]
    fn answered_on_a_weekend_counts_from_the_next_practice_day() {
        let saturday = date("2026-11-28");
        assert_eq!(
            practice_days_after(&weekdays(), saturday, 1),
            date("2026-11-30")
        );
    }

    #[test]
    fn right_with_low_confidence_climbs_one_three_seven_and_stays_at_seven() {
        let steps: Vec<Option<u8>> = (0..4)
            .map(|prior| next_step(prior, true, Some(2)))
            .collect();
        assert_eq!(steps, vec![Some(1), Some(2), Some(3), Some(3)]);
        let intervals: Vec<u32> = [1u8, 2, 3]
            .iter()
            .map(|step| {
                Review::Scheduled {
                    step: *step,
                    due: date("2026-11-23"),
                }
                .interval()
                .unwrap()
            })
            .collect();
        assert_eq!(intervals, INTERVALS.to_vec());
    }

    #[test]
    fn right_without_a_rating_counts_as_unsure() {
        assert_eq!(next_step(1, true, None), Some(2));
    }

    #[test]
    fn right_and_sure_retires_the_item_at_any_rung() {
        for prior in 0..=3 {
            assert_eq!(next_step(prior, true, Some(3)), None);
            assert_eq!(next_step(prior, true, Some(4)), None);
        }
        assert_eq!(
            after_answer(&weekdays(), date("2026-11-23"), 2, true, Some(4)),
            Review::Retired
        );
    }

    #[test]
    fn a_wrong_review_starts_the_ladder_again() {
        for prior in 0..=3 {
            for confidence in [None, Some(1), Some(4)] {
                assert_eq!(next_step(prior, false, confidence), Some(1));
            }
        }
    }

    #[test]
    fn a_holiday_is_skipped_too() {
        let mut calendar = weekdays();
        calendar.holidays.insert(date("2026-11-24"));
        assert_eq!(
            practice_days_after(&calendar, date("2026-11-23"), 1),
            date("2026-11-25")
        );
    }

    #[test]
    fn an_open_pause_falls_back_to_calendar_days() {
        let mut calendar = weekdays();
        calendar.pauses.push(Pause {
            from: date("2026-11-24"),
            until: None,
        });
        assert_eq!(
            practice_days_after(&calendar, date("2026-11-23"), 3),
            date("2026-11-26")
        );
    }

    #[test]
    fn due_means_on_or_after_the_due_date_and_retired_is_never_due() {
        let review = Review::Scheduled {
            step: 1,
            due: date("2026-11-24"),
        };
        assert!(!review.is_due(date("2026-11-23")));
        assert!(review.is_due(date("2026-11-24")));
        assert!(review.is_due(date("2026-11-30")));
        assert!(!Review::Retired.is_due(date("2030-01-01")));
    }
}
