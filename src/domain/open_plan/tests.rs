use std::collections::HashSet;

use proptest::prelude::*;

use super::*;

/// A pool of `counts[t]` prompts of each A, ids "p0", "p1", …
fn pool(counts: [usize; 4]) -> Vec<(String, FourA)> {
    let mut prompts = Vec::new();
    for (t, count) in counts.iter().enumerate() {
        for _ in 0..*count {
            prompts.push((format!("p{}", prompts.len()), FourA::ALL[t]));
        }
    }
    prompts
}

fn days_of(plan: &OpenPlan, count: usize) -> Vec<(String, FourA)> {
    let (order, relaxed) = plan.sequence(count);
    assert!(!relaxed, "the rules never had to give way");
    order
        .iter()
        .map(|&i| (plan.prompts[i].id.clone(), plan.prompts[i].four_a))
        .collect()
}

/// Tag counts of a pool of 60 to 110 prompts in which every A has at least a fifth.
fn rotatable() -> impl Strategy<Value = [usize; 4]> {
    (60usize..=110, any::<[u8; 3]>()).prop_map(|(total, cuts)| {
        let floor = total.div_ceil(5);
        let mut spare = total - 4 * floor;
        let mut counts = [floor; 4];
        for (t, cut) in cuts.iter().enumerate() {
            let extra = spare * usize::from(*cut) / 255;
            counts[t] += extra;
            spare -= extra;
        }
        counts[3] += spare;
        counts
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn three_hundred_days_keep_the_rotation_and_the_no_repeat_rules(
        counts in rotatable(),
        seed in any::<u64>(),
    ) {
        let prompts = pool(counts);
        let plan = OpenPlan::build(&prompts, seed);
        let days = days_of(&plan, 300);
        prop_assert_eq!(broken_rules(&days, prompts.len()), Vec::<String>::new());
        let first: HashSet<&String> = days[..prompts.len()].iter().map(|(id, _)| id).collect();
        prop_assert_eq!(first.len(), prompts.len(), "every prompt in the first pass");
    }

    #[test]
    fn removed_prompts_keep_the_rotation_and_move_no_other_day(
        seed in any::<u64>(),
        removed in proptest::collection::hash_set(0usize..70, 1..4),
    ) {
        let prompts = pool([17, 19, 17, 17]);
        let plan = OpenPlan::build(&prompts, seed);
        let gone: HashSet<String> = removed.iter().map(|i| format!("p{i}")).collect();
        let before = days_of(&plan, 300);
        let after: Vec<(String, FourA)> = plan
            .days_among(300, |id| !gone.contains(id))
            .unwrap()
            .into_iter()
            .map(|(i, _)| (plan.prompts[i].id.clone(), plan.prompts[i].four_a))
            .collect();
        for (was, now) in before.iter().zip(&after) {
            prop_assert!(!gone.contains(&now.0));
            prop_assert_eq!(was.1, now.1, "the same A on every day");
            if !gone.contains(&was.0) {
                prop_assert_eq!(&was.0, &now.0, "a day with a known prompt keeps it");
            }
        }
        // A stand-in repeats a prompt within its pass; every other rule still holds.
        let broken: Vec<String> = broken_rules(&after, prompts.len())
            .into_iter()
            .filter(|rule| !rule.contains("within the pass"))
            .collect();
        prop_assert_eq!(broken, Vec::<String>::new());
    }
}

#[test]
fn the_same_seed_gives_the_same_days_and_another_seed_others() {
    let prompts = pool([17, 19, 17, 17]);
    let a = OpenPlan::build(&prompts, 5);
    assert_eq!(a, OpenPlan::build(&prompts, 5));
    assert_ne!(a, OpenPlan::build(&prompts, 6));
    assert_eq!(a.sequence(200), a.sequence(200));
}

#[test]
fn the_second_pass_is_a_new_order() {
    let prompts = pool([17, 19, 17, 17]);
    let plan = OpenPlan::build(&prompts, 11);
    let (days, _) = plan.sequence(140);
    assert_ne!(days[..70], days[70..], "not the first pass again");
}

#[test]
fn day_numbers_past_the_first_pass_are_repeats() {
    let plan = OpenPlan::build(&pool([15, 15, 15, 15]), 3);
    let day = plan.day(60).unwrap();
    assert_eq!(day.stage, Stage::Open);
    assert!(!day.repeat);
    assert!(plan.day(61).unwrap().repeat);
}

#[test]
fn a_removed_prompt_is_replaced_by_one_of_the_same_a() {
    let prompts = pool([17, 19, 17, 17]);
    let plan = OpenPlan::build(&prompts, 8);
    let third = plan.day(3).unwrap().prompt_id;
    let instead = plan.day_among(3, |id| id != third).unwrap();
    assert_ne!(instead.prompt_id, third);
    assert!(instead.repeat, "a stand-in is a repeat");
    let tag = |id: &str| plan.prompts.iter().find(|p| p.id == id).unwrap().four_a;
    assert_eq!(tag(&instead.prompt_id), tag(&third));
    assert_eq!(
        plan.day_among(4, |id| id != third),
        plan.day(4),
        "the next day is untouched"
    );
}

#[test]
fn nothing_left_is_no_day_and_a_lopsided_pool_still_gives_every_prompt() {
    let plan = OpenPlan::build(&pool([8, 8, 8, 8]), 1);
    assert_eq!(plan.day_among(1, |_| false), None);
    let lopsided = OpenPlan::build(&pool([30, 2, 2, 2]), 1);
    let (days, relaxed) = lopsided.sequence(72);
    assert!(relaxed, "the rotation cannot hold with two of each other A");
    for pass in days.chunks(36) {
        let distinct: HashSet<usize> = pass.iter().copied().collect();
        assert_eq!(distinct.len(), 36, "still a pass of every prompt");
    }
}

/// Later passes are worked out again whenever they are needed, so a change to the generator
/// would reshuffle every running cohort's future days. This pins them: if it fails, the change
/// needs a new plan version, not a new expected list.
#[test]
fn the_generator_gives_the_same_days_as_in_every_earlier_release() {
    let plan = OpenPlan::build(&pool([17, 19, 17, 17]), 42);
    let (days, _) = plan.sequence(210);
    let ids = |from: usize| {
        days[from..from + 10]
            .iter()
            .map(|&i| plan.prompts[i].id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(ids(0), "p49 p60 p0 p63 p28 p39 p19 p14 p54 p21");
    assert_eq!(ids(70), "p54 p2 p66 p49 p29 p46 p13 p55 p31 p45");
    assert_eq!(ids(140), "p40 p54 p3 p55 p19 p50 p14 p51 p64 p18");
}
