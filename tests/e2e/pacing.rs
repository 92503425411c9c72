//! Pacing by module: a new certification cohort takes each module's days from track.toml, and
//! `/cohort pace … module:N` changes one module, from the next practice day on.

use std::collections::HashSet;

use crate::cohorts::with_cohort;
use crate::everyday::{heading, nudges, play_days};
use crate::harness::Harness;

const DAILY: [(&str, &str); 3] = [("time", "09:00"), ("timezone", "UTC"), ("days", "daily")];

async fn delivered(harness: &Harness) -> Vec<String> {
    let store = harness.bot().store();
    let cohort = store
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap();
    let mut rows = store.recent_deliveries(cohort.id, 100).await.unwrap();
    rows.sort_by_key(|d| d.day_number);
    rows.into_iter().map(|d| d.prompt_id).collect()
}

async fn status(harness: &Harness) -> String {
    harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text()
}

#[tokio::test]
async fn a_new_accomplice_cohort_spends_practice_days_16_to_30_on_module_4() {
    let (harness, channel) = with_cohort(&DAILY).await;

    play_days(&harness, "2026-11-23", 31).await;

    let sent = nudges(&harness, channel);
    assert_eq!(sent.len(), 31);
    let module_of = |day: usize| {
        let heading = heading(&sent[day - 1]);
        heading
            .strip_prefix("Module ")
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(module_of(15), "3");
    for day in 16..=30 {
        assert_eq!(
            heading(&sent[day - 1]),
            "Module 4 · Allyship in Everyday Interactions",
            "day {day}"
        );
    }
    assert_eq!(module_of(31), "5");
    let text = status(&harness).await;
    assert!(
        text.contains("4. Allyship in Everyday Interactions: 15 practice days, days 16–30 · Tue 8 Dec – Tue 22 Dec"),
        "{text}"
    );
    assert!(
        text.contains("1. General Dimensions of Allyship: 5 practice days, days 1–5 · Mon 23 Nov – Fri 27 Nov"),
        "{text}"
    );
    assert!(text.contains("Then review from day 46"), "{text}");
    assert!(
        text.contains("Today: Day 31 · ")
            && text.contains(" · Module 5: Individual Allyship and Organizational Success"),
        "{text}"
    );
}

#[tokio::test]
async fn pace_for_module_4_changes_only_module_4_and_only_days_still_ahead() {
    let (harness, channel) = with_cohort(&DAILY).await;
    play_days(&harness, "2026-11-23", 20).await;
    let before = delivered(&harness).await;
    let plan_before = status(&harness).await;

    let paced = harness
        .command(
            harness.owner,
            "cohort pace",
            &[
                ("cohort", "Blue"),
                ("days_per_module", "10"),
                ("module", "4"),
            ],
        )
        .await
        .text();
    let ended = harness
        .command(
            harness.owner,
            "cohort pace",
            &[
                ("cohort", "Blue"),
                ("days_per_module", "8"),
                ("module", "2"),
            ],
        )
        .await
        .text();
    let plan_after = status(&harness).await;
    play_days(&harness, "2026-12-13", 6).await;

    assert!(
        paced.contains("Module 4 of **Blue** now lasts 10 practice days, from practice day 21 on"),
        "{paced}"
    );
    assert!(
        ended.contains("Module 2 ended with practice day 10")
            && ended.contains("Nothing was changed"),
        "{ended}"
    );
    assert!(
        plan_after.contains("4. Allyship in Everyday Interactions: 10 practice days, days 16–25"),
        "{plan_after}"
    );
    assert!(
        plan_after.contains(
            "5. Individual Allyship and Organizational Success: 5 practice days, days 26–30"
        ),
        "{plan_after}"
    );
    for line in plan_before
        .lines()
        .filter(|l| ["1. ", "2. ", "3. "].iter().any(|m| l.starts_with(m)))
    {
        assert!(
            plan_after.contains(line),
            "module lines before 4 are unchanged: {line}"
        );
    }
    let after = delivered(&harness).await;
    assert_eq!(after[..20], before[..], "delivered days keep their prompts");
    let sent = nudges(&harness, channel);
    for day in 21..=25 {
        assert!(
            heading(&sent[day - 1]).starts_with("Module 4 ·"),
            "day {day}"
        );
    }
    assert!(heading(&sent[25]).starts_with("Module 5 ·"), "day 26");
    let distinct: HashSet<&String> = after.iter().collect();
    assert_eq!(distinct.len(), 26, "no prompt came twice");
    let store = harness.bot().store();
    let cohort = store
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap();
    for (index, prompt) in before.iter().enumerate() {
        let planned = cohort.plan.day(index as u32 + 1, &cohort.pace).unwrap();
        assert_eq!(
            &planned.prompt_id,
            prompt,
            "the plan agrees with day {}",
            index + 1
        );
    }
}

#[tokio::test]
async fn shortening_the_module_under_way_keeps_the_days_it_has_had() {
    let (harness, _) = with_cohort(&DAILY).await;
    play_days(&harness, "2026-11-23", 20).await;

    let paced = harness
        .command(
            harness.owner,
            "cohort pace",
            &[
                ("cohort", "Blue"),
                ("days_per_module", "2"),
                ("module", "4"),
            ],
        )
        .await
        .text();

    assert!(
        paced.contains("Module 4 has already had 5 practice days, so it keeps those and the next module starts with day 21"),
        "{paced}"
    );
    assert!(
        paced.contains("4. Allyship in Everyday Interactions: 5 practice days, days 16–20"),
        "{paced}"
    );
}

#[tokio::test]
async fn preview_shows_a_certification_cohorts_module_plan() {
    let (harness, _) = with_cohort(&DAILY).await;

    let preview = harness
        .command(
            harness.owner,
            "cohort preview",
            &[("cohort", "Blue"), ("day", "16")],
        )
        .await;

    let text = preview.text();
    assert!(text.contains("practice day 16 (Tue 8 Dec 2026)"), "{text}");
    assert!(
        text.contains("Module 4 · Allyship in Everyday Interactions"),
        "{text}"
    );
    assert!(
        text.contains("Module plan:\n1. General Dimensions of Allyship: 5 practice days, days 1–5 · Mon 23 Nov – Fri 27 Nov ← now"),
        "{text}"
    );
    assert!(
        text.contains(
            "7. Collaborative Project—Allyship Moving Forward: 5 practice days, days 41–45"
        ),
        "{text}"
    );
}
