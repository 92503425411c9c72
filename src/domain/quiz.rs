//! Which questions a quiz asks, and in what order its options appear.
//!
//! A quiz draws from the modules a cohort has reached (the current module and earlier ones, or
//! every module once it is in review, and always every module of an open-ended program), or
//! from one module on request. Items due for spaced
//! review come first (the longest overdue first), then items the person has never answered,
//! then the rest (scheduled for later, then retired). No item appears twice in one quiz.
//! Randomness comes from a seeded RNG passed in, so a quiz is reproducible from its seed.

use std::collections::HashMap;

use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;

use super::spacing::Review;
use super::{PracticeCalendar, Stage};

/// A quiz item that may be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub module: u8,
}

/// An item chosen for a quiz; `review` when it is back because it was due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub id: String,
    pub module: u8,
    pub review: bool,
}

/// The modules a quiz draws from, of the track's `modules` (their numbers).
pub fn modules_for(stage: Stage, requested: Option<u8>, modules: &[u8]) -> Vec<u8> {
    match (requested, stage) {
        (Some(module), _) => vec![module],
        (None, Stage::Module(current)) => {
            modules.iter().copied().filter(|m| *m <= current).collect()
        }
        (None, Stage::Review | Stage::Open) => modules.to_vec(),
    }
}

/// The cohort's current practice day on local date `today`: the number of practice days up to
/// and including it (a weekend or holiday belongs to the practice day before it), and day 1
/// before the cohort has started.
pub fn current_day(calendar: &PracticeCalendar, today: NaiveDate) -> u32 {
    let mut count = 0u32;
    let mut day = calendar.start;
    while day <= today {
        if calendar.is_practice_day(day) {
            count += 1;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    count.max(1)
}

/// Up to `count` distinct items: due reviews, then never answered, then the rest.
pub fn pick(
    candidates: &[Candidate<'_>],
    reviews: &HashMap<String, Review>,
    today: NaiveDate,
    count: usize,
    rng: &mut impl Rng,
) -> Vec<Picked> {
    let mut due = Vec::new();
    let mut fresh = Vec::new();
    let mut later = Vec::new();
    let mut retired = Vec::new();
    for candidate in candidates {
        match reviews.get(candidate.id) {
            None => fresh.push(*candidate),
            Some(Review::Retired) => retired.push(*candidate),
            Some(Review::Scheduled { due: when, .. }) if *when <= today => {
                due.push((*when, *candidate))
            }
            Some(Review::Scheduled { due: when, .. }) => later.push((*when, *candidate)),
        }
    }
    // Shuffle first, then a stable sort by due date: ties come out in random order.
    due.shuffle(rng);
    due.sort_by_key(|(when, _)| *when);
    fresh.shuffle(rng);
    later.shuffle(rng);
    later.sort_by_key(|(when, _)| *when);
    retired.shuffle(rng);
    let reviewing = due.into_iter().map(|(_, c)| (c, true));
    let others = fresh
        .into_iter()
        .chain(later.into_iter().map(|(_, c)| c))
        .chain(retired)
        .map(|c| (c, false));
    let mut picked: Vec<Picked> = Vec::with_capacity(count);
    for (candidate, review) in reviewing.chain(others) {
        if picked.len() == count {
            break;
        }
        if picked.iter().any(|p| p.id == candidate.id) {
            continue;
        }
        picked.push(Picked {
            id: candidate.id.to_owned(),
            module: candidate.module,
            review,
        });
    }
    picked
}

/// The displayed order of `options` options: `order[shown] = original index`.
pub fn option_order(options: usize, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..options).collect();
    order.shuffle(rng);
    order
}

/// A quiz's seed, from who takes it, when, and how many quizzes they started before: distinct
/// for every attempt, and reproducible under a test clock.
pub fn seed(user: u64, unix_seconds: i64, started_before: u32) -> u64 {
    let mut x =
        user ^ (unix_seconds as u64).rotate_left(21) ^ u64::from(started_before).rotate_left(42);
    // splitmix64's finaliser spreads nearby inputs over the whole range.
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::WorkWeek;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn items(ids: &[&'static str]) -> Vec<Candidate<'static>> {
        ids.iter().map(|id| Candidate { id, module: 1 }).collect()
    }

    fn scheduled(due: &str) -> Review {
        Review::Scheduled {
            step: 1,
            due: date(due),
        }
    }

    #[test]
    fn due_items_come_first_then_never_seen_then_the_rest() {
        let candidates = items(&["later", "retired", "new", "due"]);
        let reviews = HashMap::from([
            ("later".to_owned(), scheduled("2026-12-31")),
            ("retired".to_owned(), Review::Retired),
            ("due".to_owned(), scheduled("2026-11-24")),
        ]);
        let mut rng = StdRng::seed_from_u64(1);
        let picked = pick(&candidates, &reviews, date("2026-11-24"), 4, &mut rng);
        let ids: Vec<&str> = picked.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["due", "new", "later", "retired"]);
        assert!(picked[0].review);
        assert!(picked[1..].iter().all(|p| !p.review));
    }

    #[test]
    fn the_longest_overdue_comes_first() {
        let candidates = items(&["a", "b", "c"]);
        let reviews = HashMap::from([
            ("a".to_owned(), scheduled("2026-11-25")),
            ("b".to_owned(), scheduled("2026-11-23")),
            ("c".to_owned(), scheduled("2026-11-24")),
        ]);
        let picked = pick(
            &candidates,
            &reviews,
            date("2026-11-25"),
            3,
            &mut StdRng::seed_from_u64(9),
        );
        let ids: Vec<&str> = picked.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["b", "c", "a"]);
    }

    #[test]
    fn no_item_is_asked_twice_and_a_short_pool_gives_a_short_quiz() {
        let candidates = items(&["a", "b", "a"]);
        let picked = pick(
            &candidates,
            &HashMap::new(),
            date("2026-11-23"),
            3,
            &mut StdRng::seed_from_u64(3),
        );
        assert_eq!(picked.len(), 2);
        assert_ne!(picked[0].id, picked[1].id);
    }

    #[test]
    fn the_same_seed_picks_the_same_quiz() {
        let candidates = items(&["a", "b", "c", "d", "e", "f"]);
        let run = |seed| {
            pick(
                &candidates,
                &HashMap::new(),
                date("2026-11-23"),
                3,
                &mut StdRng::seed_from_u64(seed),
            )
        };
        assert_eq!(run(5), run(5));
    }

    #[test]
    fn options_are_a_permutation() {
        let mut order = option_order(4, &mut StdRng::seed_from_u64(2));
        order.sort_unstable();
        assert_eq!(order, vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_quiz_draws_from_the_current_and_earlier_modules_unless_one_is_asked_for() {
        let seven: Vec<u8> = (1..=7).collect();
        assert_eq!(modules_for(Stage::Module(3), None, &seven), vec![1, 2, 3]);
        assert_eq!(modules_for(Stage::Review, None, &seven), seven);
        assert_eq!(modules_for(Stage::Module(3), Some(6), &seven), vec![6]);
        assert_eq!(
            modules_for(Stage::Open, None, &[4, 2]),
            vec![4, 2],
            "an open-ended program: every module it draws from"
        );
    }

    #[test]
    fn the_current_day_holds_over_a_weekend_and_is_one_before_the_start() {
        let calendar = PracticeCalendar::new(date("2026-11-23"), WorkWeek::MON_FRI);
        assert_eq!(current_day(&calendar, date("2026-11-20")), 1);
        assert_eq!(current_day(&calendar, date("2026-11-23")), 1);
        assert_eq!(current_day(&calendar, date("2026-11-27")), 5);
        assert_eq!(current_day(&calendar, date("2026-11-29")), 5, "Sunday");
        assert_eq!(current_day(&calendar, date("2026-11-30")), 6);
    }

    #[test]
    fn seeds_differ_between_attempts() {
        assert_ne!(seed(7, 1_000, 0), seed(7, 1_000, 1));
        assert_ne!(seed(7, 1_000, 0), seed(8, 1_000, 0));
        assert_eq!(seed(7, 1_000, 0), seed(7, 1_000, 0));
    }
}
