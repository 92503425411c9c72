//! The Everyday program as shipped: its plan keeps the rules for any seed.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;

use super::*;
use crate::content::load;
use crate::content::model::Curriculum;
use crate::domain::{CohortPlan, Pace};

fn shipped() -> &'static Curriculum {
    static SHIPPED: OnceLock<Curriculum> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        load::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"))
            .expect("the shipped curriculum loads")
    })
}

/// Every prompt of every module a track.toml marks `everyday = true`, read from the tracks
/// themselves (not from the program built out of them).
fn marked_prompts(curriculum: &Curriculum) -> HashSet<String> {
    curriculum
        .tracks
        .iter()
        .filter(|t| !t.is_open())
        .flat_map(|t| &t.modules)
        .filter(|m| m.everyday)
        .flat_map(|m| m.prompts.iter().map(|p| p.id.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_everyday_program_keeps_its_rules_for_300_practice_days_from_any_seed(seed in any::<u64>()) {
        let curriculum = shipped();
        let everyday = curriculum.track("everyday").expect("the Everyday program");
        let (plan, pace) = everyday.new_cohort_plan(seed);
        let CohortPlan::Open { open } = &plan else {
            panic!("an open-ended plan");
        };
        let known = |id: &str| everyday.prompt(id).is_some();
        let days: Vec<(String, FourA)> = open
            .days_among(300, known)
            .expect("prompts")
            .into_iter()
            .map(|(index, _)| {
                let (_, prompt) = everyday.prompt(&open.prompts[index].id).expect("a known prompt");
                (prompt.id.clone(), prompt.four_a)
            })
            .collect();
        for day in [1u32, 70, 71, 300] {
            let planned = plan.day_among(day, &pace, known).expect("a prompt");
            prop_assert_eq!(&planned.prompt_id, &days[day as usize - 1].0, "the scheduler's path");
        }
        let marked = marked_prompts(curriculum);
        prop_assert_eq!(broken_rules(&days, marked.len()), Vec::<String>::new());
        let first_pass: HashSet<String> =
            days[..marked.len()].iter().map(|(id, _)| id.clone()).collect();
        prop_assert_eq!(first_pass, marked, "every marked prompt in the first pass");
        prop_assert_eq!(pace, Pace::new([]));
    }
}

#[test]
fn the_shipped_everyday_program_draws_from_the_marked_modules_with_their_items() {
    let curriculum = shipped();
    let everyday = curriculum.track("everyday").expect("the Everyday program");
    let drawn: Vec<(String, u8)> = everyday
        .modules
        .iter()
        .map(|m| (m.source.as_ref().expect("a source").track.clone(), m.number))
        .collect();
    let marked: Vec<(String, u8)> = curriculum
        .tracks
        .iter()
        .filter(|t| !t.is_open())
        .flat_map(|t| {
            t.modules
                .iter()
                .filter(|m| m.everyday)
                .map(|m| (t.id.clone(), m.number))
        })
        .collect();
    assert_eq!(drawn.len(), marked.len());
    for pair in &marked {
        assert!(drawn.contains(pair), "{pair:?}");
    }
    assert!(everyday
        .modules
        .iter()
        .all(|m| !m.quiz.is_empty() && !m.reflections.is_empty() && !m.commitments.is_empty()));
    assert!(rules(everyday).is_empty(), "{:?}", rules(everyday));
}
