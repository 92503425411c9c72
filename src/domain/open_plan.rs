//! The prompt order of an open-ended program (the Everyday program): one prompt per practice
//! day, with no modules and no end.
//!
//! Over any number of days:
//! - the 4 As rotate: never the same A three practice days running, and every A at least once
//!   in any 5 consecutive practice days;
//! - a pass uses every prompt once, so no prompt repeats until all have been used; the next
//!   pass is a new order in which no prompt comes back within [`REUSE_GAP`] practice days of
//!   its last use.
//!
//! The first pass is made when a cohort starts and stored with it (each prompt's id and 4A
//! tag, in order) together with the seed. Later passes are worked out from those two alone, so
//! editing the curriculum never reshuffles a running cohort.
//!
//! A prompt later removed from the curriculum keeps its days: each of them gets the prompt of
//! the same A that is furthest from its other uses, so the rotation holds and no other day
//! moves. That day repeats a prompt.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::progression::{DayPlan, Stage};
use super::FourA;

mod pass;

use pass::{generate_pass, pass_rng};

/// A prompt used on day `d` is not used again before day `d + REUSE_GAP + 1`.
pub const REUSE_GAP: usize = 20;
/// Every A appears at least once in any this many consecutive practice days.
pub const A_WINDOW: usize = 5;
/// No A on more than this many practice days running.
pub const MAX_RUN: usize = 2;

/// One prompt as pinned when the cohort started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pinned {
    pub id: String,
    pub four_a: FourA,
}

/// A cohort's pinned open-ended order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenPlan {
    /// Every prompt of the program when the cohort started, in the order of the first pass.
    pub prompts: Vec<Pinned>,
    pub seed: u64,
}

impl OpenPlan {
    /// The plan for a new cohort: `prompts` (id and tag) in a first pass that keeps the rules.
    pub fn build(prompts: &[(String, FourA)], seed: u64) -> OpenPlan {
        let tags: Vec<FourA> = prompts.iter().map(|(_, tag)| *tag).collect();
        let first = generate_pass(&tags, &[], &mut pass_rng(seed, 0));
        OpenPlan {
            prompts: first
                .order
                .iter()
                .map(|&i| Pinned {
                    id: prompts[i].0.clone(),
                    four_a: prompts[i].1,
                })
                .collect(),
            seed,
        }
    }

    fn tags(&self) -> Vec<FourA> {
        self.prompts.iter().map(|p| p.four_a).collect()
    }

    /// The pinned order of days `1..=days`, as indexes into `prompts`, and whether any pass had
    /// to relax the rules.
    pub fn sequence(&self, days: usize) -> (Vec<usize>, bool) {
        let count = self.prompts.len();
        let mut days_so_far: Vec<usize> = (0..count).collect();
        let mut relaxed = false;
        let tags = self.tags();
        let mut pass = 1u64;
        while days_so_far.len() < days && count > 0 {
            let next = generate_pass(&tags, &days_so_far, &mut pass_rng(self.seed, pass));
            relaxed |= next.relaxed;
            days_so_far.extend(next.order);
            pass += 1;
        }
        days_so_far.truncate(days);
        (days_so_far, relaxed)
    }

    /// What practice day `day` (1-based) brings. `None` only when no prompt is left.
    pub fn day(&self, day: u32) -> Option<DayPlan> {
        self.day_among(day, |_| true)
    }

    /// Like [`OpenPlan::day`], for a curriculum that may have lost prompts since the cohort
    /// started: a day whose prompt `known` rejects gets a stand-in (see the module docs).
    pub fn day_among(&self, day: u32, known: impl Fn(&str) -> bool) -> Option<DayPlan> {
        let target = day.max(1) as usize;
        let days = self.days_among(target, known)?;
        let (prompt, stood_in) = *days.last()?;
        Some(DayPlan {
            day: target as u32,
            stage: Stage::Open,
            prompt_id: self.prompts[prompt].id.clone(),
            repeat: target > self.prompts.len() || stood_in,
        })
    }

    /// Days `1..=days` as (index into `prompts`, whether it stands in for a removed prompt).
    /// `None` when `known` rejects every prompt.
    pub fn days_among(
        &self,
        days: usize,
        known: impl Fn(&str) -> bool,
    ) -> Option<Vec<(usize, bool)>> {
        let alive: Vec<bool> = self.prompts.iter().map(|p| known(&p.id)).collect();
        if !alive.contains(&true) {
            return None;
        }
        // Far enough ahead to see every prompt's next use after the last day asked for.
        let (order, _) = self.sequence(days + 2 * self.prompts.len());
        let mut uses: HashMap<usize, Vec<usize>> = HashMap::new();
        for (at, &prompt) in order.iter().enumerate() {
            uses.entry(prompt).or_default().push(at);
        }
        let mut planned = Vec::with_capacity(days);
        for (at, &pinned) in order.iter().enumerate().take(days) {
            if alive[pinned] {
                planned.push((pinned, false));
                continue;
            }
            let stand_in = self.stand_in(at, pinned, &alive, &uses);
            if let Some(list) = uses.get_mut(&stand_in) {
                let position = list.partition_point(|&u| u < at);
                list.insert(position, at);
            }
            planned.push((stand_in, true));
        }
        Some(planned)
    }

    /// A known prompt to use on day `at` in place of the removed `gone`: of the same A where
    /// possible (so the rotation holds), the one furthest from its own other uses.
    fn stand_in(
        &self,
        at: usize,
        gone: usize,
        alive: &[bool],
        uses: &HashMap<usize, Vec<usize>>,
    ) -> usize {
        let distance = |candidate: usize| -> usize {
            let list = uses.get(&candidate).map(Vec::as_slice).unwrap_or_default();
            let after = list.partition_point(|&u| u <= at);
            let before = after.checked_sub(1).map(|i| at - list[i]);
            let next = list.get(after).map(|&u| u - at);
            before.into_iter().chain(next).min().unwrap_or(usize::MAX)
        };
        let same_tag = |i: usize| self.prompts[i].four_a == self.prompts[gone].four_a;
        let best = |filter: &dyn Fn(usize) -> bool| {
            (0..self.prompts.len())
                .filter(|&i| alive[i] && filter(i))
                .max_by_key(|&i| (distance(i), std::cmp::Reverse(i)))
        };
        best(&same_tag).or_else(|| best(&|_| true)).unwrap_or(gone)
    }
}

/// Every way `days` (prompt ids with their tags, day 1 first) breaks the rules, as sentences:
/// the rotation, a repeat within a pass of `pass` days, or a prompt back within the gap.
pub fn broken_rules(days: &[(String, FourA)], pass: usize) -> Vec<String> {
    let mut broken = Vec::new();
    for (i, run) in days.windows(MAX_RUN + 1).enumerate() {
        if run.iter().all(|(_, tag)| *tag == run[0].1) {
            broken.push(format!(
                "days {}-{}: the same A three days running",
                i + 1,
                i + 3
            ));
        }
    }
    for (i, window) in days.windows(A_WINDOW).enumerate() {
        let tags: HashSet<FourA> = window.iter().map(|(_, tag)| *tag).collect();
        if tags.len() < 4 {
            broken.push(format!("days {}-{}: not every A", i + 1, i + A_WINDOW));
        }
    }
    for (n, block) in days.chunks(pass).enumerate() {
        let distinct: HashSet<&String> = block.iter().map(|(id, _)| id).collect();
        if distinct.len() != block.len() {
            broken.push(format!("pass {}: a prompt repeats within the pass", n + 1));
        }
    }
    let mut last: HashMap<&String, usize> = HashMap::new();
    for (at, (id, _)) in days.iter().enumerate() {
        if let Some(before) = last.insert(id, at) {
            if at - before <= REUSE_GAP {
                broken.push(format!(
                    "day {}: {id} again after {} days",
                    at + 1,
                    at - before
                ));
            }
        }
    }
    broken
}

#[cfg(test)]
mod tests;
