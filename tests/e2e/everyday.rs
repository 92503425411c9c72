//! The Everyday program end to end: an open-ended cohort's nudges, quizzes, `/progress` and
//! `/cohort status`, all from the modules the track files mark `everyday = true`.

use std::collections::HashSet;

use allybot::app;
use allybot::content::model::Curriculum;
use allybot::sim::SimMessage;
use chrono::{Duration, NaiveDate};

use crate::cohorts::with_cohort_on;
use crate::harness::{at, Harness};
use crate::quizzer::Quizzer;

const DAILY: [(&str, &str); 3] = [("time", "09:00"), ("timezone", "UTC"), ("days", "daily")];

pub fn nudges(harness: &Harness, channel: u64) -> Vec<SimMessage> {
    harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .filter(|m| m.button("I tried this").is_some())
        .collect()
}

pub fn footer(message: &SimMessage) -> String {
    message.embeds[0]["footer"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn heading(message: &SimMessage) -> String {
    message.embeds[0]["author"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Moves the clock to 09:00 UTC on each day from `first` for `count` days, one scheduler round
/// each (the cohorts here practise daily).
pub async fn play_days(harness: &Harness, first: &str, count: i64) {
    let first = NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap();
    for offset in 0..count {
        let day = first + Duration::days(offset);
        harness.clock.set(at(&format!("{day}T09:00:00Z")));
        harness.bot().scheduler().settle().await;
    }
}

/// The prompt and quiz ids of every module a track.toml marks `everyday = true`, read from the
/// tracks themselves.
fn marked(curriculum: &Curriculum) -> (HashSet<String>, HashSet<String>) {
    let modules: Vec<_> = curriculum
        .tracks
        .iter()
        .filter(|t| !t.is_open())
        .flat_map(|t| &t.modules)
        .filter(|m| m.everyday)
        .collect();
    let prompts = modules
        .iter()
        .flat_map(|m| m.prompts.iter().map(|p| p.id.clone()))
        .collect();
    let quiz = modules
        .iter()
        .flat_map(|m| m.quiz.iter().map(|q| q.id.clone()))
        .collect();
    (prompts, quiz)
}

/// The A named in a footer "Day 3 · Advocacy · Everyday Allyship Practice".
fn four_a(footer: &str) -> String {
    footer.split(" · ").nth(1).unwrap_or_default().to_owned()
}

async fn cohort_id(harness: &Harness) -> i64 {
    harness
        .bot()
        .store()
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn an_everyday_cohorts_first_ten_nudges_come_only_from_the_marked_modules_with_the_as_in_rotation(
) {
    let (harness, channel) = with_cohort_on("everyday", &DAILY).await;
    let curriculum = app::load_curriculum(&harness.settings()).unwrap();
    let (marked_prompts, _) = marked(&curriculum);

    play_days(&harness, "2026-11-23", 10).await;

    let sent = nudges(&harness, channel);
    assert_eq!(sent.len(), 10);
    let deliveries = harness
        .bot()
        .store()
        .recent_deliveries(cohort_id(&harness).await, 10)
        .await
        .unwrap();
    let ids: HashSet<&str> = deliveries.iter().map(|d| d.prompt_id.as_str()).collect();
    assert_eq!(ids.len(), 10, "no repeats: {ids:?}");
    for id in &ids {
        assert!(
            marked_prompts.contains(*id),
            "{id} is not from a marked module"
        );
    }
    let mut tags = Vec::new();
    for (index, nudge) in sent.iter().enumerate() {
        let footer = footer(nudge);
        assert!(
            footer.starts_with(&format!("Day {} · ", index + 1))
                && footer.ends_with(" · Everyday Allyship Practice"),
            "{footer}"
        );
        let heading = heading(nudge);
        assert!(
            heading == "Module 4 · Allyship in Everyday Interactions · Certified Allyship Accomplice Program"
                || heading
                    == "Module 2 · Allyship as Individual/Interpersonal Practice · Corporate Allyship Certification",
            "{heading}"
        );
        assert!(!nudge.text().contains("of 7"), "{}", nudge.text());
        tags.push(four_a(&footer));
    }
    for run in tags.windows(3) {
        assert!(
            !(run[0] == run[1] && run[1] == run[2]),
            "never the same A three days running: {tags:?}"
        );
    }
    for window in tags.windows(5) {
        let distinct: HashSet<&String> = window.iter().collect();
        assert_eq!(distinct.len(), 4, "every A in any five days: {tags:?}");
    }
}

#[tokio::test]
async fn an_everyday_cohorts_quizzes_ask_only_from_the_marked_modules() {
    let (harness, channel) = with_cohort_on("everyday", &DAILY).await;
    let member = harness.add_member("Ines");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    let curriculum = app::load_curriculum(&harness.settings()).unwrap();
    let (_, marked_quiz) = marked(&curriculum);
    let organization_two: HashSet<String> = curriculum
        .track("organization")
        .and_then(|t| t.module(2))
        .map(|m| m.quiz.iter().map(|q| q.id.clone()).collect())
        .unwrap();
    play_days(&harness, "2026-11-23", 2).await;
    let quizzer = Quizzer::new(&harness, member);

    let mut asked = Vec::new();
    for round in 0..4 {
        let reply = harness.command(member, "quiz", &[]).await;
        assert!(
            reply
                .text()
                .contains("A quick quiz from Everyday Allyship Practice"),
            "{}",
            reply.text()
        );
        let mut message = reply.message().clone();
        for number in 1..=3 {
            asked.push(quizzer.item(&message).id.clone());
            let feedback = quizzer.answer(&message, (round + number) % 2 == 0).await;
            let next = if number == 3 {
                "Finish"
            } else {
                "Next question"
            };
            message = quizzer.step(&feedback, next).await;
        }
    }
    let nudge = nudges(&harness, channel).pop().unwrap();
    let quiz_me = harness
        .press(
            member,
            nudge.id,
            &nudge.button("Quiz me").unwrap().custom_id,
        )
        .await;
    asked.push(quizzer.item(quiz_me.message()).id.clone());
    for id in &asked {
        assert!(marked_quiz.contains(id), "{id} is not from a marked module");
    }

    let from_two = quizzer.start(&[("module", "2")]).await;
    let item = quizzer.item(&from_two).id.clone();
    assert!(organization_two.contains(&item), "{item}");
    assert!(
        from_two
            .text()
            .contains("Module 2 · Allyship as Individual/Interpersonal Practice"),
        "{}",
        from_two.text()
    );
    let not_drawn = harness.command(member, "quiz", &[("module", "3")]).await;
    assert!(
        not_drawn
            .text()
            .contains("Everyday Allyship Practice draws from 2 modules")
            && not_drawn
                .text()
                .contains("`/quiz module:4` (Allyship in Everyday Interactions)")
            && not_drawn.text().contains("`/quiz module:2`"),
        "{}",
        not_drawn.text()
    );
}

#[tokio::test]
async fn progress_and_status_say_the_practice_day_and_the_a_of_an_open_ended_program() {
    let (harness, channel) = with_cohort_on("everyday", &DAILY).await;
    let member = harness.add_member("Jae");
    harness.command(member, "join", &[("cohort", "Blue")]).await;

    play_days(&harness, "2026-11-23", 23).await;

    let latest = nudges(&harness, channel).pop().unwrap();
    let footer = footer(&latest);
    assert!(
        footer.starts_with("Day 23 · ") && footer.ends_with(" · Everyday Allyship Practice"),
        "{footer}"
    );
    let progress = harness.command(member, "progress", &[]).await;
    let line = progress.message().embeds[0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        line, footer,
        "/progress says where the cohort is, as the nudge does"
    );
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains(&format!("Today: {footer}")), "{status}");
    assert!(
        status.contains("Open-ended: one prompt each practice day from Allyship in Everyday Interactions (Certified Allyship Accomplice Program, module 4) and Allyship as Individual/Interpersonal Practice (Corporate Allyship Certification, module 2)"),
        "{status}"
    );
    assert!(
        !status.contains("Module plan") && !status.contains("of 7"),
        "{status}"
    );
    let curriculum = app::load_curriculum(&harness.settings()).unwrap();
    let marked_examples: HashSet<String> = curriculum
        .track("everyday")
        .unwrap()
        .modules
        .iter()
        .flat_map(|m| m.commitments.iter().map(|c| c.when.clone()))
        .collect();
    let commit = harness.command(member, "commit", &[]).await;
    let example = commit.modal().inputs[0]
        .placeholder
        .clone()
        .unwrap_or_default();
    assert!(
        marked_examples.contains(&example),
        "the /commit example comes from a marked module: {example}"
    );
    let pace = harness
        .command(
            harness.owner,
            "cohort pace",
            &[("cohort", "Blue"), ("days_per_module", "3")],
        )
        .await
        .text();
    assert!(
        pace.contains("open-ended program") && pace.contains("Nothing was changed"),
        "{pace}"
    );
}

#[tokio::test]
async fn cohort_create_offers_every_track_with_a_one_line_description() {
    let harness = Harness::start().await;

    let offered = harness
        .sim
        .autocomplete(
            harness.in_general(harness.owner),
            "cohort create",
            &[("name", "Green"), ("track", "")],
            "track",
        )
        .await
        .unwrap();
    let unknown = harness
        .command(
            harness.owner,
            "cohort create",
            &[("name", "Green"), ("track", "daily")],
        )
        .await;
    let created = harness
        .command(
            harness.owner,
            "cohort create",
            &[("name", "Green"), ("track", "everyday")],
        )
        .await;

    let values: Vec<&str> = offered.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["accomplice", "everyday", "organization"]);
    assert_eq!(
        offered[1].name,
        "Everyday Allyship Practice · Open-ended daily practice in everyday interactions"
    );
    assert!(offered.iter().all(|c| c.name.chars().count() <= 100));
    assert!(
        unknown
            .text()
            .contains("Pick one of `accomplice`, `everyday`, `organization`"),
        "{}",
        unknown.text()
    );
    assert!(
        created.text().contains("on Everyday Allyship Practice")
            && created
                .text()
                .contains("open-ended, one prompt each practice day"),
        "{}",
        created.text()
    );
}
