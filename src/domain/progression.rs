//! Which prompt a cohort gets on each practice day.
//!
//! A cohort's [`Plan`] is fixed when it is created (seeded per cohort, stored with it): each
//! module's prompts in an order that rotates the 4 As from day to day, and a review order over
//! the whole track. Which module day `n` belongs to is the cohort's [`Pace`]. A module with
//! fewer prompts than days borrows prompts the cohort has not seen from other modules, nearest
//! earlier modules first, so no prompt repeats until the whole track has been used. After the
//! last module the cohort continues with review: first anything it never saw, then the track
//! again in review order. There is no dead end.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::{FourA, Pace};

/// A cohort's pinned prompt order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Prompt ids per module, module 1 first.
    pub modules: Vec<Vec<String>>,
    /// Every prompt id, in the order review days use them.
    pub review: Vec<String>,
}

/// Where a practice day sits in the track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Module(u8),
    /// After the last module.
    Review,
    /// An open-ended program (the Everyday program): no modules, no end.
    Open,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPlan {
    pub day: u32,
    pub stage: Stage,
    pub prompt_id: String,
    /// True when the prompt was already used on an earlier day.
    pub repeat: bool,
}

impl Plan {
    /// Builds a plan from each module's prompts (id and 4A tag), in module order.
    pub fn build(modules: &[Vec<(String, FourA)>], seed: u64) -> Plan {
        let ordered = modules
            .iter()
            .enumerate()
            .map(|(index, prompts)| {
                rotate_four_as(prompts, seed.wrapping_add(index as u64 * 0x9E37_79B9))
            })
            .collect();
        let mut review: Vec<String> = modules.iter().flatten().map(|(id, _)| id.clone()).collect();
        review.shuffle(&mut StdRng::seed_from_u64(seed ^ 0x05EE_D0F2_E71E));
        Plan {
            modules: ordered,
            review,
        }
    }

    pub fn module_count(&self) -> u8 {
        self.modules.len() as u8
    }

    /// The stage of practice day `day` at `pace`.
    pub fn stage(&self, day: u32, pace: &Pace) -> Stage {
        match pace.module_of_day(day) {
            Some(module) if usize::from(module) <= self.modules.len() => Stage::Module(module),
            _ => Stage::Review,
        }
    }

    /// What practice day `day` (1-based) brings at `pace`. `None` only for an empty plan.
    pub fn day(&self, day: u32, pace: &Pace) -> Option<DayPlan> {
        self.day_among(day, pace, |_| true)
    }

    /// Like [`Plan::day`], using only prompts for which `known` holds: a prompt removed from
    /// the curriculum after the plan was made is passed over, as if already used.
    pub fn day_among(
        &self,
        day: u32,
        pace: &Pace,
        known: impl Fn(&str) -> bool,
    ) -> Option<DayPlan> {
        let target = day.max(1);
        let mut used: HashSet<&str> = self
            .review
            .iter()
            .map(String::as_str)
            .filter(|id| !known(id))
            .collect();
        let review: Vec<&String> = self.review.iter().filter(|id| known(id)).collect();
        let mut review_position = 0usize;
        for current in 1..=target {
            let stage = self.stage(current, pace);
            let (id, repeat) = match self.first_unused(stage, &used) {
                Some(id) => (id, false),
                None => {
                    let id = review.get(review_position % review.len().max(1))?;
                    review_position += 1;
                    (id.as_str(), true)
                }
            };
            used.insert(id);
            if current == target {
                return Some(DayPlan {
                    day: current,
                    stage,
                    prompt_id: id.to_owned(),
                    repeat,
                });
            }
        }
        None
    }

    /// The next prompt no day has used: the stage's own module first; then earlier modules,
    /// nearest first; then later modules, from the end of their lists so their own days keep
    /// their first prompts.
    fn first_unused<'a>(&'a self, stage: Stage, used: &HashSet<&str>) -> Option<&'a str> {
        let count = self.modules.len();
        let current = match stage {
            Stage::Module(m) => m as usize - 1,
            Stage::Review | Stage::Open => count,
        };
        let unused = |id: &&'a String| !used.contains(id.as_str());
        let own = self
            .modules
            .get(current)
            .into_iter()
            .flat_map(|m| m.iter())
            .find(unused);
        let earlier = || {
            (0..current.min(count))
                .rev()
                .flat_map(|i| self.modules[i].iter())
                .find(unused)
        };
        let later = || {
            ((current + 1).min(count)..count)
                .flat_map(|i| self.modules[i].iter().rev())
                .find(unused)
        };
        own.or_else(earlier).or_else(later).map(String::as_str)
    }
}

/// Orders one module's prompts so that consecutive days cycle through the 4 As.
fn rotate_four_as(prompts: &[(String, FourA)], seed: u64) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut groups: Vec<Vec<String>> = FourA::ALL
        .iter()
        .map(|tag| {
            prompts
                .iter()
                .filter(|(_, t)| t == tag)
                .map(|(id, _)| id.clone())
                .collect()
        })
        .collect();
    for group in &mut groups {
        group.shuffle(&mut rng);
    }
    let first = (seed % 4) as usize;
    let mut ordered = Vec::with_capacity(prompts.len());
    while groups.iter().any(|g| !g.is_empty()) {
        for offset in 0..4 {
            if let Some(id) = groups[(first + offset) % 4].pop() {
                ordered.push(id);
            }
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn even(days: u32) -> Pace {
        Pace::uniform(days, 4)
    }

    fn track(sizes: &[usize]) -> Vec<Vec<(String, FourA)>> {
        sizes
            .iter()
            .enumerate()
            .map(|(m, size)| {
                (0..*size)
                    .map(|i| (format!("m{}-p{i:02}", m + 1), FourA::ALL[i % 4]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_plan_and_another_seed_another() {
        let modules = track(&[8, 8, 8]);
        assert_eq!(Plan::build(&modules, 7), Plan::build(&modules, 7));
        assert_ne!(Plan::build(&modules, 7), Plan::build(&modules, 8));
    }

    #[test]
    fn consecutive_days_in_a_module_rotate_the_four_as() {
        let modules = track(&[12]);
        let plan = Plan::build(&modules, 3);
        let tag = |id: &str| {
            modules[0]
                .iter()
                .find(|(p, _)| p == id)
                .map(|(_, t)| *t)
                .unwrap()
        };
        let tags: Vec<FourA> = plan.modules[0].iter().map(|id| tag(id)).collect();
        for pair in tags.windows(2) {
            assert_ne!(pair[0], pair[1], "{tags:?}");
        }
    }

    #[test]
    fn no_prompt_repeats_until_the_track_is_used_up() {
        let modules = track(&[8, 8, 40, 8]);
        let plan = Plan::build(&modules, 11);
        for pace in [1, 5, 10, 30] {
            let total = 64;
            let ids: Vec<String> = (1..=total)
                .map(|d| plan.day(d, &even(pace)).unwrap().prompt_id)
                .collect();
            let unique: HashSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), total as usize, "pace {pace}");
        }
    }

    #[test]
    fn modules_follow_the_pace_and_review_follows_the_last_module() {
        let plan = Plan::build(&track(&[8, 8]), 1);
        let five = Pace::uniform(5, 2);
        assert_eq!(plan.day(1, &five).unwrap().stage, Stage::Module(1));
        assert_eq!(plan.day(6, &five).unwrap().stage, Stage::Module(2));
        let after = plan.day(11, &five).unwrap();
        assert_eq!(after.stage, Stage::Review);
        assert!(!after.repeat, "unseen leftovers come first");
        let much_later = plan.day(40, &five).unwrap();
        assert!(much_later.repeat, "then the track again");
    }

    #[test]
    fn a_prompt_removed_from_the_curriculum_is_passed_over() {
        let plan = Plan::build(&track(&[8]), 2);
        let five = Pace::uniform(5, 1);
        let first = plan.day(1, &five).unwrap().prompt_id;
        let without = plan.day_among(1, &five, |id| id != first).unwrap();
        assert_ne!(without.prompt_id, first);
        assert_eq!(
            without.prompt_id,
            plan.day(2, &five).unwrap().prompt_id,
            "the next one moves up"
        );
    }

    #[test]
    fn a_short_module_borrows_from_an_earlier_one_first() {
        let plan = Plan::build(&track(&[8, 2]), 5);
        let day8 = plan.day(8, &Pace::uniform(5, 2)).unwrap(); // module 2 has only two prompts
        assert_eq!(day8.stage, Stage::Module(2));
        assert!(day8.prompt_id.starts_with("m1-"), "{}", day8.prompt_id);
    }

    #[test]
    fn a_module_with_more_days_holds_the_cohort_longer_and_uses_more_of_its_own_prompts() {
        let plan = Plan::build(&track(&[8, 8, 8, 40, 8]), 9);
        let pace = Pace::new([5, 5, 5, 15, 5]);
        for day in 16..=30 {
            let planned = plan.day(day, &pace).unwrap();
            assert_eq!(planned.stage, Stage::Module(4), "day {day}");
            assert!(
                planned.prompt_id.starts_with("m4-"),
                "{}",
                planned.prompt_id
            );
        }
        assert_eq!(plan.day(31, &pace).unwrap().stage, Stage::Module(5));
    }
}
