//! The one-line reading of a summary for the organisation, said only where the shown figures
//! support it: which of the 4 As was tried least (per prompt posted, so a week with one
//! Advocacy prompt and three Action prompts is compared fairly), else a clear change in
//! participation.

use crate::domain::FourA;

use super::figures::{Activity, Change};

/// A change in participation smaller than this (percentage points) is not remarked on.
const NOTABLE_CHANGE: i16 = 10;

/// `posted` counts the nudges of each A posted in the week.
pub fn reading(week: &Activity, posted: &[(FourA, u64)], change: Option<Change>) -> Option<String> {
    least_tried(week, posted).or_else(|| participation_change(change))
}

fn least_tried(week: &Activity, posted: &[(FourA, u64)]) -> Option<String> {
    let mut per_prompt: Vec<(FourA, f64)> = week
        .tried_by_a
        .iter()
        .filter_map(|(a, tried)| {
            let nudges = posted.iter().find(|(p, _)| p == a).map(|(_, n)| *n)?;
            (nudges > 0).then_some((*a, tried.value()? as f64 / nudges as f64))
        })
        .collect();
    if per_prompt.len() < 2 {
        return None;
    }
    per_prompt.sort_by(|x, y| x.1.total_cmp(&y.1));
    let (least, rate) = per_prompt[0];
    // A tie, or no real gap, is no finding.
    (per_prompt[1].1 > rate * 1.2)
        .then(|| format!("{} prompts were tried least this week.", least.name()))
}

fn participation_change(change: Option<Change>) -> Option<String> {
    let points = change?.participation?;
    if points >= NOTABLE_CHANGE {
        Some(format!(
            "Participation rose by {points} points from the week before."
        ))
    } else if points <= -NOTABLE_CHANGE {
        Some(format!(
            "Participation fell by {} points from the week before: a good moment for a kind word in the cohort channel.",
            -points
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kanon::Shown;
    use crate::report::figures::Checkins;

    fn week(tried: [Shown<u64>; 4]) -> Activity {
        Activity {
            engaged: Shown::Value(8),
            participation: Shown::Value(80),
            tried: Shown::Value(20),
            tried_by_a: FourA::ALL.iter().copied().zip(tried).collect(),
            quizzes: Shown::TooFew,
            best_rate: Shown::TooFew,
            best_by_module: Vec::new(),
            commitments: Shown::TooFew,
            checkins: Checkins {
                tried: Shown::TooFew,
                not_yet: Shown::TooFew,
                not_applicable: Shown::TooFew,
            },
            reflections: Shown::TooFew,
        }
    }

    const ONE_EACH: [(FourA, u64); 4] = [
        (FourA::Awareness, 1),
        (FourA::Action, 1),
        (FourA::Advocacy, 1),
        (FourA::Accountability, 1),
    ];

    #[test]
    fn the_least_tried_a_is_named_per_prompt_posted() {
        let v = Shown::Value;
        let w = week([v(8), v(7), v(5), v(8)]);
        assert_eq!(
            reading(&w, &ONE_EACH, None).as_deref(),
            Some("Advocacy prompts were tried least this week.")
        );
        // Two Advocacy prompts with 5 tries each beat one Action prompt with 7.
        let posted = [
            (FourA::Awareness, 1),
            (FourA::Action, 1),
            (FourA::Advocacy, 2),
        ];
        let w = week([v(8), v(7), v(10), Shown::TooFew]);
        assert_eq!(
            reading(&w, &posted, None).as_deref(),
            Some("Advocacy prompts were tried least this week.")
        );
    }

    #[test]
    fn no_reading_without_a_clear_gap_or_change() {
        let v = Shown::Value;
        let even = week([v(8), v(8), v(8), v(8)]);
        assert_eq!(reading(&even, &ONE_EACH, None), None);
        let hidden = week([v(8), Shown::TooFew, Shown::TooFew, Shown::TooFew]);
        assert_eq!(reading(&hidden, &ONE_EACH, None), None);
        let rose = Change {
            participation: Some(15),
            best_rate: None,
        };
        assert_eq!(
            reading(&even, &ONE_EACH, Some(rose)).as_deref(),
            Some("Participation rose by 15 points from the week before.")
        );
    }
}
